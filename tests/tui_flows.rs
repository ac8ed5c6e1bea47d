//! More TUI flows driven through `App::update` and drawn with `TestBackend` (the snapshot tests
//! are in `tests/tui.rs`): scrolling, prompts, help, history, snoozing, the score, what never
//! reaches the screen.
#![allow(clippy::too_many_lines)] // test and bench flows read top to bottom

mod common;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use common::tui::{app, cl, draw, press, screen_text, section_row, t0, today, typ};
use lockstep::state::{Account, DEFAULT_ACCOUNT, State, Status};
use lockstep::tui::app::{Action, App, Screen, ScreenKind};
use lockstep::tui::key_action;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[test]
fn history_and_score_screens() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('q'));
    press(&mut app, KeyCode::Char('H'));
    let text = screen_text(&mut app, 80, 24);
    assert!(
        text.contains("Done: Turn on authenticator-app 2FA"),
        "{text}"
    );
    press(&mut app, KeyCode::Char('q'));
    press(&mut app, KeyCode::Char('b'));
    let text = screen_text(&mut app, 80, 24);
    // The numbers first, the formula after.
    assert!(text.contains("of 50 points"), "{text}");
    assert!(text.contains("5-Minute Essentials"), "{text}");
}

#[test]
fn renders_at_many_sizes_without_panicking() {
    let mut app = app();
    for (w, h) in [(80, 24), (200, 60), (40, 10), (20, 5), (1, 1), (120, 30)] {
        for _ in 0..3 {
            draw(&mut app, w, h);
            press(&mut app, KeyCode::Enter);
            draw(&mut app, w, h);
            press(&mut app, KeyCode::Char('!'));
            draw(&mut app, w, h);
            press(&mut app, KeyCode::Char('?'));
            draw(&mut app, w, h);
            press(&mut app, KeyCode::Esc);
            press(&mut app, KeyCode::Esc);
            press(&mut app, KeyCode::Esc);
        }
        app.quit = false;
    }
}

#[test]
fn no_color_keeps_symbols_and_a_readable_score() {
    let mut app = app();
    app.color = false;
    let text = screen_text(&mut app, 80, 24);
    assert!(
        text.contains("  0/100 [----"),
        "score label beside its bar: {text}"
    );
    press(&mut app, KeyCode::Char('!'));
    press(&mut app, KeyCode::Char('S'));
    let t = draw(&mut app, 80, 24);
    let buf = t.backend().buffer();
    assert!(
        buf.content()
            .iter()
            .all(|c| c.fg == ratatui::style::Color::Reset && c.bg == ratatui::style::Color::Reset)
    );
    let text = t.backend().to_string();
    assert!(text.contains("INCIDENT #1") && text.contains("[ ]"));
}

#[test]
fn quit_from_dashboard_and_ctrl_c_anywhere() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    app.update(
        key_action(
            &app,
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
        )
        .unwrap(),
    );
    assert!(app.quit);
    let mut app = self::app();
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn long_details_scroll_with_a_hint() {
    let mut app = app();
    press(&mut app, KeyCode::Char('!'));
    // The emergency steps are kept short enough for 80x24; a shorter terminal needs the scroll.
    press(&mut app, KeyCode::Char('S'));
    press(&mut app, KeyCode::Down); // c-support
    assert!(!screen_text(&mut app, 80, 24).contains("more below"));
    let text = screen_text(&mut app, 80, 16);
    assert!(text.contains("more below: PgDn/J"), "{text}");
    let last_warning = app
        .cl
        .step("c-support")
        .unwrap()
        .1
        .warnings
        .last()
        .unwrap()
        .clone();
    let tail: String = last_warning
        .split_whitespace()
        .rev()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageDown);
    assert!(app.scroll() > 0);
    let scrolled = screen_text(&mut app, 80, 16);
    let last_words: Vec<&str> = last_warning.split_whitespace().rev().take(2).collect();
    assert!(
        scrolled.contains(last_words[0].trim_end_matches('.')),
        "{tail}: {scrolled}"
    );
    press(&mut app, KeyCode::PageUp);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(app.scroll(), 0);
    // Moving to another step resets the scroll.
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Up);
    assert_eq!(app.scroll(), 0);
}

