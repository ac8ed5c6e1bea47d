//! The terminal shell: event loop, key/mouse/signal handling and saving; state lives in `app`.

pub mod app;
pub mod keymap;
pub mod ui;

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use ratatui::crossterm::execute;

use app::{Action, App, ScreenKind};

use crate::store::Store;

/// Maps a key event to an action: text input first, then the keymap table.
pub fn key_action(app: &App, key: KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    if app.help && app.input.is_none() {
        // Any key closes the help overlay ("Press any key to close"); ! and Ctrl-C still work.
        let action = keymap::action_for(app.screen().kind(), key);
        return Some(match action {
            Some(a @ (Action::Quit | Action::Compromised)) => a,
            _ => Action::Help,
        });
    }
    if app.input.is_some() {
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            return match key.code {
                KeyCode::Char('c') => Some(Action::Quit),
                KeyCode::Char('u') => Some(Action::InputClear),
                _ => None,
            };
        }
        return match key.code {
            KeyCode::Enter => Some(Action::InputSubmit),
            KeyCode::Esc => Some(Action::InputCancel),
            KeyCode::Backspace => Some(Action::InputBackspace),
            KeyCode::Char(c) => Some(Action::InputChar(c)),
            _ => None,
        };
    }
    keymap::action_for(app.screen().kind(), key)
}

/// The list row under a mouse click at terminal row `y`, for screens with a list.
fn click_row(app: &App, y: u16) -> Option<usize> {
    // Header (1) + banner (0/1) + gauge (3, dashboard) + list border (1).
    let banner = u16::from(
        app.acct().open_incident().is_some() && app.screen().kind() != ScreenKind::Emergency,
    );
    let top = match app.screen().kind() {
        ScreenKind::Dashboard => 1 + banner + 3 + 1,
        ScreenKind::Review | ScreenKind::Emergency => 1 + banner + 1,
        ScreenKind::Personas => 1 + banner + ui::PERSONA_INTRO_HEIGHT + 1,
        _ => return None,
    };
    let row = y.checked_sub(top)? as usize;
    (row < app.rows()).then_some(row)
}

/// Pasted text goes into the open text prompt as text (newlines become spaces), never as keys;
/// with no prompt open it is ignored.
pub fn paste(app: &mut App, text: &str) {
    if app.input.is_none() {
        return;
    }
    for c in text.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        app.update(Action::InputChar(c));
    }
}

fn now_and_today() -> (chrono::DateTime<chrono::Utc>, chrono::NaiveDate) {
    (chrono::Utc::now(), chrono::Local::now().date_naive())
}

/// Flags shared between the event loop and the signal watcher.
#[derive(Default)]
struct Flags {
    /// A SIGTERM/SIGHUP arrived: the loop should quit.
    stop: AtomicBool,
    /// The last save failed: leaving now loses the change, and the exit status must say so.
    unsaved: AtomicBool,
}

/// On SIGTERM or SIGHUP, asks the event loop to quit (it saves and restores the terminal). If the
/// loop cannot notice quickly, e.g. because the terminal is gone and crossterm is stuck reading an
/// endless EOF, the process leaves from here within half a second: every change is already saved
/// (saves happen right after each change, atomically), and the lock goes with the process. When
/// the last save had failed, it says so and exits with status 2.
fn watch_signals(flags: Arc<Flags>) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    // A flag rather than signal-hook's iterator: the iterator talks over a socketpair, and the
    // TUI's only socket call is crossterm's own socketpair (see tests/pty.rs).
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [SIGTERM, SIGHUP] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(25));
            }
            flags.stop.store(true, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(250));
            let _ = execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
            ratatui::restore();
            if flags.unsaved.load(Ordering::SeqCst) {
                eprintln!("lockstep: error: the last change could not be saved (see the message shown before)");
                std::process::exit(2);
            }
            std::process::exit(0);
        })?;
    Ok(())
}

