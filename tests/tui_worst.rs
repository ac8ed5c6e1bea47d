//! The worst day and a score nobody can talk up, through `App::update`, with insta snapshots
//! at 60x15 and 80x24: the emergency screen (the action first, the account named, a done step
//! never undone by Space, keys before `S` saying why), findings in reviews, review items that
//! wait for their setup step, the score rule, the dashboard after an incident, Next up, the
//! breakdown, and the details seen on the way.
#![allow(clippy::too_many_lines)] // test flows read top to bottom

mod common;

use chrono::{DateTime, Duration, Utc};
use common::tui::{cl, draw, press, screen_text as text, t0, today, typ};
use lockstep::checklist::Origin;
use lockstep::state::{Account, DEFAULT_ACCOUNT, State, Status};
use lockstep::tui::app::{Action, App, Screen, ScreenKind};
use ratatui::crossterm::event::KeyCode;

/// A fresh app on the dashboard (personas already answered: none).
fn app() -> App {
    account_since(t0(), |_| {})
}

/// An app on an account created 60 days ago, prepared by `f` (personas answered: none).
fn with_account(f: impl FnOnce(&mut Account)) -> App {
    account_since(t0() - Duration::days(60), f)
}

fn account_since(created: DateTime<Utc>, f: impl FnOnce(&mut Account)) -> App {
    let mut state = State::default();
    let mut a = Account::new("crypto-com", created);
    a.set_personas(vec![], t0());
    f(&mut a);
    state.accounts.insert(DEFAULT_ACCOUNT.into(), a);
    App::new(cl(), state, DEFAULT_ACCOUNT, t0(), today())
}