#[test]
fn score_screen_scrolls_and_shows_the_formula() {
    let mut app = app();
    press(&mut app, KeyCode::Char('b'));
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("Essentials"), "numbers first: {text}");
    for _ in 0..5 {
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(app.scroll(), 5);
    assert_ne!(screen_text(&mut app, 80, 24), text);
    // The formula comes after the numbers, wrapped, not cut.
    for _ in 0..20 {
        draw(&mut app, 80, 24);
        press(&mut app, KeyCode::PageDown);
    }
    let end = screen_text(&mut app, 80, 24);
    assert!(
        end.contains("How it is computed") && end.contains("at least 85."),
        "formula wraps, not cut: {end}"
    );
}

#[test]
fn any_key_closes_help() {
    let mut app = app();
    press(&mut app, KeyCode::Char('?'));
    assert!(app.help);
    let a = key_action(&app, KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE));
    app.update(a.expect("an unbound key still closes help"));
    assert!(!app.help);
    assert_eq!(app.kind(), ScreenKind::Dashboard);
    press(&mut app, KeyCode::Char('?'));
    press(&mut app, KeyCode::Char('!'));
    assert_eq!(
        app.screen().kind(),
        ScreenKind::Compromise,
        "! works from the help overlay (the steps before an incident: none is open)"
    );
}

#[test]
fn paste_goes_into_the_prompt_only() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    lockstep::tui::paste(&mut app, "ignored when no prompt is open");
    assert!(app.input.is_none());
    press(&mut app, KeyCode::Char('n'));
    lockstep::tui::paste(&mut app, "ok\nAll good! l q");
    assert_eq!(app.input.as_ref().unwrap().text(), "ok All good! l q");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.acct().note("totp-2fa"), Some("ok All good! l q"));
    assert!(app.acct().open_incident().is_none());
}

#[test]
fn long_input_shows_its_end_and_long_messages_wrap() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('n'));
    let long = format!("{}END", "a".repeat(120));
    typ(&mut app, &long);
    let mut t = draw(&mut app, 80, 24);
    let text = t.backend().to_string();
    let status = text.lines().nth(22).unwrap();
    assert!(status.contains("aaaEND"), "{status}");
    // The terminal cursor sits right after the text.
    let cursor = t.get_cursor_position().unwrap();
    assert_eq!(cursor.y, 22);
    let row: String = (0..80)
        .map(|x| t.backend().buffer()[(x, 22)].symbol().to_string())
        .collect();
    let end = row.find("END").unwrap() as u16 + 3;
    assert_eq!(cursor.x, end, "{row}");
    press(&mut app, KeyCode::Esc);
    // A refusal is explained in full (wrapped onto several lines) above the kept text.
    press(&mut app, KeyCode::Char('n'));
    typ(&mut app, "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP");
    press(&mut app, KeyCode::Enter);
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("password manager"), "{text}");
    assert!(
        text.contains("secret=JBSWY3DPEHPK3PXP"),
        "kept for editing: {text}"
    );
}

#[test]
fn back_returns_to_the_same_dashboard_row() {
    let mut app = app();
    let ev = app
        .cl
        .sections
        .iter()
        .position(|s| s.id == "after-integration")
        .unwrap();
    app.update(Action::Select(ev));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(app.cursor(), ev);
    press(&mut app, KeyCode::Enter);
    assert!(
        matches!(app.screen(), Screen::Review { section, .. } if section == "after-integration")
    );
}

#[test]
fn not_applicable_toggles_and_says_so() {
    let mut app = app();
    // 2FA applies to everyone: refused, with the reason.
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(app.acct().status("totp-2fa"), &Status::Todo);
    let f = app.flash.clone().unwrap();
    assert!(f.error && f.text.contains("applies to everyone"), "{f:?}");
    press(&mut app, KeyCode::Char('q'));
    // API keys may not apply: the advanced section's third step.
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(app.current_step().unwrap().1.id, "api-read-only");
    press(&mut app, KeyCode::Char('x'));
    assert!(matches!(
        app.acct().status("api-read-only"),
        Status::NotApplicable { .. }
    ));
    assert!(app.flash.as_ref().unwrap().text.contains("not applicable"));
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(app.acct().status("api-read-only"), &Status::Todo);
    assert!(app.flash.as_ref().unwrap().text.contains("again"));
}

