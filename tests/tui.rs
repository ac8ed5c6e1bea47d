//! TUI tests: whole flows driven through `App::update`, and `TestBackend` + insta snapshots at 80x24.
#![allow(clippy::too_many_lines)] // test and bench flows read top to bottom

mod common;

use chrono::{Duration, NaiveDate};
use common::tui::{app, cl, draw, press, screen_text, section_row, t0, today, typ};
use lockstep::checklist::{BUNDLED, Loaded, parse};
use lockstep::state::{Account, DEFAULT_ACCOUNT, State, Status};
use lockstep::tui::app::{Action, App, Screen, ScreenKind};
use lockstep::tui::{key_action, keymap};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[test]
fn first_run_asks_for_personas() {
    let mut state = State::default();
    state
        .accounts
        .insert(DEFAULT_ACCOUNT.into(), Account::new("crypto-com", t0()));
    let mut app = App::new(cl(), state, DEFAULT_ACCOUNT, t0(), today());
    assert_eq!(app.screen().kind(), ScreenKind::Personas);
    insta::assert_snapshot!("personas_80x24", draw(&mut app, 80, 24).backend());
    press(&mut app, KeyCode::Down); // trader
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.kind(), ScreenKind::Dashboard);
    assert_eq!(app.acct().personas, ["trader"]);
    assert!(app.acct().personas_chosen);
    assert!(app.dirty);
    // Trader-only steps now appear in the tailored section; card-only ones do not.
    let tailored = app.cl.section("tailored").unwrap().clone();
    let ids: Vec<_> = app
        .visible_steps(&tailored)
        .iter()
        .map(|s| s.id.to_string())
        .collect();
    assert!(ids.contains(&"t-small-derivatives".to_string()));
    assert!(!ids.contains(&"t-card-freeze".to_string()));
}

#[test]
fn essentials_walkthrough_can_be_completed() {
    let mut app = app();
    insta::assert_snapshot!("dashboard_80x24", draw(&mut app, 80, 24).backend());
    press(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.screen(), Screen::Walkthrough { section, index: 0, .. } if section == "essentials")
    );
    insta::assert_snapshot!("walkthrough_80x24", draw(&mut app, 80, 24).backend());
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("step 1 of 7"), "{text}");
    assert!(text.contains("App > Settings > Security > 2FA"), "{text}");
    let n = app.current_step().unwrap().3;
    for i in 0..n {
        let (_, step, idx, _) = app.current_step().unwrap();
        assert_eq!(idx, i);
        let id = step.id.clone();
        press(&mut app, KeyCode::Char(' '));
        assert!(app.acct().status(id.as_str()).is_done(), "{id}");
    }
    // Past the last step: the section's end, with nothing left open and the next section.
    assert_eq!(app.kind(), ScreenKind::SectionEnd);
    let text = screen_text(&mut app, 80, 24);
    assert!(
        text.contains("Every step of this section is done"),
        "{text}"
    );
    assert!(
        text.contains("20-Minute Advanced Setup (6 steps open)"),
        "{text}"
    );
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.kind(), ScreenKind::Dashboard);
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains(" 7/7"), "{text}");
    // Uncheck with Space on a done step.
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(' '));
    assert!(
        app.acct()
            .new_events
            .iter()
            .any(|e| e.kind.describe(None).starts_with("Unchecked"))
    );
}

#[test]
fn skip_note_and_not_applicable_through_the_keyboard() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('s'));
    assert!(app.input.is_some());
    typ(&mut app, "no phone yet");
    press(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.acct().status("totp-2fa"), Status::Skipped { reason, .. } if reason == "no phone yet")
    );
    assert_eq!(app.current_step().unwrap().2, 1, "moved to the next step");
    // A note that is a secret is refused and not saved; the prompt keeps it for editing.
    press(&mut app, KeyCode::Char('n'));
    typ(&mut app, "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP");
    press(&mut app, KeyCode::Enter);
    assert!(app.flash.as_ref().unwrap().error);
    assert!(app.acct().note("anti-phishing-code").is_none());
    assert_eq!(
        app.input.as_ref().unwrap().text(),
        "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"
    );
    app.update(
        key_action(
            &app,
            KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
        )
        .unwrap(),
    );
    typ(&mut app, "code is a fruit name");
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        app.acct().note("anti-phishing-code"),
        Some("code is a fruit name")
    );
    // 'x' on a step that applies to everyone is refused and says why; Esc cancels input.
    press(&mut app, KeyCode::Char('x'));
    assert!(!matches!(
        app.acct().status("anti-phishing-code"),
        Status::NotApplicable { .. }
    ));
    let f = app.flash.clone().unwrap();
    assert!(f.error && f.text.contains("applies to everyone"), "{f:?}");
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Esc);
    assert!(app.input.is_none());
    assert_eq!(app.screen().kind(), ScreenKind::Walkthrough);
}

