//! Unit tests of the reminders module: backends chosen, plans, installs and removals with fake programs.

use super::*;

#[test]
fn a_job_serves_the_data_directory_its_command_names() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    fs::create_dir_all(t.join("lockstep-work")).unwrap();
    fs::create_dir_all(t.join("lockstep")).unwrap();
    fs::create_dir_all(t.join("50%off")).unwrap();
    std::os::unix::fs::symlink(t.join("lockstep"), t.join("link")).unwrap();
    let with = |backend: Backend, dir: Option<&Path>| {
        let exe = "/usr/bin/lockstep";
        let mut argv = vec![exe.to_string()];
        if let Some(d) = dir {
            argv.extend(["--data-dir".to_string(), d.display().to_string()]);
        }
        argv.push("notify".into());
        let q: fn(&str) -> String = match backend {
            Backend::Cron => job::cron_quote,
            Backend::Systemd => job::systemd_quote,
            Backend::Launchd => job::sh_quote,
        };
        Installed {
            backend,
            locations: Vec::new(),
            at: None,
            command: Some(argv.iter().map(|a| q(a)).collect::<Vec<_>>().join(" ")),
            active: None,
            next_run: None,
            notes: Vec::new(),
        }
    };
    let default = t.join("lockstep");
    for b in Backend::ALL {
        let work = with(b, Some(&t.join("lockstep-work")));
        // A path that is a prefix of the job's is another directory.
        assert_eq!(
            work.serves(&t.join("lockstep"), &default),
            Some(false),
            "{b:?}"
        );
        assert_eq!(work.serves(&t.join("lockstep-work/"), &default), Some(true));
        assert_eq!(
            work.serves(&t.join("lockstep/../lockstep-work"), &default),
            Some(true)
        );
        // No --data-dir: the default directory, however it is spelled here.
        let plain = with(b, None);
        assert_eq!(plain.serves(&default, &default), Some(true));
        assert_eq!(plain.serves(&t.join("link"), &default), Some(true));
        assert_eq!(
            plain.serves(&t.join("lockstep-work"), &default),
            Some(false)
        );
        let pct = with(b, Some(&t.join("50%off")));
        assert_eq!(pct.serves(&t.join("50%off"), &default), Some(true), "{b:?}");
        let missing = with(b, Some(&t.join("gone/./x/")));
        assert_eq!(missing.serves(&t.join("gone/x"), &default), Some(true));
    }
    let unknown = Installed {
        command: None,
        ..with(Backend::Cron, None)
    };
    assert_eq!(unknown.serves(&default, &default), None);
}

#[test]
fn a_job_from_a_cargo_build_directory_is_said_to_break_after_cargo_clean() {
    for (exe, dir) in [
        (
            "/src/lockstep/target/release/lockstep",
            Some("/src/lockstep/target/release"),
        ),
        (
            "/src/l/target/debug/deps/t-1a2b",
            Some("/src/l/target/debug/deps"),
        ),
        (
            "/src/l/target/x86_64-unknown-linux-gnu/release/lockstep",
            Some("/src/l/target/x86_64-unknown-linux-gnu/release"),
        ),
        ("/home/u/.cargo/bin/lockstep", None),
        ("/usr/bin/lockstep", None),
        ("/opt/release/lockstep", None),
    ] {
        assert_eq!(build_dir(Path::new(exe)), dir.map(Path::new), "{exe}");
    }
}

fn env(systemd: bool, crontab: bool, os: TargetOs) -> Environment {
    Environment {
        systemd_booted: systemd,
        crontab_on_path: crontab,
        os,
        home: "/home/u".into(),
        config_home: "/home/u/.config".into(),
    }
}

#[test]
fn backend_choice_prefers_systemd_then_cron_then_launchd() {
    use Backend::*;
    use TargetOs::*;
    assert_eq!(
        choose_backend(&env(true, true, Linux), None).unwrap(),
        Systemd
    );
    assert_eq!(
        choose_backend(&env(false, true, Linux), None).unwrap(),
        Cron
    );
    assert_eq!(
        choose_backend(&env(false, true, MacOs), None).unwrap(),
        Cron
    );
    assert_eq!(
        choose_backend(&env(false, false, MacOs), None).unwrap(),
        Launchd
    );
    let e = choose_backend(&env(false, false, Linux), None).unwrap_err();
    assert!(matches!(e, ReminderError::NoBackend));
    let msg = e.to_string();
    for option in [
        "--backend systemd|cron|launchd",
        "/run/systemd/system",
        "crontab",
        "macOS",
    ] {
        assert!(msg.contains(option), "{msg}");
    }
    assert!(matches!(
        choose_backend(&env(false, false, Other), None),
        Err(ReminderError::NoBackend)
    ));
}

#[test]
fn a_forced_backend_wins() {
    for b in Backend::ALL {
        assert_eq!(
            choose_backend(&env(false, false, TargetOs::Linux), Some(b)).unwrap(),
            b
        );
        assert_eq!(
            choose_backend(&env(true, true, TargetOs::MacOs), Some(b)).unwrap(),
            b
        );
    }
}

#[test]
fn detect_reads_home_and_config_home() {
    match Environment::detect() {
        Ok(e) => {
            assert!(e.home.is_absolute() && e.config_home.is_absolute(), "{e:?}");
            assert_eq!(e.os, TargetOs::current());
            assert_eq!(e.systemd_booted, Path::new("/run/systemd/system").is_dir());
        }
        Err(e) => assert!(matches!(e, ReminderError::NoHome), "{e}"),
    }
}

#[test]
fn backend_names_parse() {
    for b in Backend::ALL {
        assert_eq!(b.name().parse::<Backend>().unwrap(), b);
    }
    let e = "anacron".parse::<Backend>().unwrap_err().to_string();
    assert!(e.contains("systemd, cron or launchd"), "{e}");
}

#[test]
fn on_path_needs_an_executable_file() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("crontab");
    fs::write(&f, "#!/bin/sh\n").unwrap();
    let path = std::env::join_paths([Path::new("/nonexistent"), d.path()]).unwrap();
    assert!(!on_path(&path, "crontab"));
    fs::set_permissions(&f, fs::Permissions::from_mode(0o755)).unwrap();
    assert!(on_path(&path, "crontab"));
    assert!(!on_path(&path, "systemctl"));
}

#[test]
fn owned_files_are_written_once_and_foreign_ones_kept() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("sub/unit");
    let text = format!("# {MARKER}\nA\n");
    assert!(write_owned_file(&p, &text).unwrap());
    assert!(!write_owned_file(&p, &text).unwrap());
    assert_eq!(fs::read_to_string(&p).unwrap(), text);
    let leftovers: Vec<_> = fs::read_dir(p.parent().unwrap()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temp file left behind");
    fs::write(&p, "mine\n").unwrap();
    assert!(matches!(
        write_owned_file(&p, &text),
        Err(ReminderError::ForeignFile(_))
    ));
    let mut r = RemoveReport::default();
    remove_owned_file(&p, &mut r).unwrap();
    assert_eq!(fs::read_to_string(&p).unwrap(), "mine\n");
    assert_eq!(r.warnings.len(), 1);
}
