//! Two machines, one history, through the real binary: a data directory copied to a second
//! machine, different changes on each, then the other's log comes back as a sync tool's conflict
//! copy (each tool's real naming), by `lockstep merge`, or by `git merge` with the union driver.
//! Both changes are there, each event once, the copy is set aside, a forgotten note stays
//! forgotten and a secret never comes in.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::data::{count, lockstep, status_of, stderr};
use serde_json::Value;

/// Runs a command that must succeed.
fn ok(data: &Path, args: &[&str]) -> Output {
    let o = lockstep(data).args(args).output().unwrap();
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    o
}

/// Machine A and a copy of its data directory as machine B, each then with a change of its own.
fn two_machines(root: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let a = root.join("laptop");
    let b = root.join("desktop");
    ok(&a, &["check", "totp-2fa"]);
    ok(&a, &["note", "totp-2fa", "app on the old phone"]);
    fs::create_dir_all(&b).unwrap();
    for f in ["state.json", "history.jsonl"] {
        fs::copy(a.join(f), b.join(f)).unwrap();
    }
    ok(&a, &["check", "passkeys"]);
    ok(&b, &["check", "lock-switch"]);
    ok(&b, &["review", "monthly"]);
    (a, b)
}

fn both_changes_once(a: &Path) {
    assert_eq!(status_of(a, "passkeys"), "done");
    assert_eq!(status_of(a, "lock-switch"), "done");
    assert_eq!(status_of(a, "totp-2fa"), "done");
    for (kind, step) in [
        ("step_done", "passkeys"),
        ("step_done", "lock-switch"),
        ("step_done", "totp-2fa"),
    ] {
        assert_eq!(count(a, kind, step), 1, "{kind} {step}");
    }
}

#[test]
fn a_conflict_copy_of_each_sync_tool_is_merged_once_and_set_aside() {
    for name in [
        "history.sync-conflict-20261201-101010-ABCDEFG.jsonl",
        "history (Jane's conflicted copy 2026-12-01).jsonl",
        "history (conflicted copy 2026-12-01 101010).jsonl",
        "history_conflict-20261201-101010.jsonl",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = two_machines(tmp.path());
        fs::copy(b.join("history.jsonl"), a.join(name)).unwrap();
        // A conflicting snapshot too: set aside, the state comes from the merged log.
        fs::copy(
            b.join("state.json"),
            a.join("state.sync-conflict-20261201-101010-X.json"),
        )
        .unwrap();
        // Files a sync tool is still writing are ignored.
        fs::write(a.join(".syncthing.history.jsonl.tmp"), b"{\"v\":3,\"id").unwrap();
        fs::write(a.join("~syncthing~history.jsonl.tmp"), b"{\"acc").unwrap();
        // The first command after the sync tool: `due` at shell start-up, or `status`.
        let first = if name.starts_with("history.sync") {
            "due"
        } else {
            "status"
        };
        let o = ok(&a, &[first]);
        let e = stderr(&o);
        assert!(e.contains("2 changes from another machine"), "{name}: {e}");
        assert!(e.contains("lock-switch"), "{name}: {e}");
        both_changes_once(&a);
        assert!(a.join("conflicts").join(name).exists(), "{name}: set aside");
        assert!(!a.join(name).exists());
        assert!(
            !a.join("state.sync-conflict-20261201-101010-X.json")
                .exists()
        );
        // Told once; the next command is quiet.
        assert!(!stderr(&ok(&a, &["status"])).contains("another machine"));
        assert!(a.join(".syncthing.history.jsonl.tmp").exists());
    }
}