#[test]
fn monthly_review_flow_records_and_schedules() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(' ')); // setup started
    press(&mut app, KeyCode::Char('q'));
    let monthly = app
        .cl
        .sections
        .iter()
        .position(|s| s.id == "monthly")
        .unwrap();
    for _ in 0..monthly {
        press(&mut app, KeyCode::Down);
    }
    // Setup started today: the first monthly review is due one month later, not now.
    assert!(screen_text(&mut app, 80, 24).contains("next 2026-12-25"));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen(), Screen::Review { section, .. } if section == "monthly"));
    insta::assert_snapshot!("review_80x24", draw(&mut app, 80, 24).backend());
    let n = app.rows();
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(
        app.acct().reviews["monthly"].in_progress.len(),
        1,
        "partial progress kept"
    );
    assert!(app.acct().reviews["monthly"].completions.is_empty());
    // The items whose setup step was never done (the whitelist, the anti-phishing code) wait
    // for it: the review is recorded once the others are ticked.
    for _ in 1..n {
        if !app.acct().reviews["monthly"].completions.is_empty() {
            break;
        }
        press(&mut app, KeyCode::Char(' '));
    }
    let r = &app.acct().reviews["monthly"];
    assert_eq!(r.completions.len(), 1);
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("Next due 2026-12-25"),
        "{:?}",
        app.flash
    );
    // Recorded: the waiting items are not shown ticked.
    let done = screen_text(&mut app, 80, 24);
    assert!(
        done.contains("[~] Refresh your anti-phishing code  set up first"),
        "{done}"
    );
    assert!(!done.contains("[x] Dust-test"), "{done}");
    press(&mut app, KeyCode::Char('q'));
    assert!(screen_text(&mut app, 80, 24).contains("next 2026-12-25"));
    // The after-integration re-check can be run on demand.
    let ev = app
        .cl
        .sections
        .iter()
        .position(|s| s.id == "after-integration")
        .unwrap();
    app.update(Action::Select(ev));
    press(&mut app, KeyCode::Enter);
    let n = app.rows();
    for _ in 0..n {
        press(&mut app, KeyCode::Char(' '));
    }
    assert_eq!(app.acct().reviews["after-integration"].completions.len(), 1);
}

#[test]
fn snooze_moves_only_the_reminder() {
    let mut app = app();
    let cl = app.cl.clone();
    app.state
        .accounts
        .get_mut(DEFAULT_ACCOUNT)
        .unwrap()
        .check(&cl, "totp-2fa", t0())
        .unwrap();
    // Setup started in August: the first quarterly review was due on 2026-11-01.
    app.state
        .accounts
        .get_mut(DEFAULT_ACCOUNT)
        .unwrap()
        .setup_started = NaiveDate::from_ymd_opt(2026, 8, 1);
    let q = app
        .cl
        .sections
        .iter()
        .position(|s| s.id == "quarterly")
        .unwrap();
    app.update(Action::Select(q));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('z'));
    let r = &app.acct().reviews["quarterly"];
    assert_eq!(
        r.snoozed_until,
        Some(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap())
    );
    assert!(r.completions.is_empty());
}

