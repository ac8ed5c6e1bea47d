//! The TUI's one-time offer of the daily reminder, driven through `App::update` and the shell's
//! `OfferShell` with a fake `crontab` on a private search path (no test touches the machine's
//! crontab): asked when the 5-minute essentials are first all done, nothing installed without
//! y, never asked again after n, asked again after "not now".

mod common;

use common::tui::{cl, press, t0, today};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use lockstep::reminders::{self, AtTime, Backend, Environment, Job, SystemRunner, TargetOs};
use lockstep::state::{Account, DEFAULT_ACCOUNT, State};
use lockstep::store::Paths;
use lockstep::tui::app::{Action, App, Offer, Screen, ScreenKind};
use lockstep::tui::{OfferShell, key_action, keymap};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// An app on the dashboard with every essential but the last one done, allowed to offer.
fn app() -> App {
    let cl = cl();
    let mut a = Account::new("crypto-com", t0());
    a.set_personas(vec![], t0());
    let steps = &cl.section("essentials").unwrap().steps;
    for t in &steps[..steps.len() - 1] {
        a.check(&cl, t.id.as_str(), t0()).unwrap();
    }
    let mut state = State::default();
    state.accounts.insert(DEFAULT_ACCOUNT.into(), a);
    let mut app = App::new(cl, state, DEFAULT_ACCOUNT, t0(), today());
    app.allow_reminder_offer();
    app
}

fn screen(app: &mut App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    lockstep::tui::draw(&mut t, app).unwrap();
    t.backend().to_string()
}

/// A private HOME, data directory and search path with a fake `crontab` that keeps the crontab
/// in a file (`fail`: every call fails instead).
struct Sandbox {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    paths: Paths,
}

impl Sandbox {
    fn new(fail: bool) -> Sandbox {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        fs::create_dir_all(root.join("bin")).unwrap();
        fs::create_dir_all(root.join("home")).unwrap();
        let store = root.join("crontab.store");
        let body = if fail {
            "echo 'crontab: your account is not allowed to use cron' >&2\nexit 1\n".to_string()
        } else {
            format!(
                "case \"$1\" in\n\
                 -l) if [ -f '{s}' ]; then /bin/cat '{s}'; else echo 'no crontab' >&2; exit 1; fi ;;\n\
                 -) /bin/cat > '{s}' ;;\n\
                 esac\n",
                s = store.display()
            )
        };
        let p = root.join("bin/crontab");
        fs::write(&p, format!("#!/bin/sh\n{body}")).unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
        let paths = Paths {
            data_dir: root.join("data"),
            config_dir: None,
        };
        Sandbox {
            _tmp: tmp,
            root,
            paths,
        }
    }

    fn shell(&self) -> OfferShell {
        let env = Environment {
            systemd_booted: false,
            crontab_on_path: true,
            os: TargetOs::Linux,
            home: self.root.join("home"),
            config_home: self.root.join("home/.config"),
        };
        OfferShell::with(
            Some(self.paths.data_dir.clone()),
            env,
            SystemRunner::with_path(self.root.join("bin")),
        )
    }

    fn crontab(&self) -> Option<String> {
        fs::read_to_string(self.root.join("crontab.store")).ok()
    }

    fn recorded(&self) -> Option<String> {
        fs::read_to_string(self.paths.data_dir.join(lockstep::app::OFFER_FILE)).ok()
    }
}

/// Checks the last essential in the walkthrough, as a user would.
fn finish_essentials(app: &mut App) {
    press(app, KeyCode::Enter); // the essentials, at their first open step
    assert_eq!(app.screen().kind(), ScreenKind::Walkthrough);
    press(app, KeyCode::Char(' '));
    assert!(app.summary.essentials_done);
    // Checking the last step moves on to the section's end.
    assert_eq!(app.screen().kind(), ScreenKind::SectionEnd);
}

