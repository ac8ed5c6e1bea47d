//! Helpers of the TUI tests that drive `App::update` and draw with `TestBackend`: the bundled
//! checklist, the tests' clock, key presses through the one keymap, and drawing as the shell does.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use lockstep::checklist::{BUNDLED, Checklist, parse};
use lockstep::state::{Account, DEFAULT_ACCOUNT, State};
use lockstep::tui::app::App;
use lockstep::tui::key_action;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn cl() -> Checklist {
    parse("crypto-com.json", BUNDLED[0].1).unwrap()
}

/// The tests' "now": 2026-11-25 09:00 UTC.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
}

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

/// A key press as the shell maps it (a key the screen does not bind fails the test).
pub fn press(app: &mut App, code: KeyCode) {
    let action = key_action(app, KeyEvent::new(code, KeyModifiers::NONE))
        .unwrap_or_else(|| panic!("{code:?} is not bound on {:?}", app.kind()));
    app.update(action);
}

pub fn typ(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// Draws like the shell does: the layout is fed back to the app (for clicks and scrolling).
pub fn draw(app: &mut App, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    lockstep::tui::draw(&mut t, app).unwrap();
    t
}

pub fn screen_text(app: &mut App, w: u16, h: u16) -> String {
    draw(app, w, h).backend().to_string()
}

/// A fresh app on the dashboard (personas already answered: none).
pub fn app() -> App {
    let mut state = State::default();
    let mut a = Account::new("crypto-com", t0());
    a.set_personas(vec![], t0());
    state.accounts.insert(DEFAULT_ACCOUNT.into(), a);
    App::new(cl(), state, DEFAULT_ACCOUNT, t0(), today())
}

/// The dashboard row of section `id`.
pub fn section_row(app: &App, id: &str) -> usize {
    app.cl.sections.iter().position(|s| s.id == id).unwrap()
}