#[test]
fn snoozing_a_review_that_is_not_due_is_refused() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('q'));
    let cl = app.cl.clone();
    let acct = app.state.accounts.get_mut(DEFAULT_ACCOUNT).unwrap();
    acct.complete_review(&cl, "monthly", t0(), today()).unwrap();
    let m = app
        .cl
        .sections
        .iter()
        .position(|s| s.id == "monthly")
        .unwrap();
    app.update(Action::Select(m));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('z'));
    assert!(app.flash.as_ref().unwrap().error);
    assert!(app.acct().reviews["monthly"].snoozed_until.is_none());
}

#[test]
fn ctrl_u_clears_the_prompt_and_scrolling_stops_at_the_end() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('n'));
    typ(&mut app, "oops");
    app.update(
        key_action(
            &app,
            KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
        )
        .unwrap(),
    );
    assert_eq!(app.input.as_ref().unwrap().text(), "");
    press(&mut app, KeyCode::Esc);
    // A step that fits on a big screen cannot be scrolled into blank space.
    draw(&mut app, 120, 50);
    for _ in 0..10 {
        press(&mut app, KeyCode::PageDown);
    }
    assert_eq!(app.scroll(), 0);
    let text = screen_text(&mut app, 120, 50);
    assert!(
        text.contains("Turn on authenticator-app 2FA") && !text.contains("PgUp"),
        "{text}"
    );
}

#[test]
fn history_shows_the_selected_event_in_full() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('s'));
    typ(
        &mut app,
        &"waiting for the new phone that arrives next week ".repeat(3),
    );
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('q'));
    press(&mut app, KeyCode::Char('H'));
    let text = screen_text(&mut app, 80, 24);
    assert!(text.contains("times in UTC"), "{text}");
    // The detail pane wraps the whole reason (the list row is cut at the edge).
    let joined: String = text
        .lines()
        .map(|l| l.trim_matches(|c| c == '"' || c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(joined.matches("next week").count() >= 3, "{text}");
}

fn ctrl(app: &mut App, c: char) {
    let a = key_action(app, KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
        .unwrap_or_else(|| panic!("Ctrl-{c} is not bound"));
    app.update(a);
}

#[test]
fn snooze_is_shown_on_the_dashboard_and_undone_with_shift_z() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('q'));
    let cl = app.cl.clone();
    // Due: the quarterly review, last done four months ago.
    let acct = app.state.accounts.get_mut(DEFAULT_ACCOUNT).unwrap();
    acct.complete_review(
        &cl,
        "quarterly",
        t0() - Duration::days(120),
        today() - chrono::Days::new(120),
    )
    .unwrap();
    app.update(Action::Select(section_row(&app, "quarterly")));
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('z'));
    assert_eq!(
        app.acct().reviews["quarterly"].snoozed_until,
        Some(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap())
    );
    press(&mut app, KeyCode::Char('q'));
    let text = screen_text(&mut app, 120, 40);
    assert!(text.contains("snoozed until 2026-12-02"), "{text}");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('Z'));
    assert!(app.acct().reviews["quarterly"].snoozed_until.is_none());
    assert!(app.flash.as_ref().unwrap().text.contains("shows again"));
    press(&mut app, KeyCode::Char('Z'));
    assert!(app.flash.as_ref().unwrap().error, "nothing left to undo");
    press(&mut app, KeyCode::Char('q'));
    assert!(!screen_text(&mut app, 120, 40).contains("snoozed until"));
}

#[test]
fn the_prompt_edits_like_a_text_field_and_ctrl_c_keeps_a_half_typed_note() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('n'));
    typ(&mut app, "kept in safe");
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Left);
    typ(&mut app, "the ");
    assert_eq!(app.input.as_ref().unwrap().text(), "kept in the safe");
    press(&mut app, KeyCode::Home);
    typ(&mut app, "Key ");
    press(&mut app, KeyCode::End);
    typ(&mut app, " box");
    ctrl(&mut app, 'w');
    assert_eq!(app.input.as_ref().unwrap().text(), "Key kept in the safe ");
    // Ctrl-C with text typed asks first; the text stays.
    ctrl(&mut app, 'c');
    assert!(!app.quit);
    assert!(app.flash.as_ref().unwrap().text.contains("Ctrl-C again"));
    assert_eq!(app.input.as_ref().unwrap().text(), "Key kept in the safe ");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.acct().note("totp-2fa"), Some("Key kept in the safe"));
    // Asked once, a second Ctrl-C quits.
    press(&mut app, KeyCode::Char('n'));
    typ(&mut app, " more");
    ctrl(&mut app, 'c');
    ctrl(&mut app, 'c');
    assert!(app.quit);
    // With nothing typed, Ctrl-C quits at once.
    let mut app = self::app();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('s'));
    ctrl(&mut app, 'c');
    assert!(app.quit);
}