#[test]
fn compromise_from_any_screen_and_full_incident_flow() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    let before = app.state.clone();
    let events_before: Vec<_> = app.events().cloned().collect();
    // '!' from inside the walkthrough: the steps at once, nothing recorded.
    press(&mut app, KeyCode::Char('!'));
    // The emergency steps before an incident is started: their own screen.
    assert!(matches!(app.screen(), Screen::Compromise { .. }));
    assert_eq!(app.kind(), ScreenKind::Compromise);
    assert_eq!(app.state, before, "nothing recorded before S");
    let text = screen_text(&mut app, 80, 24);
    assert!(
        text.contains("COMPROMISED? nothing is recorded yet"),
        "{text}"
    );
    assert!(
        text.contains("Hit the One-Button Lock now"),
        "steps readable: {text}"
    );
    press(&mut app, KeyCode::Char('S'));
    let started = app
        .flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default();
    assert!(
        started.contains("The 2 setup steps that were done are reopened for re-verification. A false alarm? F cancels it and restores them."),
        "{started}"
    );
    let inc = app.acct().open_incident().unwrap().clone();
    assert_eq!(inc.id, 1);
    assert!(app.dirty);
    assert!(
        app.events()
            .cloned()
            .collect::<Vec<_>>()
            .starts_with(&events_before),
        "no history lost"
    );
    assert!(matches!(
        app.acct().status("totp-2fa"),
        Status::Reverify { .. }
    ));
    // Emergency steps in order, lock first; time passes.
    app.update(Action::Tick {
        now: t0() + Duration::minutes(3),
        today: today(),
    });
    press(&mut app, KeyCode::Char(' '));
    assert!(
        app.acct()
            .open_incident()
            .unwrap()
            .steps
            .contains_key("c-lock")
    );
    press(&mut app, KeyCode::Char('t'));
    typ(&mut app, "CDC-4821");
    press(&mut app, KeyCode::Enter);
    app.update(Action::Tick {
        now: t0() + Duration::minutes(12),
        today: today(),
    });
    press(&mut app, KeyCode::Char('n'));
    typ(&mut app, "agent asked for ID check");
    press(&mut app, KeyCode::Enter);
    let log = &app.acct().open_incident().unwrap().log;
    assert_eq!(log[0].ticket.as_deref(), Some("CDC-4821"));
    assert_eq!(log[1].text, "agent asked for ID check");
    insta::assert_snapshot!("emergency_80x24", draw(&mut app, 80, 24).backend());
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("ACCOUNT default: INCIDENT #1"), "{text}");
    assert!(text.contains("(+3m)"), "{text}");
    // The dashboard shows the banner, no score, and the emergency steps first in Next up.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.kind(), ScreenKind::Dashboard);
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("INCIDENT #1 OPEN for 12m"), "{text}");
    assert!(
        text.contains("no score while incident #1 is open"),
        "{text}"
    );
    assert!(
        text.contains("Incident #1: 2 emergency steps left"),
        "{text}"
    );
    assert!(
        text.contains("incident #1 open: Enter for its steps"),
        "{text}"
    );
    assert!(!text.contains("Enter or !: steps first"), "{text}");
    // '!' again goes back to the same incident.
    press(&mut app, KeyCode::Char('!'));
    assert_eq!(app.acct().incidents.len(), 1);
    assert_eq!(app.kind(), ScreenKind::Emergency);
    // Reopened, the cursor is on the first step not done yet (the lock is done).
    assert_eq!(app.cursor(), 1);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char(' '));
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("re-verify 2 setup steps")
    );
    let text = screen_text(&mut app, 80, 24);
    assert!(
        text.contains("What remains: re-verify 2 setup steps"),
        "{text}"
    );
    press(&mut app, KeyCode::Esc);
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("every emergency step is done"), "{text}");
    press(&mut app, KeyCode::Char('!'));
    press(&mut app, KeyCode::Char('C'));
    typ(&mut app, "support restored access");
    press(&mut app, KeyCode::Enter);
    assert!(app.acct().open_incident().is_none());
    assert_eq!(app.kind(), ScreenKind::Dashboard);
    assert!(!screen_text(&mut app, 80, 24).contains("INCIDENT"));
    // Re-verify: the step becomes done again.
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.current_step().unwrap().1.id, "totp-2fa");
    press(&mut app, KeyCode::Char(' '));
    assert!(app.acct().status("totp-2fa").is_done());
    // '!' after closing shows the steps again without opening a second incident.
    press(&mut app, KeyCode::Char('!'));
    assert_eq!(app.kind(), ScreenKind::Compromise);
    assert_eq!(app.acct().incidents.len(), 1);
}

