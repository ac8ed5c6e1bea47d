//! A refused note in the TUI: the refusal is shown whole, wrapped, at 80x24 and 60x15 (insta
//! snapshots with `TestBackend`) and at every size from 40x10 up (its full text from 60x15 on;
//! below, where there is no room for it, its short form, never cut mid-sentence), and it never
//! repeats the secret: the typed text stays only in the prompt, for editing.

mod common;

use chrono::NaiveDate;
use common::tui::{press, t0};
use lockstep::checklist::{BUNDLED, Checklist, parse};
use lockstep::guard::check_secret;
use lockstep::state::{Account, DEFAULT_ACCOUNT, State};
use lockstep::tui::app::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;

/// An app on the first walkthrough step (personas answered: none).
fn app() -> App {
    let cl: Checklist = parse("crypto-com.json", BUNDLED[0].1).unwrap();
    let mut a = Account::new("crypto-com", t0());
    a.set_personas(vec![], t0());
    let mut state = State::default();
    state.accounts.insert(DEFAULT_ACCOUNT.into(), a);
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let mut app = App::new(cl, state, DEFAULT_ACCOUNT, t0(), today);
    press(&mut app, KeyCode::Enter);
    app
}

/// Types `secret` as the note of the current step and submits it.
fn refuse_note(app: &mut App, secret: &str) {
    press(app, KeyCode::Char('n'));
    for c in secret.chars() {
        press(app, KeyCode::Char(c));
    }
    press(app, KeyCode::Enter);
    assert!(app.input.is_some(), "the prompt keeps the text");
    assert!(app.acct().note("totp-2fa").is_none(), "nothing was saved");
}

fn rows(app: &mut App, w: u16, h: u16) -> Vec<String> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    lockstep::tui::draw(&mut t, app).unwrap();
    let b = t.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| b[(x, y)].symbol().to_string()).collect())
        .collect()
}

fn snapshot(app: &mut App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    lockstep::tui::draw(&mut t, app).unwrap();
    t.backend().to_string()
}

/// A private key (the longest refusal: it adds how to note a transaction hash) and a recovery
/// phrase.
const KEY: &str = "key 4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const PHRASE: &str =
    "seed: legal winner thank year wave sausage worth useful legal winner thank yellow";

/// The refusal's rows on screen: from the row that starts it to the row before the prompt.
fn message_rows(screen: &[String]) -> Vec<String> {
    let start = screen
        .iter()
        .position(|r| r.starts_with("x refusing to store this text"))
        .unwrap_or_else(|| panic!("no refusal on screen:\n{}", screen.join("\n")));
    let prompt = screen
        .iter()
        .position(|r| r.starts_with("Note"))
        .unwrap_or_else(|| panic!("no prompt on screen:\n{}", screen.join("\n")));
    assert!(start < prompt, "the message is above the prompt");
    screen[start..prompt].to_vec()
}

/// The message rows joined back into one text.
fn joined(rows: &[String]) -> String {
    rows.iter()
        .map(|r| r.trim_end())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_refusal_wraps_whole_at_80x24_and_60x15() {
    for (name, secret) in [("key", KEY), ("phrase", PHRASE)] {
        let refusal = check_secret(secret).unwrap_err();
        for (w, h) in [(80u16, 24u16), (60, 15)] {
            let mut app = app();
            refuse_note(&mut app, secret);
            let screen = rows(&mut app, w, h);
            let msg = message_rows(&screen);
            assert_eq!(
                joined(&msg),
                format!("x {refusal}"),
                "{name} at {w}x{h}: the whole refusal, in order:\n{}",
                screen.join("\n")
            );
            insta::assert_snapshot!(format!("refusal_{name}_{w}x{h}"), snapshot(&mut app, w, h));
        }
    }
}

#[test]
fn at_every_size_the_refusal_is_whole_and_never_repeats_the_secret() {
    let refusal = check_secret(KEY).unwrap_err();
    let (full, short) = (format!("x {refusal}"), format!("x {}", refusal.brief()));
    let hex = &KEY[4..];
    let mut shown_short = 0;
    for w in (40u16..=120).step_by(4) {
        for h in 10u16..=30 {
            let mut app = app();
            refuse_note(&mut app, KEY);
            let screen = rows(&mut app, w, h);
            let text = joined(&message_rows(&screen));
            assert!(
                text == full || text == short,
                "{w}x{h}: the refusal is cut or garbled: {text:?}\n{}",
                screen.join("\n")
            );
            shown_short += usize::from(text == short);
            if w >= 60 && h >= 15 {
                assert_eq!(text, full, "{w}x{h}: from 60x15 on, the full text");
            }
            // The secret is only in the prompt's field, never in the message.
            for (y, row) in screen.iter().enumerate() {
                let prompt_row =
                    row.starts_with("Note") || (y > 0 && screen[y - 1].starts_with("Note"));
                for part in [&hex[..12], &hex[20..32], &hex[52..]] {
                    assert!(
                        prompt_row || !row.contains(part),
                        "{w}x{h}: row {y} repeats the secret: {row}"
                    );
                }
            }
        }
    }
    assert!(shown_short > 0, "small screens show the short form");
}