#[test]
fn asked_once_the_essentials_are_done_and_yes_installs_what_was_shown() {
    let s = Sandbox::new(false);
    let mut shell = s.shell();
    let mut app = app();
    // Not before the essentials are all done.
    assert!(!app.wants_reminder_offer());
    shell.prepare(&mut app);
    assert_eq!(app.kind(), ScreenKind::Dashboard);
    finish_essentials(&mut app);
    assert!(app.wants_reminder_offer());
    shell.prepare(&mut app);
    assert_eq!(app.kind(), ScreenKind::ReminderOffer);
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("Want a daily reminder?"), "{text}");
    assert!(text.contains("y  yes, install it"), "{text}");
    assert!(
        s.crontab().is_none(),
        "nothing is installed before the answer"
    );
    assert!(s.recorded().is_none());
    // The plan names the crontab line with this lockstep and its data directory.
    let Screen::ReminderOffer { plan, .. } = app.screen().clone() else {
        unreachable!()
    };
    let plan = plan.join("\n");
    assert!(plan.contains("crontab"), "{plan}");
    assert!(
        plan.contains(&s.paths.data_dir.display().to_string()),
        "{plan}"
    );
    // Keys the user did not mean do nothing: Enter and Space are not an answer.
    for k in [KeyCode::Enter, KeyCode::Char(' ')] {
        if let Some(a) = key_action(&app, KeyEvent::new(k, KeyModifiers::NONE)) {
            app.update(a);
        }
    }
    shell.act(&mut app, &s.paths, |_| {});
    assert!(s.crontab().is_none());
    assert_eq!(app.kind(), ScreenKind::ReminderOffer);

    press(&mut app, KeyCode::Char('y'));
    let mut drew = false;
    shell.act(&mut app, &s.paths, |a| {
        drew = true;
        assert!(a.flash.as_ref().unwrap().text.contains("Installing"));
    });
    assert!(
        drew,
        "the shell draws 'Installing...' before running crontab"
    );
    let tab = s.crontab().expect("the crontab line is installed");
    assert!(tab.contains(" notify"), "{tab}");
    assert!(tab.contains("--data-dir"), "{tab}");
    assert_eq!(s.recorded().as_deref(), Some("yes\n"));
    assert_eq!(app.kind(), ScreenKind::ReminderResult);
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("Daily reminder installed"), "{text}");
    assert!(text.contains("lockstep reminders remove"), "{text}");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.kind(),
        ScreenKind::SectionEnd,
        "back where the user was"
    );
    // Asked once: not again in this session.
    assert!(!app.wants_reminder_offer());
    assert!(!lockstep::app::should_offer(&s.paths));
}

#[test]
fn no_installs_nothing_and_is_not_asked_again() {
    let s = Sandbox::new(false);
    let mut shell = s.shell();
    let mut app = app();
    finish_essentials(&mut app);
    shell.prepare(&mut app);
    press(&mut app, KeyCode::Char('n'));
    shell.act(&mut app, &s.paths, |_| {
        panic!("nothing is installed after no")
    });
    assert!(s.crontab().is_none());
    assert_eq!(s.recorded().as_deref(), Some("no\n"));
    assert_eq!(app.kind(), ScreenKind::SectionEnd);
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("will not ask again")
    );
    assert!(!lockstep::app::should_offer(&s.paths));
    // Undo and redo the last essential: still not asked.
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Char(' '));
    assert!(!app.summary.essentials_done);
    press(&mut app, KeyCode::Char(' '));
    assert!(app.summary.essentials_done);
    assert!(!app.wants_reminder_offer());
}

#[test]
fn not_now_records_nothing_so_the_next_start_asks_again() {
    let s = Sandbox::new(false);
    let mut shell = s.shell();
    let mut app = app();
    finish_essentials(&mut app);
    shell.prepare(&mut app);
    press(&mut app, KeyCode::Esc);
    shell.act(&mut app, &s.paths, |_| {
        panic!("nothing is installed after Esc")
    });
    assert_eq!(app.kind(), ScreenKind::SectionEnd);
    assert!(s.crontab().is_none() && s.recorded().is_none());
    assert!(!app.wants_reminder_offer(), "not again in this session");
    assert!(lockstep::app::should_offer(&s.paths));
    // The next start, with the essentials already done: asked on the dashboard.
    let mut next = App::new(cl(), app.state.clone(), DEFAULT_ACCOUNT, t0(), today());
    next.allow_reminder_offer();
    assert!(next.wants_reminder_offer());
    s.shell().prepare(&mut next);
    assert_eq!(next.kind(), ScreenKind::ReminderOffer);
}

#[test]
fn a_failed_install_says_why_and_records_nothing() {
    let s = Sandbox::new(true);
    let mut shell = s.shell();
    let mut app = app();
    finish_essentials(&mut app);
    shell.prepare(&mut app);
    press(&mut app, KeyCode::Char('y'));
    shell.act(&mut app, &s.paths, |_| {});
    assert_eq!(app.kind(), ScreenKind::ReminderResult);
    assert!(s.recorded().is_none(), "asked again next time");
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("NOT installed"), "{text}");
    assert!(text.contains("not allowed to use cron"), "{text}");
    assert!(app.flash.as_ref().unwrap().error);
}

