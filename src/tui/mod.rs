//! The terminal shell: event loop, key/mouse/signal handling and saving; state lives in `app`.

pub mod app;
mod input;
pub mod keymap;
pub mod offer;
mod start;
mod summary;
pub mod ui;

pub use offer::OfferShell;
pub use start::{Start, start};

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyEvent, KeyEventKind, MouseButton, MouseEventKind,
};
use ratatui::crossterm::execute;

use app::{Action, App};

use crate::app as layer;
use crate::store::Store;

/// Maps a key event to an action: the open text prompt first (edited by `tui-input`), then the
/// keymap table.
pub fn key_action(app: &App, key: KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    if app.help && app.input.is_none() {
        // Any key closes the help overlay ("Press any key to close"); ! and Ctrl-C still work.
        let action = keymap::action_for(app.kind(), key);
        return Some(match action {
            Some(a @ (Action::Quit | Action::Compromised)) => a,
            _ => Action::Help,
        });
    }
    if app.input.is_some() {
        // The prompt's own keys (the table its footer is drawn from), then the field's editing.
        return keymap::prompt_action(key).or_else(|| {
            tui_input::backend::crossterm::to_input_request(&Event::Key(key)).map(Action::Edit)
        });
    }
    keymap::action_for(app.kind(), key)
}