fn flash(app: &App) -> String {
    app.flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

/// Selects the dashboard row of `section` and opens it.
fn open(app: &mut App, section: &str) {
    let i = app
        .cl
        .sections
        .iter()
        .position(|s| s.id == section)
        .unwrap();
    app.update(Action::Select(i));
    press(app, KeyCode::Enter);
}

#[test]
fn the_emergency_screen_puts_the_action_first_and_never_undoes_a_done_step() {
    let mut app = app();
    press(&mut app, KeyCode::Char('!'));
    assert_eq!(app.kind(), ScreenKind::Compromise);
    insta::assert_snapshot!("emergency_start_60x15", draw(&mut app, 60, 15).backend());
    insta::assert_snapshot!("emergency_start_80x24", draw(&mut app, 80, 24).backend());
    // At 60x15 the account and the first instruction are on screen, above the bookkeeping.
    let small = text(&mut app, 60, 15);
    assert!(small.contains("ACCOUNT default"), "{small}");
    let action = small
        .find("Do now: Trigger the One-Button Lock")
        .expect(&small);
    let s_key = small.find(" S ").expect(&small);
    assert!(action < s_key, "the action before what S records: {small}");
    // The whole first instruction, where to trigger the lock included, above the fold.
    let channel = small.find("chat.crypto.com").expect(&small);
    assert!(channel < s_key, "{small}");
    // Before S every key of the incident says why it waits; nothing is recorded.
    let before = app.state.clone();
    for c in [' ', 't', 'n', 'u', 'C', 'F'] {
        press(&mut app, KeyCode::Char(c));
        assert!(flash(&app).contains("press S to start the incident first"));
        assert!(app.input.is_none());
    }
    assert_eq!(app.state, before);
    press(&mut app, KeyCode::Char('S'));
    // Nothing was done yet: the message says so instead of "0 done setup steps".
    let started = flash(&app);
    assert!(started.contains("Lock the account first."), "{started}");
    assert!(
        started.contains("No setup step was done yet, so none needs re-verifying."),
        "{started}"
    );
    assert!(!started.contains("restores them"), "{started}");
    press(&mut app, KeyCode::Char(' '));
    let done = |app: &App| {
        app.acct()
            .open_incident()
            .unwrap()
            .steps
            .contains_key("c-lock")
    };
    assert!(done(&app));
    // Leave and come back: the cursor is on the first step not done yet.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('!'));
    assert_eq!(app.cursor(), 1);
    // Space on the done step keeps it done and says how to undo it.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char(' '));
    assert!(done(&app));
    assert!(
        flash(&app).contains("Already done at 09:00 UTC"),
        "{}",
        flash(&app)
    );
    assert!(flash(&app).contains("u marks it not done again"));
    insta::assert_snapshot!(
        "emergency_done_step_60x15",
        draw(&mut app, 60, 15).backend()
    );
    insta::assert_snapshot!(
        "emergency_done_step_80x24",
        draw(&mut app, 80, 24).backend()
    );
    press(&mut app, KeyCode::Char('u'));
    assert!(!done(&app));
    assert!(flash(&app).starts_with("Marked not done again: Hit the One-Button Lock now"));
    let events: Vec<_> = app.events().cloned().collect();
    let report = lockstep::export::incident_report(
        &app.cl,
        &Origin::Bundled,
        DEFAULT_ACCOUNT,
        app.acct(),
        &events,
        None,
        app.now,
    )
    .unwrap();
    assert!(
        report.contains("Marked not done again: Hit the One-Button Lock now"),
        "{report}"
    );
    assert!(!report.contains("Undone"), "{report}");
}

#[test]
fn something_looks_wrong_opens_the_emergency_steps_and_is_the_first_log_entry() {
    let mut app = app();
    open(&mut app, "monthly");
    assert_eq!(app.kind(), ScreenKind::Review);
    insta::assert_snapshot!("review_finding_60x15", draw(&mut app, 60, 15).backend());
    insta::assert_snapshot!("review_finding_80x24", draw(&mut app, 80, 24).backend());
    assert!(text(&mut app, 80, 24).contains("w = something looks wrong"));
    // A dust test is no finding: w says so.
    app.update(Action::Select(2));
    press(&mut app, KeyCode::Char('w'));
    assert!(app.flash.as_ref().unwrap().error);
    assert_eq!(app.kind(), ScreenKind::Review);
    // Left without starting an incident, the finding is not kept.
    app.update(Action::Select(0));
    press(&mut app, KeyCode::Char('w'));
    assert_eq!(app.kind(), ScreenKind::Compromise);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.finding(), None);
    // The devices list looks wrong: straight to the emergency steps of this account.
    press(&mut app, KeyCode::Char('w'));
    assert_eq!(app.kind(), ScreenKind::Compromise);
    assert!(flash(&app).contains("S starts the incident and logs the finding first"));
    assert!(text(&mut app, 80, 24).contains("ACCOUNT default: COMPROMISED?"));
    press(&mut app, KeyCode::Char('S'));
    let inc = app.acct().open_incident().unwrap();
    assert_eq!(
        inc.log[0].text,
        "Finding in the Monthly review: Review the Devices list: something looks wrong"
    );
    // During an incident a finding is logged at once.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    open(&mut app, "monthly");
    app.update(Action::Select(1));
    press(&mut app, KeyCode::Char('w'));
    assert_eq!(app.kind(), ScreenKind::Emergency);
    let log = &app.acct().open_incident().unwrap().log;
    assert_eq!(log.len(), 2);
    assert!(log[1].text.contains("Check security history for changes"));
}

#[test]
fn review_items_whose_setup_was_never_done_wait_and_need_no_tick() {
    let mut app = with_account(|a| {
        a.check(&cl(), "totp-2fa", t0() - Duration::days(60))
            .unwrap();
    });
    open(&mut app, "quarterly");
    insta::assert_snapshot!(
        "review_set_up_first_60x15",
        draw(&mut app, 60, 15).backend()
    );
    insta::assert_snapshot!(
        "review_set_up_first_80x24",
        draw(&mut app, 80, 24).backend()
    );
    let screen = text(&mut app, 80, 24);
    assert!(
        screen.contains("set up first: Add passkeys and a"),
        "{screen}"
    );
    // Space on a waiting item ticks nothing and says why.
    app.update(Action::Select(1));
    press(&mut app, KeyCode::Char(' '));
    assert!(
        flash(&app).starts_with("Set up first: Add passkeys"),
        "{}",
        flash(&app)
    );
    // The one item that can be checked records the review.
    app.update(Action::Select(0));
    press(&mut app, KeyCode::Char(' '));
    assert!(
        flash(&app).starts_with("Review recorded on 2026-11-25"),
        "{}",
        flash(&app)
    );
    assert_eq!(
        app.acct().reviews["quarterly"]
            .completions
            .last()
            .unwrap()
            .date,
        today()
    );
}