#[test]
fn help_overlay_comes_from_the_keymap() {
    let mut app = app();
    press(&mut app, KeyCode::Char('?'));
    assert!(app.help);
    let text = screen_text(&mut app, 80, 24);
    // The dashboard is the first screen here: q/Esc quits, and the help says so.
    for b in keymap::bindings_for(ScreenKind::Dashboard) {
        let at = keymap::Context {
            first_screen: true,
            ..Default::default()
        };
        let help = b.words(at).1;
        assert!(text.contains(help), "help lacks {help:?}:\n{text}");
    }
    insta::assert_snapshot!("help_80x24", draw(&mut app, 80, 24).backend());
    press(&mut app, KeyCode::Char('j'));
    assert!(!app.help);
}

#[test]
fn footer_reaches_every_key_at_80_columns_on_every_screen() {
    let mut app = app();
    let check = |app: &mut App| {
        let t = draw(app, 80, 24);
        let buf = t.backend().buffer();
        let last: String = (0..80).map(|x| buf[(x, 23)].symbol().to_string()).collect();
        let kind = app.kind();
        assert!(last.starts_with("! compromised"), "{kind:?}: {last:?}");
        let all_shown = keymap::bindings_for(kind).all(|b| last.contains(&b.label()));
        let end = last.trim_end();
        // The dashboard's q/Esc quits, and says so.
        let back = if kind == ScreenKind::Dashboard {
            "q/Esc quit"
        } else {
            "q/Esc back"
        };
        assert!(
            if all_shown {
                end.ends_with(&format!("? help  {back}")) || end.ends_with(back)
            } else {
                end.ends_with(&format!("{back}  ? more"))
            },
            "{kind:?}: {last:?}"
        );
    };
    check(&mut app);
    press(&mut app, KeyCode::Enter);
    check(&mut app);
    press(&mut app, KeyCode::Char('!'));
    check(&mut app);
    press(&mut app, KeyCode::Char('S'));
    check(&mut app);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('p'));
    check(&mut app);
}

fn fresh_app() -> App {
    let mut state = State::default();
    state
        .accounts
        .insert(DEFAULT_ACCOUNT.into(), Account::new("crypto-com", t0()));
    let mut app = App::new(cl(), state, DEFAULT_ACCOUNT, t0(), today());
    let generic = parse("generic-exchange.json", BUNDLED[1].1).unwrap();
    app.offer_checklists(vec![Loaded::bundled(cl()), Loaded::bundled(generic)]);
    app
}

#[test]
fn first_run_offers_the_checklists() {
    let mut app = fresh_app();
    assert_eq!(app.screen().kind(), ScreenKind::Checklists);
    insta::assert_snapshot!("checklists_80x24", draw(&mut app, 80, 24).backend());
    // At 60x15 the details say what fits, whole: the count, without the section titles.
    insta::assert_snapshot!("checklists_60x15", draw(&mut app, 60, 15).backend());
    let small = screen_text(&mut app, 60, 15);
    assert!(
        small.contains("Crypto.com - 45 steps in 7 sections."),
        "{small}"
    );
    assert!(!small.contains("sections: 5-Minute"), "{small}");
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.cl.id, "generic-exchange");
    assert_eq!(app.acct().checklist, "generic-exchange");
    assert!(matches!(
        &app.acct().new_events[0].kind,
        lockstep::state::EventKind::AccountCreated { checklist } if checklist == "generic-exchange"
    ));
    assert_eq!(
        app.screen().kind(),
        ScreenKind::Personas,
        "then the persona question"
    );
    // q/Esc at the first question quits and records nothing.
    let mut app = fresh_app();
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Esc);
    assert!(app.quit);
    assert!(!app.dirty, "nothing to save");
    assert_eq!(app.acct().checklist, "crypto-com");
    // No choice to make: no question.
    let mut app = self::app();
    app.offer_checklists(vec![Loaded::bundled(cl())]);
    assert_eq!(app.kind(), ScreenKind::Dashboard);
}