#[test]
fn bang_during_the_question_goes_to_the_emergency_steps_and_drops_the_question() {
    let s = Sandbox::new(false);
    let mut shell = s.shell();
    let mut app = app();
    finish_essentials(&mut app);
    shell.prepare(&mut app);
    assert_eq!(app.kind(), ScreenKind::ReminderOffer);
    press(&mut app, KeyCode::Char('!'));
    assert_eq!(app.kind(), ScreenKind::Compromise);
    // y on the emergency screen is nothing; S starts the incident.
    assert!(key_action(&app, KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE)).is_none());
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.kind(), ScreenKind::SectionEnd, "the question is gone");
    shell.act(&mut app, &s.paths, |_| panic!("nothing is installed"));
    assert!(s.crontab().is_none() && s.recorded().is_none());
    assert!(!app.wants_reminder_offer(), "not again in this session");
}

#[test]
fn no_backend_here_offers_the_shell_start_line_instead() {
    let s = Sandbox::new(false);
    let env = Environment {
        systemd_booted: false,
        crontab_on_path: false,
        os: TargetOs::Linux,
        home: s.root.join("home"),
        config_home: s.root.join("home/.config"),
    };
    let mut shell = OfferShell::with(None, env, SystemRunner::with_path(s.root.join("bin")));
    let mut app = app();
    finish_essentials(&mut app);
    shell.prepare(&mut app);
    // No question (nothing can be installed), but what works instead, ready to paste.
    assert_eq!(app.kind(), ScreenKind::ReminderResult);
    let Screen::ReminderResult { result: r, .. } = app.screen().clone() else {
        panic!("{:?}", app.screen());
    };
    let text = r.lines.join("\n");
    assert!(text.contains("cannot be installed here"), "{text}");
    // This binary by its real path, as the job would name it (not whatever `lockstep` is on
    // the search path).
    let exe = std::env::current_exe().unwrap();
    let line = text
        .lines()
        .find(|l| l.ends_with(" due --quiet --soon"))
        .expect(&text);
    assert!(line.contains(exe.to_str().unwrap()), "{line}");
    assert!(!text.contains("command -v"), "{text}");
    assert_eq!(app.offer, Offer::Off);
    assert!(s.recorded().is_none());
    // Enter goes on, back to where the person was.
    app.update(Action::Back);
    assert_eq!(app.kind(), ScreenKind::SectionEnd);
}

#[test]
fn never_asked_over_an_incident_a_prompt_or_when_not_allowed() {
    // Not allowed (already asked in this data directory): never.
    let mut plain = app();
    plain.offer = Offer::Off;
    finish_essentials(&mut plain);
    assert!(plain.summary.essentials_done);
    assert!(!plain.wants_reminder_offer());
    // A text prompt open: not until it is closed.
    let mut a = app();
    finish_essentials(&mut a);
    press(&mut a, KeyCode::Left);
    press(&mut a, KeyCode::Char('n')); // a note prompt on the walkthrough
    assert!(a.input.is_some());
    assert!(!a.wants_reminder_offer());
    press(&mut a, KeyCode::Esc);
    assert!(a.wants_reminder_offer());
    // Over the emergency steps: never.
    a.update(Action::Compromised);
    assert!(!a.wants_reminder_offer(), "not over the emergency steps");
    // An open incident reopens the essentials; re-verified while it is still open, the
    // question waits for the incident to be closed.
    a.update(Action::StartIncident);
    assert!(a.acct().open_incident().is_some());
    a.update(Action::Back);
    assert!(!a.summary.essentials_done, "the incident reopened them");
    a.update(Action::Back);
    assert_eq!(a.kind(), ScreenKind::Dashboard);
    press(&mut a, KeyCode::Enter);
    while a.screen().kind() == ScreenKind::Walkthrough {
        press(&mut a, KeyCode::Char(' '));
    }
    assert!(a.summary.essentials_done, "re-verified");
    assert!(a.acct().open_incident().is_some());
    assert!(!a.wants_reminder_offer(), "not while the incident is open");
    a.update(Action::Compromised);
    a.update(Action::CloseIncident);
    for c in "resolved".chars() {
        a.update(Action::InputChar(c));
    }
    a.update(Action::InputSubmit);
    assert!(a.acct().open_incident().is_none(), "{:?}", a.flash);
    a.update(Action::Back);
    assert!(
        a.wants_reminder_offer(),
        "asked once the incident is closed"
    );
}

#[test]
fn not_asked_when_a_lockstep_job_is_already_installed() {
    // A yes would replace it (another data directory's job, or one at another time).
    let s = Sandbox::new(false);
    fs::write(
        s.root.join("crontab.store"),
        "MAILTO=me\n30 7 * * * /usr/bin/lockstep notify # lockstep-notify, written by `lockstep reminders install`\n",
    )
    .unwrap();
    let mut shell = s.shell();
    let mut app = app();
    finish_essentials(&mut app);
    assert!(!shell.prepare(&mut app));
    assert_eq!(app.kind(), ScreenKind::SectionEnd);
    assert_eq!(app.offer, Offer::Off);
    assert!(
        s.recorded().is_none(),
        "nothing recorded: asked once the job is gone"
    );
}