#[test]
fn only_steps_that_may_not_apply_leave_the_score() {
    let mut app = app();
    open(&mut app, "essentials");
    for _ in 0..7 {
        press(&mut app, KeyCode::Char('x'));
        assert!(
            flash(&app).contains("applies to everyone"),
            "{}",
            flash(&app)
        );
        press(&mut app, KeyCode::Right);
    }
    insta::assert_snapshot!("na_refused_60x15", {
        press(&mut app, KeyCode::Char('q'));
        open(&mut app, "essentials");
        press(&mut app, KeyCode::Char('x'));
        draw(&mut app, 60, 15).backend().to_string()
    });
    assert_eq!(
        app.summary.score.section("essentials").unwrap().applicable,
        7
    );
    press(&mut app, KeyCode::Char('q'));
    // API keys and sub-accounts may not apply: they leave the total, and still score no more
    // than doing them.
    open(&mut app, "advanced");
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Char('x'));
    assert!(matches!(
        app.acct().status("api-read-only"),
        Status::NotApplicable { .. }
    ));
    assert!(matches!(
        app.acct().status("sub-accounts"),
        Status::NotApplicable { .. }
    ));
    let with_na = app.summary.score.value.unwrap();
    let mut done = app.acct().clone();
    for id in ["api-read-only", "sub-accounts"] {
        done.check(&app.cl, id, t0()).unwrap();
    }
    let with_done = lockstep::score::score(&app.cl, &done, today())
        .value
        .unwrap();
    assert!(with_na <= with_done, "{with_na} > {with_done}");
}

#[test]
fn after_a_closed_incident_the_dashboard_says_why_the_score_dropped() {
    let mut app = app();
    open(&mut app, "essentials");
    for _ in 0..7 {
        press(&mut app, KeyCode::Char(' '));
    }
    press(&mut app, KeyCode::Char('q'));
    let before = app.summary.score.value.unwrap();
    assert!(before >= 50);
    press(&mut app, KeyCode::Char('!'));
    press(&mut app, KeyCode::Char('S'));
    for _ in 0..3 {
        press(&mut app, KeyCode::Char(' '));
    }
    press(&mut app, KeyCode::Char('C'));
    typ(&mut app, "support restored access");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.kind(), ScreenKind::Dashboard);
    assert!(app.summary.score.value.unwrap() < before);
    insta::assert_snapshot!(
        "dashboard_after_incident_80x24",
        draw(&mut app, 80, 24).backend()
    );
    let screen = text(&mut app, 80, 24);
    assert!(screen.contains("Why the score dropped"), "{screen}");
    assert!(
        screen.contains("incident #1 reopened your done setup steps"),
        "{screen}"
    );
    assert!(screen.contains("the points come back."), "{screen}");
    // Re-verifying brings it back.
    press(&mut app, KeyCode::Enter);
    for _ in 0..7 {
        press(&mut app, KeyCode::Char(' '));
    }
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.summary.score.value.unwrap(), before);
    assert!(!text(&mut app, 80, 24).contains("Why the score dropped"));
}

