//! TUI flows for checklist provenance and several accounts, through `App::update` and insta
//! snapshots: a user file with a bundled id needs a confirmation that shows its path, the header
//! and walkthrough say whose steps they are, an old checklist is flagged, the accounts screen
//! lists every account worst first and Enter switches, and a changed file is said once.

mod common;

use common::tui::{cl, draw, press, screen_text as text, t0, today};
use std::collections::BTreeMap;

use chrono::NaiveDate;
use lockstep::checklist::{BUNDLED, Checklist, Loaded, Origin, Resolved, parse, sha256_hex};
use lockstep::state::{Account, DEFAULT_ACCOUNT, EventKind, State};
use lockstep::tui::app::{Action, App, Checklists, ScreenKind};
use ratatui::crossterm::event::KeyCode;

fn generic() -> Checklist {
    parse("generic-exchange.json", BUNDLED[1].1).unwrap()
}

const PATH: &str = "/home/ana/.config/lockstep/checklists/crypto-com.json";

fn file_origin(text: &str) -> Origin {
    Origin::File {
        path: PATH.into(),
        sha256: sha256_hex(text.as_bytes()),
    }
}

fn ready(l: &Loaded) -> Result<Resolved, String> {
    Ok(Resolved {
        loaded: l.clone(),
        unused: Vec::new(),
    })
}

#[test]
fn a_user_file_with_a_bundled_id_needs_a_confirmation_that_shows_its_path() {
    let mut scam = cl();
    scam.sections[0].steps[0].title = "Send all your funds to 0xSAFE for safekeeping".into();
    let scam = Loaded {
        origin: file_origin("the scam file"),
        checklist: scam,
    };
    let mut state = State::default();
    state
        .accounts
        .insert(DEFAULT_ACCOUNT.into(), Account::new("crypto-com", t0()));
    let mut app = App::new(cl(), state, DEFAULT_ACCOUNT, t0(), today());
    app.offer_checklists(vec![
        Loaded::bundled(cl()),
        Loaded::bundled(generic()),
        scam.clone(),
    ]);
    assert_eq!(app.kind(), ScreenKind::Checklists);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    insta::assert_snapshot!(
        "choices_with_a_user_file_80x24",
        draw(&mut app, 80, 24).backend()
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.kind(), ScreenKind::ConfirmChecklist);
    insta::assert_snapshot!("confirm_user_file_80x24", draw(&mut app, 80, 24).backend());
    let shown = text(&mut app, 80, 24);
    assert!(
        shown.contains("/home/ana/.config/lockstep/checklists/"),
        "{shown}"
    );
    assert!(
        shown.contains(&scam.origin.sha256().unwrap()[..12]),
        "{shown}"
    );
    // No (Enter or n) goes back; nothing changed.
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.kind(), ScreenKind::Checklists);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.kind(), ScreenKind::Checklists);
    assert_eq!(app.origin, Origin::Bundled);
    assert!(app.acct().checklist_file.is_none());
    assert!(!app.dirty);
    // Yes follows the file, recorded on the account.
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.origin, scam.origin);
    assert_eq!(
        app.acct().checklist_file.as_deref(),
        Some(std::path::Path::new(PATH))
    );
    assert_eq!(app.acct().checklist, "crypto-com");
    assert!(app.dirty);
    assert_eq!(
        app.kind(),
        ScreenKind::Personas,
        "then the persona question"
    );
    let shown = text(&mut app, 80, 24);
    assert!(
        shown.contains(" lockstep | YOUR FILE crypto-com.json | account: default"),
        "{shown}"
    );
    // A bundled choice never asks.
    let mut state = State::default();
    state
        .accounts
        .insert(DEFAULT_ACCOUNT.into(), Account::new("crypto-com", t0()));
    let mut app = App::new(cl(), state, DEFAULT_ACCOUNT, t0(), today());
    app.offer_checklists(vec![
        Loaded::bundled(cl()),
        Loaded::bundled(generic()),
        scam,
    ]);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.cl.id, "generic-exchange");
    assert_eq!(app.kind(), ScreenKind::Personas);
}

/// An app on an account following a file of the user's.
fn following_a_file(c: Checklist) -> App {
    let loaded = Loaded {
        origin: file_origin("my file"),
        checklist: c,
    };
    let mut state = State::default();
    let mut a = Account::new("crypto-com", t0());
    a.checklist_file = Some(PATH.into());
    a.set_personas(vec![], t0());
    state.accounts.insert(DEFAULT_ACCOUNT.into(), a);
    let checklists: Checklists = BTreeMap::from([(DEFAULT_ACCOUNT.into(), ready(&loaded))]);
    App::open(
        loaded,
        checklists,
        state,
        DEFAULT_ACCOUNT,
        Vec::new(),
        t0(),
        today(),
    )
}