#[test]
fn merge_brings_the_other_machine_in_once_and_dry_run_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = two_machines(tmp.path());
    let before = fs::read(a.join("history.jsonl")).unwrap();
    let o = ok(&a, &["merge", b.to_str().unwrap(), "--dry-run"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("2 changes from another machine") && out.contains("dry run"),
        "{out}"
    );
    assert_eq!(fs::read(a.join("history.jsonl")).unwrap(), before);
    assert_eq!(status_of(&a, "lock-switch"), "todo");
    ok(&a, &["merge", b.to_str().unwrap()]);
    both_changes_once(&a);
    let again = ok(&a, &["merge", b.join("history.jsonl").to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing new"));
    // The other way round gives the same state.
    ok(&b, &["merge", a.to_str().unwrap()]);
    both_changes_once(&b);
    let show = |d: &Path| {
        let mut v: Value = serde_json::from_slice(&ok(d, &["status", "--json"]).stdout).unwrap();
        v.as_object_mut().unwrap().remove("date");
        v
    };
    assert_eq!(show(&a), show(&b));
    // New changes after a merge keep landing on both.
    ok(&a, &["check", "device-policy"]);
    ok(&b, &["merge", a.to_str().unwrap()]);
    assert_eq!(status_of(&b, "device-policy"), "done");
}

#[test]
fn a_forgotten_note_stays_forgotten_and_a_secret_never_comes_in() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = two_machines(tmp.path());
    // B forgets the shared note.
    let o = ok(&b, &["forget", "totp-2fa"]);
    assert!(!stderr(&o).contains("another lockstep"), "{}", stderr(&o));
    ok(&a, &["merge", b.to_str().unwrap()]);
    let log = fs::read_to_string(a.join("history.jsonl")).unwrap();
    assert!(
        !log.contains("old phone"),
        "the purged text came back: {log}"
    );
    let s: Value = serde_json::from_slice(&ok(&a, &["status", "--json"]).stdout).unwrap();
    assert!(!s.to_string().contains("old phone"));
    // A change that brings a seed phrase (written by a lockstep without the guard, or by
    // hand) is left out, and says so.
    let c = tmp.path().join("third");
    fs::create_dir_all(&c).unwrap();
    fs::copy(b.join("history.jsonl"), c.join("history.jsonl")).unwrap();
    fs::copy(b.join("state.json"), c.join("state.json")).unwrap();
    ok(&c, &["note", "passkeys", "kept in the drawer"]);
    let text = fs::read_to_string(c.join("history.jsonl")).unwrap();
    let phrase = "abandon abandon abandon abandon abandon abandon abandon abandon abandon \
                  abandon abandon about";
    fs::write(
        c.join("history.jsonl"),
        text.replace("kept in the drawer", phrase),
    )
    .unwrap();
    let o = ok(&a, &["merge", c.to_str().unwrap()]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("left out"), "{out}");
    assert!(
        !fs::read_to_string(a.join("history.jsonl"))
            .unwrap()
            .contains("abandon")
    );
}

#[test]
fn git_with_the_union_driver_merges_two_clones() {
    let Some(git) = common::tool("git", "git") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let g = |dir: &Path, args: &[&str]| {
        let o = Command::new(&git)
            .current_dir(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    let a = tmp.path().join("laptop");
    fs::create_dir_all(&a).unwrap();
    g(&a, &["init", "-q", "-b", "main"]);
    let data_a = a.join("lockstep");
    ok(&data_a, &["check", "totp-2fa"]);
    // The README's recipe: only the log is versioned, merged as a union of lines.
    fs::write(
        a.join(".gitattributes"),
        "lockstep/history.jsonl merge=union\n",
    )
    .unwrap();
    fs::write(
        a.join(".gitignore"),
        "lockstep/*\n!lockstep/history.jsonl\n",
    )
    .unwrap();
    g(&a, &["add", "-A"]);
    g(&a, &["commit", "-q", "-m", "start"]);
    let b = tmp.path().join("desktop");
    g(tmp.path(), &["clone", "-q", a.to_str().unwrap(), "desktop"]);
    let data_b = b.join("lockstep");
    ok(&data_a, &["check", "passkeys"]);
    ok(&data_b, &["check", "lock-switch"]);
    g(&a, &["commit", "-q", "-am", "laptop"]);
    g(&b, &["commit", "-q", "-am", "desktop"]);
    g(&b, &["pull", "-q", "--no-rebase", "origin", "main"]);
    g(&b, &["push", "-q", "origin", "HEAD:incoming"]);
    g(&a, &["merge", "-q", "--no-edit", "incoming"]);
    for d in [&data_a, &data_b] {
        both_changes(d);
    }
}

fn both_changes(d: &Path) {
    assert_eq!(status_of(d, "passkeys"), "done");
    assert_eq!(status_of(d, "lock-switch"), "done");
    assert_eq!(count(d, "step_done", "totp-2fa"), 1);
    // And the next change lands after the merged ones.
    ok(d, &["check", "device-policy"]);
    assert_eq!(status_of(d, "lock-switch"), "done");
    assert_eq!(status_of(d, "device-policy"), "done");
}

#[test]
fn an_incident_opened_on_each_machine_stays_two_incidents() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("laptop");
    let b = tmp.path().join("desktop");
    let on = |d: &Path, name: &str, args: &[&str]| {
        let o = lockstep(d)
            .env("LOCKSTEP_MACHINE", name)
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    on(&a, "laptop", &["check", "totp-2fa"]);
    on(&a, "laptop", &["compromised"]);
    on(&a, "laptop", &["incident", "close", "it was me"]);
    fs::create_dir_all(&b).unwrap();
    for f in ["state.json", "history.jsonl"] {
        fs::copy(a.join(f), b.join(f)).unwrap();
    }
    // Before they sync, each machine opens incident #2.
    assert!(on(&a, "laptop", &["compromised"]).contains("Incident #2"));
    on(&a, "laptop", &["incident", "done", "c-lock"]);
    on(
        &a,
        "laptop",
        &["incident", "note", "laptop call", "--ticket", "L-1"],
    );
    assert!(on(&b, "desktop", &["compromised"]).contains("Incident #2"));
    on(
        &b,
        "desktop",
        &["incident", "note", "desktop chat", "--ticket", "D-2"],
    );
    on(&b, "desktop", &["incident", "done", "c-support"]);
    let told_a = on(&a, "laptop", &["merge", b.to_str().unwrap()]);
    let told_b = on(&b, "desktop", &["merge", a.to_str().unwrap()]);
    // Whichever machine's incident keeps #2, both machines agree; the one renumbered is told.
    let report = |d: &Path, n: &str| on(d, "x", &["incident", "report", "--id", n]);
    let mut laptops = Vec::new();
    for d in [&a, &b] {
        let two = report(d, "2");
        laptops.push(two.contains("L-1"));
        let three = report(d, "3");
        let (laptop, desktop) = if two.contains("L-1") {
            (two, three)
        } else {
            (three, two)
        };
        assert!(
            laptop.contains("L-1") && !laptop.contains("D-2"),
            "{laptop}"
        );
        assert!(
            desktop.contains("D-2") && !desktop.contains("L-1"),
            "{desktop}"
        );
        assert!(laptop.contains("[x] Hit the One-Button Lock"), "{laptop}");
        assert!(
            !desktop.contains("[x] Hit the One-Button Lock"),
            "{desktop}"
        );
        assert!(desktop.contains("[x] Contact support"), "{desktop}");
    }
    assert_eq!(
        laptops[0], laptops[1],
        "both machines give each incident one number"
    );
    // The machine whose own incident moved to #3 was told so by its merge.
    let (moved, kept) = if laptops[0] {
        (&told_b, &told_a)
    } else {
        (&told_a, &told_b)
    };
    assert!(moved.contains("incident #2 -> #3"), "{moved}");
    assert!(!kept.contains("->"), "{kept}");
    let desktop_is = if laptops[0] {
        "Incident #3"
    } else {
        "Incident #2"
    };
    // History names the other machine's changes, with its incident's number here.
    let hist_a = on(&a, "laptop", &["history"]);
    let desk_line = hist_a
        .lines()
        .find(|l| l.contains("D-2"))
        .expect("the desktop's note");
    assert!(desk_line.ends_with("(on desktop)"), "{desk_line}");
    assert!(desk_line.contains(desktop_is), "{hist_a}");
    let own = hist_a.lines().find(|l| l.contains("L-1")).unwrap();
    assert!(!own.contains("(on "), "{own}");
}

#[test]
fn every_event_has_an_id_that_is_the_same_on_every_machine() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = two_machines(tmp.path());
    ok(&a, &["merge", b.to_str().unwrap()]);
    ok(&b, &["merge", a.to_str().unwrap()]);
    let ids = |d: &Path| -> Vec<(String, String)> {
        let v: Value = serde_json::from_slice(&ok(d, &["history", "--json"]).stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let id = e["id"].as_str().unwrap().to_string();
                let change = e["change"].as_str().unwrap();
                assert!(id.starts_with(change), "{e}");
                assert!(
                    e["machine"]["id"].as_str().is_some_and(|m| m.len() == 16),
                    "{e}"
                );
                (id, e["what"]["event"].as_str().unwrap().to_string())
            })
            .collect()
    };
    let (from_a, from_b) = (ids(&a), ids(&b));
    let unique: std::collections::BTreeSet<&String> = from_a.iter().map(|(i, _)| i).collect();
    assert_eq!(unique.len(), from_a.len(), "{from_a:?}");
    let sorted = |mut v: Vec<(String, String)>| {
        v.sort();
        v
    };
    assert_eq!(sorted(from_a.clone()), sorted(from_b));
    // And on a second read.
    assert_eq!(ids(&a), from_a);
}

/// Every file under `dir` that holds `text`.
fn holding(dir: &Path, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(holding(&p, text));
        } else if String::from_utf8_lossy(&fs::read(&p).unwrap()).contains(text) {
            out.push(p.display().to_string());
        }
    }
    out
}