/// The action for a mouse event: a left click where it lands, the wheel moves.
pub fn mouse_action(kind: MouseEventKind, column: u16, row: u16) -> Option<Action> {
    match kind {
        MouseEventKind::Down(MouseButton::Left) => Some(Action::Click { column, row }),
        MouseEventKind::ScrollUp => Some(Action::Up),
        MouseEventKind::ScrollDown => Some(Action::Down),
        _ => None,
    }
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

/// Draws one frame and feeds its layout back to the app.
pub fn draw<B: ratatui::backend::Backend>(
    terminal: &mut ratatui::Terminal<B>,
    app: &mut App,
) -> Result<(), B::Error> {
    let mut hits = app::Hits::default();
    terminal.draw(|f| hits = ui::render(app, f))?;
    app.update(Action::Rendered(hits));
    Ok(())
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
/// endless EOF, the process leaves from here within a quarter of a second: every change is already saved
/// (saves happen right after each change, atomically), and the lock goes with the process. When
/// the last save had failed, it says so and exits with status 2.
fn watch_signals(flags: Arc<Flags>) -> io::Result<()> {
    // A flag rather than signal-hook's iterator: the iterator talks over a socketpair, and the
    // TUI's only socket call is crossterm's own socketpair (see tests/pty.rs).
    let stop = Arc::new(AtomicBool::new(false));
    crate::os_sys::on_termination(&stop)?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(25));
            }
            flags.stop.store(true, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(150));
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

/// Paints the whole screen again at the next draw (ratatui's `Terminal::clear` asks the terminal
/// for the cursor position, which not every terminal answers): the screen is cleared, then a
/// blank frame makes the next draw write every cell that is not blank.
fn repaint(terminal: &mut ratatui::DefaultTerminal) -> io::Result<()> {
    execute!(
        io::stdout(),
        ratatui::crossterm::terminal::Clear(ratatui::crossterm::terminal::ClearType::All)
    )?;
    terminal.draw(|f| f.render_widget(ratatui::widgets::Clear, f.area()))?;
    Ok(())
}

/// Discards the key presses (and other events) waiting to be read.
fn drop_typeahead() -> io::Result<()> {
    while event::poll(Duration::ZERO)? {
        event::read()?;
    }
    Ok(())
}

/// How many of the latest events the history screen shows.
pub const HISTORY_SHOWN: usize = 1000;

/// How often an idle TUI looks for what another lockstep saved.
const LOOK_EVERY: Duration = Duration::from_millis(500);

/// Shows what another lockstep saved since this one last looked: at once before a key acts
/// (`now`), else at most every [`LOOK_EVERY`]. A state that cannot be read now is looked at again
/// later (the next save reports a lasting problem).
fn catch_up(app: &mut App, store: &mut Store, last: &mut std::time::Instant, now: bool) {
    if app.dirty || (!now && last.elapsed() < LOOK_EVERY) {
        return;
    }
    *last = std::time::Instant::now();
    if let Ok(Some(state)) = store.catch_up() {
        app.reloaded(state);
    }
}

/// Saves the app's changes through the application layer's one write path, and tells the app
/// what was saved (or why not). A purge that failed is tried again with the next save.
fn save(app: &mut App, store: &mut Store) {
    let pending = app.acct().new_events.clone();
    let forget = app.forget.take();
    let write = match &forget {
        Some((step, old)) => layer::Write::Purge {
            step: step.clone(),
            old_text: old.clone(),
        },
        None => layer::Write::Changes,
    };
    let clock = layer::Clock {
        now: app.now,
        today: app.today,
    };
    let account = app.account.clone();
    let r = layer::commit(store, &mut app.state, Some(&account), write, clock);
    match &r {
        Ok(_) => app.events_saved(pending),
        // Try the purge again with the next save.
        Err(_) => app.forget = forget,
    }
    // The store's notices (another writer changed the same item, a torn log line set aside,
    // an upgrade) and a calendar that could not follow: shown after the save, one line.
    let warning = r.as_ref().ok().and_then(|c| {
        let mut lines = c.notices.clone();
        lines.extend(c.calendar_warning.clone());
        (!lines.is_empty()).then(|| lines.join(" "))
    });
    app.saved(
        r.map(|_| ())
            .map_err(|e| app::ShellError::Save(std::sync::Arc::new(e))),
    );
    if app.save_error.is_none()
        && let Some(w) = warning
    {
        app.flash = Some(app::Flash {
            text: w,
            error: true,
            short: None,
        });
    }
}

/// Runs the TUI until the user quits or a SIGTERM/SIGHUP arrives. Saves after every change;
/// `offer` asks once about the daily reminder.
pub fn run(app: &mut App, store: &mut Store, offer: &mut OfferShell) -> io::Result<()> {
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
        draw(&mut terminal, app)?;
        panic!("LOCKSTEP_TEST_PANIC set: deliberate panic for the terminal-restore test");
    }
    // Nobody holds the writer lock while idle: each save takes it (see `Store::release`).
    store.release();
    let mut last_look = std::time::Instant::now();
    let result = (|| -> io::Result<()> {
        loop {
            let asked = offer.prepare(app);
            draw(&mut terminal, app)?;
            if asked {
                // Keys typed before the question was on screen (e.g. spaces checking steps, an
                // `n` meant for a note) must not answer it.
                drop_typeahead()?;
            }
            if event::poll(Duration::from_millis(100))? {
                // What another lockstep saved is shown before a key acts on it.
                catch_up(app, store, &mut last_look, true);
                let action = match event::read()? {
                    Event::Key(k) => key_action(app, k),
                    Event::Paste(text) => {
                        let (now, today) = now_and_today();
                        app.update(Action::Tick { now, today });
                        paste(app, &text);
                        None
                    }
                    Event::Mouse(m) => mouse_action(m.kind, m.column, m.row),
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
                catch_up(app, store, &mut last_look, false);
            }
            if flags.stop.load(Ordering::Relaxed) {
                app.quit = true;
            }
            if offer.act(app, store.paths(), |app| {
                let _ = draw(&mut terminal, app);
            }) {
                // Installing ran programs for a while: keys typed meanwhile must not dismiss
                // the result unread, and anything written to the terminal is painted over.
                drop_typeahead()?;
                repaint(&mut terminal)?;
            }
            if app.wants_history() {
                // The latest events only, read from the end of the log: memory stays the same
                // whatever the log's length (`lockstep history` lists them all).
                let mut events = Vec::new();
                let (acct, name) = (app.acct(), app.account.clone());
                let here = crate::store::machine::Here::of(store.paths());
                let read = crate::store::history_newest_first(store.paths(), |logged, e| {
                    if acct.owns(&name, logged.account, e.at) {
                        // By the incident numbers here; another machine's changes say so.
                        let shown = crate::state::Event {
                            at: e.at,
                            kind: e.kind.numbered_for(acct).into_owned(),
                        };
                        // Escaped as the command line shows it: the name comes from another
                        // machine's copy of the log.
                        let on = here
                            .other(logged.machine)
                            .map(|m| crate::guard::line(m).into_owned());
                        events.push((shown, on));
                    }
                    events.len() < HISTORY_SHOWN
                });
                match read {
                    Ok(_) => {
                        events.reverse();
                        app.history_read(events)
                    }
                    Err(e) => {
                        app.history_read(Vec::new());
                        app.saved(Err(app::ShellError::History(std::sync::Arc::new(e))));
                    }
                }
            }
            if app.dirty {
                save(app, store);
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
    use app::ScreenKind;
    use chrono::{NaiveDate, TimeZone, Utc};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

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

    /// Draws at 80x24 (recording the layout) and returns the text of row `y`.
    fn row_at(app: &mut App, y: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        draw(&mut t, app).unwrap();
        let buf = t.backend().buffer();
        (0..80).map(|x| buf[(x, y)].symbol().to_string()).collect()
    }

    fn click(app: &mut App, row: u16) {
        app.update(mouse_action(MouseEventKind::Down(MouseButton::Left), 10, row).unwrap());
    }

    #[test]
    fn clicks_hit_the_rows_drawn_there() {
        let mut a = app(true);
        // Header, score (3 rows), where the checklist comes from, then the list's border.
        assert!(row_at(&mut a, 4).contains("Checklist: bundled"));
        assert!(row_at(&mut a, 6).contains("5-Minute Essentials"));
        assert!(row_at(&mut a, 9).contains("Monthly review"));
        click(&mut a, 9);
        assert_eq!(a.cursor(), 3);
        click(&mut a, 2); // the score gauge: not a row
        assert_eq!(a.cursor(), 3);
        click(&mut a, 23); // the footer
        assert_eq!(a.cursor(), 3);
        let mut p = app(false);
        assert_eq!(p.screen().kind(), ScreenKind::Personas);
        assert!(row_at(&mut p, 8).contains("Active trading"));
        click(&mut p, 8);
        assert_eq!(p.cursor(), 1);
    }

    #[test]
    fn a_click_on_a_walkthrough_step_goes_to_it() {
        let mut a = app(true);
        a.update(Action::Open);
        let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
        draw(&mut t, &mut a).unwrap();
        let list = a.hits.list.expect("the list is shown at 120 columns");
        let buf = t.backend().buffer().clone();
        let y = list.area.y + 2;
        let row: String = (list.area.x..list.area.right())
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        assert!(row.contains("3."), "{row}");
        a.update(Action::Click {
            column: list.area.x + 1,
            row: y,
        });
        assert_eq!(a.current_step().unwrap().2, 2);
    }

    #[test]
    fn keys_go_to_the_input_line_while_typing() {
        let mut a = app(true);
        a.update(Action::Open);
        a.update(Action::Note);
        let k = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        use tui_input::InputRequest;
        assert_eq!(
            key_action(&a, k('q')),
            Some(Action::Edit(InputRequest::InsertChar('q')))
        );
        assert_eq!(
            key_action(&a, k('!')),
            Some(Action::Edit(InputRequest::InsertChar('!')))
        );
        assert_eq!(
            key_action(&a, KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            key_action(&a, KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL)),
            Some(Action::Edit(InputRequest::DeletePrevWord))
        );
        assert_eq!(
            key_action(&a, KeyEvent::new(KeyCode::Left, KeyModifiers::NONE)),
            Some(Action::Edit(InputRequest::GoToPrevChar))
        );
        assert_eq!(
            key_action(&a, KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
            Some(Action::InputCancel)
        );
    }
}