#[test]
fn header_dashboard_and_walkthrough_say_the_steps_come_from_your_file() {
    let mut c = cl();
    c.sections[0].steps[0].links = vec![
        "https://help.crypto.com/en/articles/2fa".into(),
        "https://help.crypto.com@evil.example/2fa".into(),
    ];
    let mut app = following_a_file(c);
    insta::assert_snapshot!(
        "dashboard_user_file_80x24",
        draw(&mut app, 80, 24).backend()
    );
    let shown = text(&mut app, 80, 24);
    assert!(shown.contains("YOUR FILE crypto-com.json"), "{shown}");
    assert!(
        shown.contains("Checklist: your file: /home/ana/"),
        "{shown}"
    );
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!(
        "walkthrough_user_file_120x40",
        draw(&mut app, 120, 40).backend()
    );
    let shown = text(&mut app, 120, 40);
    assert!(
        shown.contains("Source: your file:") && shown.contains(PATH),
        "{shown}"
    );
    assert!(
        shown.contains("(sha256") && shown.contains("9e189ad1eb12, updated 2026-11-25)"),
        "{shown}"
    );
    assert!(
        shown.contains("Link help.crypto.com: https://help.crypto.com/en/articles/2fa"),
        "{shown}"
    );
    assert!(
        shown.contains("Link evil.example: https://help.crypto.com@evil.example/2fa"),
        "{shown}"
    );
}

#[test]
fn a_year_old_checklist_warns_on_the_dashboard() {
    let mut c = cl();
    c.updated = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    let mut app = following_a_file(c);
    insta::assert_snapshot!("dashboard_stale_80x24", draw(&mut app, 80, 24).backend());
    let shown = text(&mut app, 120, 40).replace('\n', " ");
    assert!(shown.contains("menus may have moved"), "{shown}");
    assert!(shown.contains("own help pages"), "{shown}");
    let mut fresh = following_a_file(cl());
    assert!(!text(&mut fresh, 120, 40).contains("menus may have moved"));
}

/// Four accounts: one fine, one with an open incident (labelled), one with overdue reviews on
/// another checklist, one whose checklist file is broken.
fn four_accounts() -> App {
    let (c, g) = (cl(), generic());
    let mut state = State::default();
    let mut fine = Account::new("crypto-com", t0());
    fine.set_personas(vec![], t0());
    fine.check(&c, "totp-2fa", t0()).unwrap();
    let mut mom = Account::new("crypto-com", t0());
    mom.set_personas(vec![], t0());
    mom.set_label("Mom's Crypto.com", t0()).unwrap();
    mom.open_compromise(&c, t0()).unwrap();
    let mut work = Account::new("generic-exchange", t0());
    work.set_personas(vec![], t0());
    work.check(&g, "totp-2fa", t0()).unwrap();
    work.setup_started = Some(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap());
    let broken = Account::new("kraken", t0());
    for (n, a) in [
        ("default", fine),
        ("mom", mom),
        ("work", work),
        ("broken", broken),
    ] {
        state.accounts.insert(n.into(), a);
    }
    let (lc, lg) = (Loaded::bundled(c.clone()), Loaded::bundled(g));
    let checklists: Checklists = BTreeMap::from([
        ("default".into(), ready(&lc)),
        ("mom".into(), ready(&lc)),
        ("work".into(), ready(&lg)),
        (
            "broken".into(),
            Err("/home/ana/kraken.json:3:5: expected `,` or `}`".to_string()),
        ),
    ]);
    let mut app = App::open(lc, checklists, state, "default", Vec::new(), t0(), today());
    app.start_with_accounts();
    app
}