#[test]
fn compromise_row_and_bang_record_nothing_until_started() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('q'));
    app.dirty = false;
    let before = app.state.clone();
    // Enter on the compromise row.
    app.update(Action::Select(section_row(&app, "compromised")));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.kind(), ScreenKind::Compromise);
    insta::assert_snapshot!("compromise_80x24", draw(&mut app, 80, 24).backend());
    insta::assert_snapshot!("compromise_120x40", draw(&mut app, 120, 40).backend());
    let text = screen_text(&mut app, 80, 24);
    assert!(
        text.contains(" S starts the incident"),
        "the key is named: {text}"
    );
    assert!(
        text.contains("S start incident"),
        "and in the footer: {text}"
    );
    // Reading the steps, scrolling, help: still nothing recorded.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char('?'));
    press(&mut app, KeyCode::Char('?'));
    // Space, n and t record nothing before the start, and say why.
    for c in [' ', 'n', 't'] {
        press(&mut app, KeyCode::Char(c));
        let f = app.flash.clone().unwrap();
        assert!(
            f.error && f.text.contains("press S to start the incident first"),
            "{f:?}"
        );
        assert!(app.input.is_none());
    }
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.kind(), ScreenKind::Dashboard);
    assert_eq!(app.state, before);
    assert!(!app.dirty, "nothing to save");
}

#[test]
fn a_false_alarm_gives_every_step_its_status_back() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(' ')); // done
    press(&mut app, KeyCode::Char('s'));
    typ(&mut app, "later");
    press(&mut app, KeyCode::Enter); // skipped
    press(&mut app, KeyCode::Char('x')); // not applicable
    press(&mut app, KeyCode::Char(' ')); // done
    let steps_before = app.acct().steps.clone();
    let score_before = app.summary.score.value;
    press(&mut app, KeyCode::Char('!'));
    press(&mut app, KeyCode::Char('S'));
    assert!(app.summary.score.value.is_none());
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('F'));
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("restores 2 steps"), "{text}");
    typ(&mut app, "it was my own login");
    press(&mut app, KeyCode::Enter);
    assert!(app.acct().open_incident().is_none());
    assert_eq!(app.acct().steps, steps_before, "every status as before");
    assert_eq!(
        app.summary.score.value, score_before,
        "and the score with it"
    );
    assert_eq!(
        app.screen().kind(),
        ScreenKind::Walkthrough,
        "back where it was"
    );
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("cancelled as a false alarm: 2 setup steps got their status back")
    );
    let kinds: Vec<String> = app
        .history()
        .iter()
        .map(|e| e.kind.describe(None))
        .collect();
    assert!(kinds.iter().any(|k| k == "Incident #1 opened"));
    assert!(
        kinds
            .last()
            .unwrap()
            .starts_with("Incident #1 cancelled as a false alarm (it was my own login)")
    );
}

#[test]
fn walkthrough_shows_the_list_beside_the_details_when_wide() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('s'));
    typ(&mut app, "no phone yet");
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("walkthrough_120x40", draw(&mut app, 120, 40).backend());
    let text = screen_text(&mut app, 120, 40);
    for marker in [" 1. [x] ", " 2. [-] ", " 3. [ ] "] {
        assert!(text.contains(marker), "{marker}: {text}");
    }
    assert!(app.hits.list_shown);
    // At 80 columns the list is hidden; Tab shows it, Tab again hides it.
    draw(&mut app, 80, 24);
    assert!(!app.hits.list_shown);
    assert!(screen_text(&mut app, 80, 24).contains("Tab: list"));
    press(&mut app, KeyCode::Tab);
    draw(&mut app, 80, 24);
    assert!(app.hits.list_shown);
    assert!(screen_text(&mut app, 80, 24).contains(" 2. [-] "));
    press(&mut app, KeyCode::Tab);
    draw(&mut app, 80, 24);
    assert!(!app.hits.list_shown);
    // Jumps: digits, End, Home, PgDn, PgUp.
    press(&mut app, KeyCode::Char('5'));
    assert_eq!(app.current_step().unwrap().2, 4);
    press(&mut app, KeyCode::Home);
    assert_eq!(app.current_step().unwrap().2, 0);
    press(&mut app, KeyCode::End);
    assert_eq!(app.kind(), ScreenKind::SectionEnd);
    press(&mut app, KeyCode::Left);
    assert_eq!(app.current_step().unwrap().2, 6);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(
        app.current_step().unwrap().2,
        1,
        "five steps up (the list is hidden)"
    );
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.current_step().unwrap().2, 6);
    press(&mut app, KeyCode::Char('9'));
    assert!(app.flash.as_ref().unwrap().error, "no step 9 here");
    // The mouse wheel moves between steps.
    press(&mut app, KeyCode::Home);
    app.update(Action::Down);
    assert_eq!(app.current_step().unwrap().2, 1);
    app.update(Action::Up);
    assert_eq!(app.current_step().unwrap().2, 0);
    // The wide layout at 200 columns uses the width for the details.
    let text = screen_text(&mut app, 200, 60);
    let longest = text
        .lines()
        .map(|l| l.trim_end().chars().count())
        .max()
        .unwrap();
    assert!(longest > 150, "{text}");
}