#[test]
fn forgotten_text_is_kept_in_no_copy_set_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = two_machines(tmp.path());
    // A forgets the note; B's log (still holding it) arrives as a conflict copy, with B's
    // snapshot: both are merged and set aside purged.
    ok(&a, &["forget", "totp-2fa"]);
    fs::copy(
        b.join("history.jsonl"),
        a.join("history.sync-conflict-20261201-101010-ABCDEFG.jsonl"),
    )
    .unwrap();
    fs::copy(
        b.join("state.json"),
        a.join("state.sync-conflict-20261201-101010-ABCDEFG.json"),
    )
    .unwrap();
    ok(&a, &["status"]);
    assert_eq!(status_of(&a, "lock-switch"), "done");
    assert!(
        holding(&a, "old phone").is_empty(),
        "{:?}",
        holding(&a, "old phone")
    );
    assert_eq!(fs::read_dir(a.join("conflicts")).unwrap().count(), 2);
    // A copy set aside before the note is forgotten is purged by the forget, and a torn last
    // line that may hold it goes.
    ok(&b, &["note", "passkeys", "kept in the blue folder"]);
    fs::copy(
        b.join("history.jsonl"),
        a.join("history (Jane's conflicted copy 2026-12-01).jsonl"),
    )
    .unwrap();
    ok(&a, &["status"]);
    assert!(!holding(&a.join("conflicts"), "blue folder").is_empty());
    fs::write(
        a.join("history.torn.1.jsonl"),
        br#"{"v":3,"id":"x","events":[{"account":"default","what":{"event":"step_note","step":"passkeys","text":"kept in the blue fo"#,
    )
    .unwrap();
    ok(&a, &["forget", "passkeys"]);
    assert!(
        holding(&a, "blue fo").is_empty(),
        "{:?}",
        holding(&a, "blue fo")
    );
    // What the copies held otherwise is still there.
    let kept = fs::read_to_string(
        a.join("conflicts")
            .join("history (Jane's conflicted copy 2026-12-01).jsonl"),
    )
    .unwrap();
    assert!(
        kept.contains("lock-switch") && kept.contains("note_removed"),
        "{kept}"
    );
}

#[test]
fn a_note_forgotten_on_one_machine_leaves_older_format_lines_on_both() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    common::data::copy_fixture("busy", &a);
    common::data::copy_fixture("busy", &b);
    let note = "authenticator app on the old phone";
    assert!(!holding(&a, note).is_empty());
    ok(&b, &["forget", "totp-2fa"]);
    assert!(holding(&b, note).is_empty(), "{:?}", holding(&b, note));
    ok(&a, &["check", "passkeys"]);
    ok(&a, &["merge", b.to_str().unwrap()]);
    ok(&b, &["merge", a.to_str().unwrap()]);
    for d in [&a, &b] {
        let log = fs::read_to_string(d.join("history.jsonl")).unwrap();
        assert!(!log.contains(note), "{}: {log}", d.display());
        assert_eq!(status_of(d, "passkeys"), "done");
    }
}