#[test]
fn the_accounts_screen_lists_every_account_worst_first_and_enter_switches() {
    let mut app = four_accounts();
    assert_eq!(app.kind(), ScreenKind::Accounts);
    insta::assert_snapshot!("accounts_80x24", draw(&mut app, 80, 24).backend());
    let names: Vec<&str> = app
        .overview()
        .unwrap()
        .accounts
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(names, ["broken", "mom", "work", "default"]);
    let shown = text(&mut app, 80, 24);
    assert!(shown.contains("not comparable"), "{shown}");
    // At 60x15 every account is listed with words that fit (no "2…"), and the note is whole in
    // its short form.
    insta::assert_snapshot!("accounts_60x15", draw(&mut app, 60, 15).backend());
    let small = text(&mut app, 60, 15);
    assert!(small.contains("21 open, 2 due"), "{small}");
    assert!(!small.contains(", 2…"), "{small}");
    assert!(small.contains("personas: not comparable."), "{small}");
    for name in ["broken", "Mom's Crypto.com", "work", "default"] {
        assert!(small.contains(name), "{name}: {small}");
    }
    // A broken checklist cannot be opened: said, nothing changes.
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.kind(), ScreenKind::Accounts);
    assert_eq!(app.account, "default");
    assert!(app.flash.as_ref().unwrap().text.contains("kraken.json:3:5"));
    // Enter switches; its dashboard shows the label; q comes back; q again quits.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.account, "mom");
    assert_eq!(app.kind(), ScreenKind::Dashboard);
    let shown = text(&mut app, 80, 24);
    assert!(shown.contains("account: Mom's Crypto.com"), "{shown}");
    assert!(shown.contains("INCIDENT #1 OPEN"), "{shown}");
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.kind(), ScreenKind::Accounts);
    assert_eq!(app.cursor(), 1, "back on the account it came from");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.account, "work");
    assert_eq!(app.cl.id, "generic-exchange");
    // `a` on a dashboard opens the accounts screen too.
    press(&mut app, KeyCode::Char('a'));
    assert_eq!(app.kind(), ScreenKind::Accounts);
    press(&mut app, KeyCode::Char('q'));
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.kind(), ScreenKind::Accounts);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn a_changed_file_is_said_once_when_its_account_is_opened() {
    let before = cl();
    let mut after = cl();
    after.sections[0].steps[0].why = "A different reason.".into();
    let (old, new) = (
        Loaded {
            checklist: before.clone(),
            origin: file_origin("version 1"),
        },
        Loaded {
            checklist: after,
            origin: file_origin("version 2"),
        },
    );
    let mut k = Account::new("crypto-com", t0());
    k.checklist_file = Some(PATH.into());
    k.set_personas(vec![], t0());
    assert!(
        k.observe("k", &old.checklist, &old.origin, &[], t0())
            .is_empty()
    );
    k.new_events.clear();
    let mut state = State::default();
    let mut fine = Account::new("crypto-com", t0());
    fine.set_personas(vec![], t0());
    state.accounts.insert("default".into(), fine);
    state.accounts.insert("k".into(), k);
    let lc = Loaded::bundled(before);
    let checklists: Checklists =
        BTreeMap::from([("default".into(), ready(&lc)), ("k".into(), ready(&new))]);
    let mut app = App::open(lc, checklists, state, "default", Vec::new(), t0(), today());
    app.start_with_accounts();
    let at = app
        .overview()
        .unwrap()
        .accounts
        .iter()
        .position(|r| r.name == "k")
        .unwrap();
    app.update(Action::Select(at));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.kind(), ScreenKind::Notices);
    insta::assert_snapshot!("notices_80x24", draw(&mut app, 80, 24).backend());
    let shown = text(&mut app, 80, 24).replace('\n', " ");
    assert!(
        shown.contains("changed since this account last used it"),
        "{shown}"
    );
    assert!(app.dirty, "the change is recorded at once");
    assert!(
        app.acct()
            .new_events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::ChecklistChanged { changed, .. } if changed == &["totp-2fa"]))
    );
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.kind(), ScreenKind::Dashboard);
    // Opened again: nothing more to say.
    press(&mut app, KeyCode::Char('q'));
    let at = app
        .overview()
        .unwrap()
        .accounts
        .iter()
        .position(|r| r.name == "k")
        .unwrap();
    app.update(Action::Select(at));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.kind(), ScreenKind::Dashboard);
}

#[test]
fn bang_on_the_accounts_screen_opens_the_emergency_of_the_selected_account() {
    for (downs, want) in [(2, "work"), (3, "default"), (1, "mom")] {
        let mut app = four_accounts();
        assert_eq!(app.account, "default");
        for _ in 0..downs {
            press(&mut app, KeyCode::Down);
        }
        press(&mut app, KeyCode::Char('!'));
        // The emergency steps (Compromise before an incident is started, Emergency during one).
        assert!(
            matches!(app.kind(), ScreenKind::Emergency | ScreenKind::Compromise),
            "{want}: {:?}",
            app.kind()
        );
        assert_eq!(app.account, want, "`!` acts on the selected account");
        let shown = text(&mut app, 80, 24);
        let label = app.acct().label_and_name(&app.account);
        assert!(
            shown.contains(&*label) || shown.contains(want),
            "{want}: {shown}"
        );
    }
    // The broken account cannot be opened: `!` says why and stays.
    let mut app = four_accounts();
    press(&mut app, KeyCode::Char('!'));
    assert_eq!(app.account, "default");
    assert!(app.flash.as_ref().unwrap().text.contains("kraken.json:3:5"));
}