#[test]
fn an_overdue_review_comes_first_in_next_up_and_the_top_step_says_its_worth() {
    // Setup started 60 days ago and no review since: the monthly review is overdue.
    let mut app = with_account(|a| {
        a.check(&cl(), "totp-2fa", t0() - Duration::days(60))
            .unwrap();
    });
    insta::assert_snapshot!("dashboard_overdue_80x24", draw(&mut app, 80, 24).backend());
    insta::assert_snapshot!("dashboard_overdue_60x15", draw(&mut app, 60, 15).backend());
    let screen = text(&mut app, 80, 24);
    let next = screen.find("Next up").unwrap();
    let review = screen.find("Review Monthly review").expect(&screen);
    let setup = screen.find("Setup  [ ]").expect(&screen);
    assert!(next < review && review < setup, "{screen}");
    // The top item, the overdue review, says what it is worth (the points it costs).
    let penalty = app.summary.score.penalties[0].points;
    assert!(penalty > 0);
    let row = screen
        .lines()
        .find(|l| l.contains("Review Monthly review"))
        .unwrap();
    assert!(row.contains(&format!("+{penalty} points")), "{row}");
    assert!(
        screen.contains("Set an anti-phishing code (5-Minute Essentials) +7 points"),
        "{screen}"
    );
    assert_eq!(app.summary.next.first_worth, 7);
    // Snoozed on its screen, Z on the dashboard row shows it again.
    open(&mut app, "monthly");
    press(&mut app, KeyCode::Char('z'));
    press(&mut app, KeyCode::Char('q'));
    assert!(
        app.summary
            .review("monthly")
            .unwrap()
            .snoozed_until
            .is_some()
    );
    // 60 columns: rows are cut between words, never mid-word.
    let small = text(&mut app, 60, 15);
    assert!(!small.contains("(snoozed u"), "{small}");
    insta::assert_snapshot!("dashboard_snoozed_60x15", small);
    press(&mut app, KeyCode::Char('Z'));
    assert!(
        app.summary
            .review("monthly")
            .unwrap()
            .snoozed_until
            .is_none()
    );
    assert!(flash(&app).contains("Snooze undone"));
    // Z on a row that is no review says what it is for.
    app.update(Action::Select(0));
    press(&mut app, KeyCode::Char('Z'));
    assert!(app.flash.as_ref().unwrap().error);
}

#[test]
fn the_breakdown_shows_the_numbers_first_and_the_formula_after() {
    let mut app = with_account(|a| {
        a.check(&cl(), "totp-2fa", t0()).unwrap();
    });
    press(&mut app, KeyCode::Char('b'));
    insta::assert_snapshot!("score_80x24", draw(&mut app, 80, 24).backend());
    insta::assert_snapshot!("score_60x15", draw(&mut app, 60, 15).backend());
    let screen = text(&mut app, 80, 24);
    assert!(
        screen.contains("Essentials   9.4 of 50 points  (1 of 7 steps done)"),
        "{screen}"
    );
    assert!(
        !screen.contains("How it is computed"),
        "the formula comes after: {screen}"
    );
    for jargon in ["weight", "APP", "TOTP"] {
        assert!(!screen.contains(jargon), "{jargon}: {screen}");
    }
}

#[test]
fn details_personas_dashboard_keys_section_end_and_steps_past_nine() {
    // First run at 60x15: the personas footer keeps Space; Esc goes back, choosing nothing.
    let mut state = State::default();
    state
        .accounts
        .insert(DEFAULT_ACCOUNT.into(), Account::new("crypto-com", t0()));
    let mut app = App::new(cl(), state, DEFAULT_ACCOUNT, t0(), today());
    assert_eq!(app.kind(), ScreenKind::Personas);
    insta::assert_snapshot!("personas_60x15", draw(&mut app, 60, 15).backend());
    let small = text(&mut app, 60, 15);
    assert!(small.lines().last().unwrap().contains("Space"), "{small}");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.kind(), ScreenKind::Dashboard);
    assert!(!app.acct().personas_chosen, "nothing chosen");
    assert!(!app.quit);
    // The dashboard's footer says what Esc does there: quit.
    let screen = text(&mut app, 80, 24);
    assert!(
        screen.lines().last().unwrap().contains("q/Esc quit"),
        "{screen}"
    );
    // The section end counts the same in its title and its text.
    press(&mut app, KeyCode::Char('p'));
    for _ in 0..4 {
        press(&mut app, KeyCode::Char(' '));
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    open(&mut app, "tailored");
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::End);
    assert_eq!(app.kind(), ScreenKind::SectionEnd);
    let screen = text(&mut app, 80, 24);
    let (done, counted) = {
        let s = app.summary.score.section("tailored").unwrap();
        (s.done, s.applicable)
    };
    assert!(counted >= 10, "{counted}");
    assert!(
        screen.contains(&format!("{done}/{counted} done")),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("{done} of {counted} steps done")),
        "{screen}"
    );
    // Steps past 9 cannot be reached by a digit: the screen says how to reach them.
    assert!(
        screen.contains("press its number (1-9) or ←/PgUp"),
        "{screen}"
    );
    insta::assert_snapshot!("section_end_many_80x24", draw(&mut app, 80, 24).backend());
}