#[test]
fn the_personas_screen_says_what_fits_how_it_was_opened() {
    let mut app = app();
    press(&mut app, KeyCode::Char('p'));
    let text = screen_text(&mut app, 80, 24);
    assert!(!text.contains("later with p"), "{text}");
    assert!(text.contains("leave without changing anything"), "{text}");
}

#[test]
fn bidi_and_control_characters_never_reach_the_screen() {
    // A checklist whose first step title hides text with a right-to-left override, and a note
    // (stored as typed) with the same trick.
    let mut c = cl();
    c.sections[0].steps[0].title = "Safe step \u{202e}evil\u{202c} done".into();
    let mut a = Account::new("crypto-com", t0());
    a.personas_chosen = true;
    let first = c.sections[0].steps[0].id.clone();
    a.steps.insert(
        first,
        lockstep::state::StepState {
            status: Status::Todo,
            note: Some("note \u{2066}hidden\u{2069} \u{1b}[31m".into()),
        },
    );
    let mut state = State::default();
    state.accounts.insert(DEFAULT_ACCOUNT.into(), a);
    let mut app = App::new(c, state, DEFAULT_ACCOUNT, t0(), today());
    press(&mut app, KeyCode::Enter);
    let text = screen_text(&mut app, 120, 40);
    for bad in ['\u{202e}', '\u{202c}', '\u{2066}', '\u{2069}', '\u{1b}'] {
        assert!(!text.contains(bad), "{bad:?} on screen:\n{text}");
    }
    assert!(text.contains("\\u{202e}evil"), "shown escaped:\n{text}");
    assert!(
        text.contains("\\u{2066}hidden"),
        "a stored note shows it escaped:\n{text}"
    );
}

#[test]
fn a_review_recorded_while_the_clock_was_wrong_is_flagged_and_does_not_silence_it() {
    // Setup started three months ago; the monthly review was "done" on 2030-01-01 by a computer
    // whose clock was wrong.
    let cl = cl();
    let start = t0() - Duration::days(92);
    let mut a = Account::new("crypto-com", start);
    a.set_personas(vec![], start);
    let future = Utc.with_ymd_and_hms(2030, 1, 1, 9, 0, 0).unwrap();
    a.complete_review(&cl, "monthly", future, future.date_naive())
        .unwrap();
    let mut state = State::default();
    state.accounts.insert(DEFAULT_ACCOUNT.into(), a);
    let mut app = App::new(cl, state, DEFAULT_ACCOUNT, t0(), today());
    let view = app.summary.review("monthly").unwrap().clone();
    assert_eq!(
        view.last, None,
        "a completion after today is not the last one"
    );
    assert!(view.status.as_ref().unwrap().due.is_due(), "still reminded");
    assert!(!view.finished);
    let w = view.clock_warning.expect("flagged");
    assert_eq!(w.latest, NaiveDate::from_ymd_opt(2030, 1, 1).unwrap());
    // The flag fits on an 80-column dashboard row.
    let dash = screen_text(&mut app, 80, 24);
    let row = dash
        .lines()
        .find(|l| l.contains("Monthly"))
        .unwrap()
        .to_string();
    assert!(row.contains("overdue") && row.contains("(clock?)"), "{row}");
    let m = app
        .cl
        .sections
        .iter()
        .position(|s| s.id == "monthly")
        .unwrap();
    app.update(Action::Select(m));
    press(&mut app, KeyCode::Enter);
    let text = screen_text(&mut app, 80, 24);
    assert!(
        text.contains("1 record dated after today (up to 2030-01-01) ignored"),
        "{text}"
    );
    assert!(!text.contains("done on 2030"), "{text}");
}