#[test]
fn an_answer_that_cannot_be_recorded_says_so() {
    let s = Sandbox::new(false);
    // The data directory is a file: nothing can be written there.
    fs::write(&s.paths.data_dir, "not a directory").unwrap();
    let mut shell = s.shell();
    let mut app = app();
    finish_essentials(&mut app);
    assert!(shell.prepare(&mut app));
    press(&mut app, KeyCode::Char('n'));
    shell.act(&mut app, &s.paths, |_| {});
    let f = app.flash.clone().unwrap();
    assert!(f.error && f.text.contains("could not be recorded"), "{f:?}");
    // It says which file, not that a save of the progress failed.
    assert!(
        f.text.contains("reminders-offer") || f.text.contains("data directory"),
        "{f:?}"
    );
    assert!(!f.text.contains("previously saved state"), "{f:?}");
}

#[test]
fn an_install_with_warnings_says_so_in_its_title() {
    let report = reminders::InstallReport {
        changed: true,
        done: vec!["wrote /home/u/.config/systemd/user/lockstep-notify.timer".into()],
        warnings: vec![
            "the unit files are written, but no systemd user manager answered, so the timer is \
             not enabled. To enable it, run:\n    systemctl --user enable --now lockstep-notify.timer"
                .into(),
        ],
        ..Default::default()
    };
    let env = Environment {
        systemd_booted: true,
        crontab_on_path: false,
        os: TargetOs::Linux,
        home: PathBuf::from("/home/u"),
        config_home: PathBuf::from("/home/u/.config"),
    };
    let job = Job::new(Path::new("/usr/bin/lockstep"), None, AtTime::DEFAULT).unwrap();
    let plan = reminders::plan(&env, Backend::Systemd, &job);
    let result = lockstep::tui::offer::installed(&plan, &report);
    assert!(result.ok && result.warned);
    assert!(result.lines[0].starts_with("Warning: the unit files are written"));
    assert_eq!(
        result.lines[1].trim(),
        "systemctl --user enable --now lockstep-notify.timer",
        "a command on its own line"
    );
    let mut app = app();
    app.reminder_installed(result);
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("installed, with a warning to read"), "{text}");
    assert!(!text.contains("\\u{a}"), "{text}");
}

#[test]
fn the_question_has_its_keys_in_the_footer_and_help() {
    let s = Sandbox::new(false);
    let mut app = app();
    finish_essentials(&mut app);
    s.shell().prepare(&mut app);
    let labels: Vec<_> = keymap::bindings_for(ScreenKind::ReminderOffer)
        .map(|b| b.label())
        .collect();
    for l in ["y", "n", "q/Esc", "!"] {
        assert!(labels.iter().any(|x| x == l), "{labels:?}");
    }
    let text = screen(&mut app, 80, 24);
    let footer = text.lines().nth(23).unwrap();
    assert!(footer.contains("yes, install"), "{footer}");
    assert!(footer.contains("not now"), "{footer}");
    // Small terminals: the answer keys come before the plan, so they are on screen.
    let small = screen(&mut app, 60, 15);
    assert!(small.contains("yes, install it"), "{small}");
    assert!(small.contains("more below"), "{small}");
}

#[test]
fn snapshots_of_the_question_and_the_outcome() {
    // A fixed executable and data directory, so the screens do not depend on where this
    // checkout lives (the other tests run the plan of the real executable).
    let s = Sandbox::new(false);
    let env = Environment {
        systemd_booted: false,
        crontab_on_path: true,
        os: TargetOs::Linux,
        home: PathBuf::from("/home/u"),
        config_home: PathBuf::from("/home/u/.config"),
    };
    let job = Job::new(
        Path::new("/home/u/.cargo/bin/lockstep"),
        Some(Path::new("/home/u/.local/share/lockstep")),
        AtTime::DEFAULT,
    )
    .unwrap();
    let plan = reminders::plan(&env, Backend::Cron, &job);
    let mut app = app();
    finish_essentials(&mut app);
    app.ask_reminder_offer(&plan.preview());
    insta::assert_snapshot!("reminder_offer_80x24", screen(&mut app, 80, 24));
    press(&mut app, KeyCode::Char('y'));
    let report =
        reminders::install(&plan, &env, &SystemRunner::with_path(s.root.join("bin"))).unwrap();
    app.reminder_installed(lockstep::tui::offer::installed(&plan, &report));
    insta::assert_snapshot!("reminder_installed_80x24", screen(&mut app, 80, 24));
    let failed = reminders::ReminderError::NoBackend;
    app.reminder_installed(lockstep::tui::offer::failed(&failed));
    insta::assert_snapshot!("reminder_failed_60x15", screen(&mut app, 60, 15));
}