#[test]
fn next_up_entries_are_selected_with_the_arrows_and_opened_with_enter() {
    let mut app = with_account(|a| {
        a.check(&cl(), "totp-2fa", t0() - Duration::days(60))
            .unwrap();
    });
    let sections = app.cl.sections.len();
    for _ in 0..sections {
        press(&mut app, KeyCode::Down);
    }
    // Past the last section: the first Next up entry, the overdue review, shown selected.
    assert_eq!(app.cursor(), sections);
    insta::assert_snapshot!(
        "dashboard_next_selected_80x24",
        draw(&mut app, 80, 24).backend()
    );
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), Screen::Review { section, .. } if section == "monthly"));
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.cursor(), sections, "back where it was");
    // The next entry: the first setup step, opened at that step.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.current_step().unwrap().1.id, "anti-phishing-code");
}

#[test]
fn the_incident_log_is_shown_once_and_long_entries_are_cut_between_words() {
    let mut app = app();
    press(&mut app, KeyCode::Char('!'));
    press(&mut app, KeyCode::Char('S'));
    press(&mut app, KeyCode::Char('n'));
    typ(
        &mut app,
        "Review the device list: something looks wrong with a login from an unknown city",
    );
    press(&mut app, KeyCode::Enter);
    // 80x24: the details have room for the whole log, so no second pane repeats it.
    let wide = text(&mut app, 80, 24);
    assert_eq!(
        wide.matches("Note: Review the device list").count(),
        1,
        "{wide}"
    );
    assert!(wide.contains("Incident log, its one entry (UTC)"), "{wide}");
    assert!(!wide.contains("Incident log, latest"), "{wide}");
    // 60x15: the details scroll, the latest entry gets its own row, cut between words.
    let small = text(&mut app, 60, 15);
    assert!(small.contains("Incident log, latest"), "{small}");
    let row = small
        .lines()
        .find(|l| l.contains("Note: Review the device list"))
        .expect(&small);
    assert!(row.contains("something looks wrong…"), "{row}");
}

#[test]
fn a_long_account_label_is_cut_between_words_in_the_header_and_the_accounts_list() {
    let mut state = State::default();
    for name in [DEFAULT_ACCOUNT, "mom"] {
        let mut a = Account::new("crypto-com", t0());
        a.set_personas(vec![], t0());
        state.accounts.insert(name.into(), a);
    }
    state.accounts.get_mut("mom").unwrap().label =
        Some("Mom's very long exchange account name here: COLD".into());
    let mut app = App::new(cl(), state, "mom", t0(), today());
    for (w, h) in [(60, 15), (80, 24)] {
        let screen = text(&mut app, w, h);
        let header = screen.lines().next().unwrap().trim_matches('"').trim_end();
        assert!(
            header.ends_with('…') || header.ends_with("COLD"),
            "{header}"
        );
        assert!(
            !header.contains("acco\u{2502}") && !header.ends_with("acco"),
            "{header}"
        );
    }
    press(&mut app, KeyCode::Char('a'));
    for (w, h) in [(60, 15), (80, 24)] {
        let screen = text(&mut app, w, h);
        // Every list row ends in a whole word or "…" before the border.
        let list: Vec<&str> = screen
            .lines()
            .skip(2)
            .take_while(|l| !l.contains('└'))
            .filter(|l| l.contains("Mom's") || l.contains("default"))
            .collect();
        assert_eq!(list.len(), 2, "{screen}");
        for row in list {
            let inner = row.trim_matches('"').trim_end_matches('│').trim_end();
            let last = inner.chars().last().unwrap();
            assert!(
                last == '…'
                    || inner.ends_with("due")
                    || inner.ends_with("open")
                    || inner.ends_with("broken")
                    || last.is_ascii_digit(),
                "{w}x{h}: {row}\n{screen}"
            );
        }
    }
}