/// Runs the TUI until the user quits or a SIGTERM/SIGHUP arrives. Saves after every change.
pub fn run(app: &mut App, store: &mut Store) -> io::Result<()> {
    let flags = Arc::new(Flags::default());
    watch_signals(Arc::clone(&flags))?;
    let mut terminal = ratatui::init();
    // ratatui's panic hook restores the terminal; also turn mouse capture off first.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
        previous(info);
    }));
    let _ = execute!(io::stdout(), EnableMouseCapture, EnableBracketedPaste);
    if cfg!(feature = "test-hooks") && std::env::var_os("LOCKSTEP_TEST_PANIC").is_some() {
        // Test hook (only with the test-hooks feature, which the tests enable): proves the terminal is restored after a panic.
        terminal.draw(|f| ui::render(app, f))?;
        panic!("LOCKSTEP_TEST_PANIC set: deliberate panic for the terminal-restore test");
    }
    let result = (|| -> io::Result<()> {
        loop {
            terminal.draw(|f| ui::render(app, f))?;
            if event::poll(Duration::from_millis(100))? {
                let action = match event::read()? {
                    Event::Key(k) => key_action(app, k),
                    Event::Paste(text) => {
                        let (now, today) = now_and_today();
                        app.update(Action::Tick { now, today });
                        paste(app, &text);
                        None
                    }
                    Event::Mouse(m) => match m.kind {
                        MouseEventKind::Down(MouseButton::Left) => {
                            click_row(app, m.row).map(Action::Select)
                        }
                        MouseEventKind::ScrollUp => Some(Action::Up),
                        MouseEventKind::ScrollDown => Some(Action::Down),
                        _ => None,
                    },
                    _ => None,
                };
                if let Some(a) = action {
                    let (now, today) = now_and_today();
                    app.update(Action::Tick { now, today });
                    app.update(a);
                }
            } else {
                let (now, today) = now_and_today();
                app.update(Action::Tick { now, today });
            }
            if flags.stop.load(Ordering::Relaxed) {
                app.quit = true;
            }
            if app.wants_history() {
                let events = match crate::store::read_history(store.paths()) {
                    Ok(h) => h.events.get(&app.account).cloned().unwrap_or_default(),
                    Err(_) => Vec::new(),
                };
                app.history_read(events);
            }
            if app.dirty {
                let today = app.today;
                if let Some(a) = app.state.accounts.get_mut(&app.account) {
                    a.settle(today);
                }
                let pending = app.acct().new_events.clone();
                let r = store.save(&mut app.state).map_err(|e| e.to_string());
                if r.is_ok() {
                    app.history.extend(pending);
                }
                app.saved(r);
                flags.unsaved.store(app.dirty, Ordering::SeqCst);
            }
            if app.quit {
                return Ok(());
            }
        }
    })();
    let _ = execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::restore();
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{BUNDLED, parse};
    use crate::state::{Account, State};
    use chrono::{NaiveDate, TimeZone, Utc};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn app(personas_chosen: bool) -> App {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
        let mut a = Account::new("crypto-com", now);
        a.personas_chosen = personas_chosen;
        let mut s = State::default();
        s.accounts.insert("default".into(), a);
        let cl = parse("c.json", BUNDLED[0].1).unwrap();
        App::new(
            cl,
            s,
            "default",
            now,
            NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        )
    }

    /// The row a click selects is the row drawn there.
    fn row_at(app: &App, y: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| ui::render(app, f)).unwrap();
        let buf = t.backend().buffer();
        (0..80).map(|x| buf[(x, y)].symbol().to_string()).collect()
    }

    #[test]
    fn clicks_hit_the_rows_drawn_there() {
        let mut a = app(true);
        assert_eq!(click_row(&a, 5), Some(0));
        assert!(row_at(&a, 5).contains("5-Minute Essentials"));
        assert_eq!(click_row(&a, 8), Some(3));
        assert!(row_at(&a, 8).contains("Monthly review"));
        assert_eq!(click_row(&a, 2), None);
        assert_eq!(click_row(&a, 40), None);
        a.update(Action::Select(3));
        assert_eq!(a.cursor, 3);
        let p = app(false);
        assert_eq!(p.screen().kind(), ScreenKind::Personas);
        assert_eq!(click_row(&p, 7), Some(0));
        assert!(row_at(&p, 7).contains("Long-term holding"));
        assert!(row_at(&p, 8).contains("Active trading"));
        assert_eq!(click_row(&p, 8), Some(1));
    }

    #[test]
    fn keys_go_to_the_input_line_while_typing() {
        let mut a = app(true);
        a.update(Action::Open);
        a.update(Action::Note);
        let k = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(key_action(&a, k('q')), Some(Action::InputChar('q')));
        assert_eq!(key_action(&a, k('!')), Some(Action::InputChar('!')));
        assert_eq!(
            key_action(&a, KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            key_action(&a, KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
            Some(Action::InputCancel)
        );
    }
}
