//! The terminal shell: event loop, key/mouse/signal handling and saving; state lives in `app`.

pub mod app;
pub mod keymap;
pub mod ui;

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyCode, KeyEvent, KeyEventKind,
    KeyModifiers, MouseButton, MouseEventKind,
};
use ratatui::crossterm::execute;

use app::{Action, App, ScreenKind};

use crate::store::Store;

/// Maps a key event to an action: text input first, then the keymap table.
pub fn key_action(app: &App, key: KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    if app.input.is_some() {
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            return (key.code == KeyCode::Char('c')).then_some(Action::Quit);
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
        ScreenKind::Review | ScreenKind::Emergency | ScreenKind::Personas => 1 + banner + 1,
        _ => return None,
    };
    let per_row = if app.screen().kind() == ScreenKind::Personas {
        2
    } else {
        1
    };
    let row = (y.checked_sub(top)? / per_row) as usize;
    (row < app.rows()).then_some(row)
}

fn now_and_today() -> (chrono::DateTime<chrono::Utc>, chrono::NaiveDate) {
    (chrono::Utc::now(), chrono::Local::now().date_naive())
}

/// Runs the TUI until the user quits or a SIGTERM/SIGHUP arrives. Saves after every change.
pub fn run(app: &mut App, store: &Store) -> io::Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(sig, Arc::clone(&stop))?;
    }
    let mut terminal = ratatui::init();
    // ratatui's panic hook restores the terminal; also turn mouse capture off first.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(io::stdout(), DisableMouseCapture);
        previous(info);
    }));
    let _ = execute!(io::stdout(), EnableMouseCapture);
    if std::env::var_os("LOCKSTEP_TEST_PANIC").is_some() {
        // Test hook: proves the terminal is restored after a panic.
        terminal.draw(|f| ui::render(app, f))?;
        panic!("LOCKSTEP_TEST_PANIC set: deliberate panic for the terminal-restore test");
    }
    let result = (|| -> io::Result<()> {
        loop {
            terminal.draw(|f| ui::render(app, f))?;
            if event::poll(Duration::from_millis(250))? {
                let action = match event::read()? {
                    Event::Key(k) => key_action(app, k),
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
            if stop.load(Ordering::Relaxed) {
                app.quit = true;
            }
            if app.dirty {
                let r = store.save(&app.state).map_err(|e| e.to_string());
                app.saved(r);
            }
            if app.quit {
                return Ok(());
            }
        }
    })();
    let _ = execute!(io::stdout(), DisableMouseCapture);
    ratatui::restore();
    result
}