#[test]
fn q_and_esc_are_named_for_what_they_do_on_the_first_screen_and_above_it() {
    let mut state = State::default();
    for name in [DEFAULT_ACCOUNT, "mom"] {
        let mut a = Account::new("crypto-com", t0());
        a.set_personas(vec![], t0());
        state.accounts.insert(name.into(), a);
    }
    let mut app = App::new(cl(), state, DEFAULT_ACCOUNT, t0(), today());
    // Several accounts, none named: the accounts screen is the first one, and q/Esc quits.
    app.start_with_accounts();
    assert_eq!(app.kind(), ScreenKind::Accounts);
    let footer = |app: &mut App| text(app, 80, 24).lines().last().unwrap().to_string();
    assert!(
        footer(&mut app).contains("q/Esc quit"),
        "{}",
        footer(&mut app)
    );
    // The dashboard opened from it: q/Esc goes back to the accounts, and says so.
    let row = app
        .overview()
        .unwrap()
        .accounts
        .iter()
        .position(|r| r.name == DEFAULT_ACCOUNT)
        .unwrap();
    app.update(Action::Select(row));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.kind(), ScreenKind::Dashboard);
    assert!(
        footer(&mut app).contains("q/Esc back"),
        "{}",
        footer(&mut app)
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.kind(), ScreenKind::Accounts);
    assert!(!app.quit);
    press(&mut app, KeyCode::Esc);
    assert!(app.quit);
}

#[test]
fn a_terminal_too_short_for_next_up_keeps_the_cursor_on_what_is_shown() {
    let mut app = app();
    let sections = app.cl.sections.len();
    // 80x24 shows Next up: the cursor goes past the sections into it.
    draw(&mut app, 80, 24);
    for _ in 0..sections + 2 {
        press(&mut app, KeyCode::Down);
    }
    assert!(app.cursor() >= sections, "{}", app.cursor());
    // Shrunk to 60x15, Next up is left out: the cursor comes back onto the last section and
    // stays on the sections, so Enter never opens something not on screen.
    draw(&mut app, 60, 15);
    assert_eq!(app.cursor(), sections - 1);
    for _ in 0..5 {
        press(&mut app, KeyCode::Down);
        draw(&mut app, 60, 15);
    }
    assert_eq!(app.cursor(), sections - 1);
    let screen = text(&mut app, 60, 15);
    assert!(screen.contains("> If you suspect"), "{screen}");
    // The score takes one line there, so every section fits and the next step is still named.
    assert!(screen.contains(" Score 0/100 ["), "{screen}");
    assert!(
        screen.contains(" Next up: Setup  [ ] Turn on authenticator-app 2FA"),
        "{screen}"
    );
    insta::assert_snapshot!("dashboard_fresh_60x15", draw(&mut app, 60, 15).backend());
    // With an incident open: the banner and the missing score each said on one line, whole.
    press(&mut app, KeyCode::Char('!'));
    press(&mut app, KeyCode::Char('S'));
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.kind(), ScreenKind::Dashboard);
    let screen = text(&mut app, 60, 15);
    assert!(
        screen.contains("no score: incident #1 is open (a false alarm? ! then F)"),
        "{screen}"
    );
    assert!(
        screen.contains(" !! INCIDENT #1 OPEN for 0s - press ! for its steps "),
        "{screen}"
    );
    insta::assert_snapshot!("dashboard_incident_60x15", draw(&mut app, 60, 15).backend());
}

#[test]
fn walkthrough_titles_are_cut_between_words_when_the_list_is_narrow() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.kind(), ScreenKind::Walkthrough);
    let screen = text(&mut app, 100, 30);
    let row = screen
        .lines()
        .find(|l| l.contains("Whitelist your"))
        .expect(&screen);
    // Whole, or cut after a word with "…", never "Whitelist your withdrawal addres".
    assert!(
        row.contains("Whitelist your withdrawal addresses")
            || row.contains("Whitelist your withdrawal…"),
        "{row}"
    );
}