#[test]
fn the_section_end_names_open_steps_and_offers_the_next_section() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('s'));
    typ(&mut app, "no phone yet");
    press(&mut app, KeyCode::Enter);
    for _ in 2..7 {
        press(&mut app, KeyCode::Char(' '));
    }
    // The last step done: the section's end.
    assert_eq!(app.kind(), ScreenKind::SectionEnd);
    insta::assert_snapshot!("section_end_80x24", draw(&mut app, 80, 24).backend());
    insta::assert_snapshot!("section_end_120x40", draw(&mut app, 120, 40).backend());
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("Still open (1; press its number"), "{text}");
    assert!(
        text.contains("2. [-] Set an anti-phishing code (skipped: no phone yet)"),
        "{text}"
    );
    assert!(
        text.contains("20-Minute Advanced Setup (6 steps open)"),
        "{text}"
    );
    // The number goes back to it; End and Enter go on to the next section.
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(app.current_step().unwrap().1.id, "anti-phishing-code");
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.screen(), Screen::Walkthrough { section, index: 0, .. } if section == "advanced")
    );
}

#[test]
fn next_up_puts_skipped_essentials_before_advanced_steps() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('s'));
    typ(&mut app, "no phone yet");
    press(&mut app, KeyCode::Enter);
    for _ in 1..7 {
        press(&mut app, KeyCode::Char(' '));
    }
    press(&mut app, KeyCode::Char('q'));
    let text = screen_text(&mut app, 80, 24);
    assert!(
        text.contains("Setup  [-] Turn on authenticator-app 2FA (5-Minute Essentials)"),
        "{text}"
    );
    assert!(
        text.contains("[ ] Add passkeys and a hardware key"),
        "{text}"
    );
    insta::assert_snapshot!("dashboard_120x40", draw(&mut app, 120, 40).backend());
}

#[test]
fn a_recorded_review_keeps_its_ticks_until_the_next_cycle() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('q'));
    app.update(Action::Select(section_row(&app, "monthly")));
    press(&mut app, KeyCode::Enter);
    let n = app.rows();
    for _ in 0..n {
        press(&mut app, KeyCode::Char(' '));
    }
    let r = app.acct().reviews["monthly"].clone();
    assert_eq!(r.completions.len(), 1);
    insta::assert_snapshot!("review_done_80x24", draw(&mut app, 80, 24).backend());
    insta::assert_snapshot!("review_done_120x40", draw(&mut app, 120, 40).backend());
    let text = screen_text(&mut app, 80, 24);
    assert!(
        text.contains("done on 2026-11-25; next due 2026-12-25"),
        "{text}"
    );
    // The two items whose setup step was never done are not ticked, the others are.
    assert_eq!(text.matches("[~]").count(), 2, "{text}");
    assert_eq!(text.matches("[x]").count(), n - 2, "{text}");
    // An extra Space starts nothing and says why.
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(app.acct().reviews["monthly"], r, "no new cycle started");
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("Done on 2026-11-25; next due 2026-12-25")
    );
    // Once the next one is due soon, the items are open again.
    app.update(Action::Tick {
        now: t0() + Duration::days(25),
        today: NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(),
    });
    let text = screen_text(&mut app, 80, 24);
    assert_eq!(text.matches("[x]").count(), 0, "{text}");
    assert!(text.contains("due in 5 days"), "{text}");
}

#[test]
fn score_screen_shows_the_parts_at_120x40() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    for _ in 0..7 {
        press(&mut app, KeyCode::Char(' '));
    }
    assert!(app.summary.score.value.unwrap() >= 50);
    press(&mut app, KeyCode::Char('q'));
    press(&mut app, KeyCode::Char('b'));
    insta::assert_snapshot!("score_120x40", draw(&mut app, 120, 40).backend());
    let text = screen_text(&mut app, 120, 40);
    assert!(
        text.contains("Essentials  50.0 of 50 points  (7 of 7 steps done)"),
        "{text}"
    );
}
