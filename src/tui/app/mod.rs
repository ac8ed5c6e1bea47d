//! TUI state machine (Elm-style): `App::update(Action)` changes state; no IO, no clock reads.
//! Derived values are recomputed into [`Summary`] after every change, so rendering only draws.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

mod accounts;
mod changes;
mod dashboard;
mod dispatch;
mod emergency;
mod first_run;
mod offer;
mod pages;
mod review;
mod screen;
mod types;
mod walk;

pub use super::input::{Input, InputKind};
pub use super::summary::{NextItem, NextUp, ReviewView, Summary};
use crate::checklist::{Checklist, Loaded, Origin, Resolved, Section, Step};
use crate::export::Overview;
use crate::ids::AccountName;
use crate::state::{Account, Event, State, Status};
pub use offer::Offer;
pub use screen::{ReminderResult, Screen, ScreenKind};
pub use types::{Action, Flash, Hits, ListHit, ShellError};

/// Every account's checklist as the shell resolved it, or why it cannot be used.
pub type Checklists = BTreeMap<AccountName, Result<Resolved, String>>;

/// The app: the domain data (checklist, state, account, summary), the clock, what it asks of the
/// shell (saving, purging a note, reading the history, the reminder offer), the overlays (help,
/// the text prompt, the message) and the stack of screens. What a screen shows and where its
/// cursor is belongs to the screen (see [`Screen`]).
#[derive(Debug, Clone)]
pub struct App {
    pub cl: Checklist,
    /// Where the current account's checklist comes from (shown in the header and walkthrough).
    pub origin: Origin,
    /// Every account's checklist, for the accounts screen and switching.
    pub checklists: Checklists,
    /// Notices for accounts not shown yet, said when the user opens them.
    pending_notices: BTreeMap<String, Vec<String>>,
    pub state: State,
    pub account: String,
    /// The screens, the current one last (never empty).
    pub stack: Vec<Screen>,
    pub help: bool,
    pub input: Option<Input>,
    pub flash: Option<Flash>,
    /// The state changed and must be saved by the shell.
    pub dirty: bool,
    /// The last save failed: shown until a save succeeds.
    pub save_error: Option<ShellError>,
    pub quit: bool,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub color: bool,
    /// Score, reviews and next steps, recomputed after every change.
    pub summary: Summary,
    /// The layout of the last render.
    pub hits: Hits,
    /// This account's saved history: read from the log when the history screen first opens
    /// (the shell reads it, see [`App::wants_history`]), plus what this session saved since;
    /// each with the machine that made it when another one did (a merged history).
    pub saved_history: Vec<(Event, Option<String>)>,
    pub history_loaded: bool,
    /// A note to purge from the history and backups at the next save (step, its old text): the
    /// shell saves through `Store::forget_note` instead of `Store::save`.
    pub forget: Option<(String, Option<String>)>,
    /// The one-time offer of the daily reminder (see [`Offer`]).
    pub offer: Offer,
}

/// Largest detail-pane scroll offset.
const MAX_SCROLL: u16 = 500;

impl App {
    /// One account following the bundled checklist `cl` (tests and benches; the shell uses
    /// [`App::open`]). `state` must contain `account`.
    pub fn new(
        cl: Checklist,
        state: State,
        account: &str,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> App {
        let loaded = Loaded::bundled(cl);
        let checklists = BTreeMap::from([(
            AccountName::from(account),
            Ok(Resolved {
                loaded: loaded.clone(),
                unused: Vec::new(),
            }),
        )]);
        App::open(loaded, checklists, state, account, Vec::new(), now, today)
    }

    /// The app on `account` (which `state` must contain) following `loaded`; `checklists` holds
    /// every account's checklist; `notices` are shown first (they are already recorded in
    /// `state`, the caller saves it).
    pub fn open(
        loaded: Loaded,
        checklists: Checklists,
        state: State,
        account: &str,
        notices: Vec<String>,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> App {
        assert!(state.accounts.contains_key(account), "account exists");
        let Loaded {
            checklist: cl,
            origin,
        } = loaded;
        let cl = visible(cl);
        let summary = Summary::compute(&cl, &state.accounts[account], today);
        let mut app = App {
            cl,
            origin,
            checklists,
            pending_notices: BTreeMap::new(),
            state,
            account: account.to_string(),
            stack: vec![Screen::dashboard()],
            help: false,
            input: None,
            flash: None,
            dirty: false,
            save_error: None,
            quit: false,
            now,
            today,
            color: true,
            summary,
            hits: Hits::default(),
            saved_history: Vec::new(),
            history_loaded: false,
            forget: None,
            offer: Offer::Off,
        };
        if !app.acct().personas_chosen && !app.cl.personas.is_empty() {
            app.open_personas(true);
        }
        if !notices.is_empty() {
            app.push(Screen::Notices { lines: notices });
        }
        app
    }

    pub fn acct(&self) -> &Account {
        &self.state.accounts[&self.account]
    }

    /// The account's history, oldest first: the one place the TUI reads it from (the saved
    /// log, then changes not saved yet).
    pub fn history(&self) -> Vec<&Event> {
        self.events().collect()
    }

    /// Every known event, oldest first (see [`App::history`]).
    pub fn events(&self) -> impl DoubleEndedIterator<Item = &Event> {
        self.saved_history
            .iter()
            .map(|(e, _)| e)
            .chain(&self.acct().new_events)
    }

    /// The machine that made the `i`th event of [`App::history`] (oldest first), when another
    /// machine did.
    pub fn made_on(&self, i: usize) -> Option<&str> {
        self.saved_history.get(i).and_then(|(_, on)| on.as_deref())
    }

    /// True when the history screen is open but the log has not been read yet: the shell reads
    /// it and calls [`App::history_read`].
    pub fn wants_history(&self) -> bool {
        !self.history_loaded && matches!(self.screen(), Screen::History { .. })
    }

    /// The history as read from the log (it includes everything saved so far).
    pub fn history_read(&mut self, events: Vec<(Event, Option<String>)>) {
        self.saved_history = events;
        self.history_loaded = true;
    }

    /// Removes a step's note and asks the shell to purge it from the history and backups too.
    pub(super) fn forget_note(&mut self, step: &str) {
        if self.acct().note(step).is_none() {
            return self.err("This step has no note to forget.");
        }
        let now = self.now;
        match self.op(|a, cl| a.forget_note(cl, step, now)) {
            Ok(old) => {
                self.forget = Some((step.to_string(), old));
                self.dirty = true;
                // The history on screen held the note: read it again after the purge.
                self.history_loaded = false;
                self.saved_history.clear();
                self.refresh();
                self.ok("Note forgotten: removed from the state, the history and the backup.");
            }
            Err(e) => self.err(e.to_string()),
        }
    }

    /// Events saved by the shell: they move from the account's unsaved list to the history.
    pub fn events_saved(&mut self, events: Vec<Event>) {
        self.saved_history
            .extend(events.into_iter().map(|e| (e, None)));
    }

    /// Runs a domain operation on the current account (the checklist is borrowed, not cloned).
    fn op<R>(&mut self, f: impl FnOnce(&mut Account, &Checklist) -> R) -> R {
        let acct = self
            .state
            .accounts
            .get_mut(&self.account)
            .expect("account exists");
        f(acct, &self.cl)
    }

    pub fn screen(&self) -> &Screen {
        self.stack.last().expect("stack never empty")
    }

    fn screen_mut(&mut self) -> &mut Screen {
        self.stack.last_mut().expect("stack never empty")
    }

    /// The kind of the current screen: what the keymap, the footer and the help are scoped by.
    pub fn kind(&self) -> ScreenKind {
        self.screen().kind()
    }

    /// The row under the current screen's cursor (0 on a screen without a list).
    pub fn cursor(&self) -> usize {
        self.screen().cursor()
    }

    /// Moves the current screen's cursor (nothing on a screen without a list).
    fn set_cursor(&mut self, at: usize) {
        if let Some(c) = self.screen_mut().cursor_mut() {
            *c = at;
        }
    }

    /// The current screen's details scroll offset.
    pub fn scroll(&self) -> u16 {
        self.screen().scroll()
    }

    fn set_scroll(&mut self, to: u16) {
        if let Some(s) = self.screen_mut().scroll_mut() {
            *s = to;
        }
    }

    /// The accounts screen's rows, while it is shown.
    pub fn overview(&self) -> Option<&Overview> {
        match self.screen() {
            Screen::Accounts { overview, .. } => Some(overview),
            _ => None,
        }
    }

    /// The checklists offered on the first run: those of the choice on the stack (empty when
    /// there is none).
    pub fn choices(&self) -> &[Loaded] {
        self.stack
            .iter()
            .rev()
            .find_map(|s| match s {
                Screen::Checklists { choices, .. } => Some(choices.as_slice()),
                _ => None,
            })
            .unwrap_or(&[])
    }

    /// The review finding the emergency steps were opened for, the incident's first log entry
    /// once it is started.
    pub fn finding(&self) -> Option<&str> {
        match self.screen() {
            Screen::Compromise { finding, .. } => finding.as_deref(),
            _ => None,
        }
    }

    /// Opens a screen on top. The one it covers keeps its cursor, scrolled back to the top.
    fn push(&mut self, s: Screen) {
        self.set_scroll(0);
        self.stack.push(s);
    }

    fn replace(&mut self, s: Screen) {
        *self.screen_mut() = s;
    }

    /// Back quits here: on the first screen (nothing below it), and on the first run's choice
    /// of a checklist (leaving it creates nothing). The footer and help say "quit" then.
    pub fn back_quits(&self) -> bool {
        self.stack.len() == 1 || matches!(self.screen(), Screen::Checklists { .. })
    }

    fn back(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        } else {
            self.quit = true;
        }
    }

    fn ok(&mut self, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            error: false,
            short: None,
        });
    }

    fn err(&mut self, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            error: true,
            short: None,
        });
    }

    /// An operation's error; a refused secret comes with its short form too.
    fn err_op(&mut self, e: &crate::state::OpError) {
        self.flash = Some(Flash {
            text: e.to_string(),
            error: true,
            short: match e {
                crate::state::OpError::Secret(s) => Some(s.brief()),
                _ => None,
            },
        });
    }

    /// Steps of a section that apply to this account.
    pub fn visible_steps<'a>(&'a self, section: &'a Section) -> Vec<&'a Step> {
        self.acct().applicable(section).collect()
    }

    /// Number of rows in the current list, for cursor bounds.
    pub fn rows(&self) -> usize {
        match self.screen() {
            // The sections, then the Next up entries.
            // (only those on screen: a terminal too short for Next up keeps to the sections).
            Screen::Dashboard { .. } if !self.hits.next_hidden => {
                self.cl.sections.len() + self.summary.next.items.len()
            }
            Screen::Dashboard { .. } => self.cl.sections.len(),
            Screen::Review { section, .. } => self
                .cl
                .section(section.as_str())
                .map_or(0, |s| self.visible_steps(s).len()),
            Screen::Emergency { .. } | Screen::Compromise { .. } => {
                self.cl.emergency().map_or(0, |s| s.steps.len())
            }
            Screen::History { .. } => self.events().count(),
            Screen::Personas { selected, .. } => selected.len(),
            Screen::Checklists { choices, .. } => choices.len(),
            Screen::Accounts { overview, .. } => overview.accounts.len(),
            Screen::Score { .. }
            | Screen::ConfirmChecklist { .. }
            | Screen::Notices { .. }
            | Screen::ReminderOffer { .. }
            | Screen::ReminderResult { .. } => 0,
            // The steps and, last, the section's end.
            Screen::Walkthrough { .. } | Screen::SectionEnd { .. } => self
                .walk_section()
                .map_or(0, |s| self.visible_steps(s).len() + 1),
        }
    }

    /// The step under the cursor on the review or emergency screen.
    pub fn selected_step(&self) -> Option<(&Section, &Step)> {
        match self.screen() {
            Screen::Review {
                section, cursor, ..
            } => {
                let s = self.cl.section(section.as_str())?;
                self.visible_steps(s).get(*cursor).map(|st| (s, *st))
            }
            Screen::Emergency { cursor, .. } | Screen::Compromise { cursor, .. } => {
                let s = self.cl.emergency()?;
                s.steps.get(*cursor).map(|st| (s, st))
            }
            _ => self.current_step().map(|(s, st, _, _)| (s, st)),
        }
    }

    /// Steps the open incident reopened that still wait for re-verification.
    pub fn reverify_count(&self) -> usize {
        self.summary.next.reverify
    }

    fn start_input(&mut self, kind: InputKind, text: &str) {
        self.input = Some(Input::new(kind, text));
    }

    /// Recomputes the derived values after a change.
    fn refresh(&mut self) {
        self.summary = Summary::compute(&self.cl, self.acct(), self.today);
        if matches!(self.screen(), Screen::Accounts { .. }) {
            let fresh = self.compute_overview();
            if let Screen::Accounts { overview, .. } = self.screen_mut() {
                *overview = fresh;
            }
        }
        // The emergency steps follow the account: an incident started or ended (here or by
        // another lockstep) turns the preview into the incident's screen and back.
        self.follow_incident();
    }

    /// Applies one action.
    pub fn update(&mut self, action: Action) {
        match action {
            Action::Tick { now, today } => {
                self.now = now;
                if today != self.today {
                    self.today = today;
                    self.refresh();
                }
                return;
            }
            Action::Rendered(hits) => {
                self.hits = hits;
                self.set_scroll(self.scroll().min(hits.scroll_max));
                // A terminal made too short for what the cursor was on (Next up): back in range.
                let rows = self.rows();
                if rows > 0 && self.cursor() >= rows {
                    self.set_cursor(rows - 1);
                }
                return;
            }
            Action::Quit => {
                match &mut self.input {
                    Some(i) if !i.text().is_empty() && !i.quit_asked => {
                        i.quit_asked = true;
                        self.err("You have typed text that is not saved. Enter saves it, Esc drops it, Ctrl-C again quits without it.");
                    }
                    _ => self.quit = true,
                }
                return;
            }
            _ => {
                if let Some(i) = &mut self.input {
                    i.quit_asked = false;
                }
            }
        }
        if action == Action::Compromised {
            self.compromised();
        } else if self.input.is_some() {
            self.update_input(action);
        } else if self.help {
            // Any key closes help (except those handled above).
            self.help = false;
        } else {
            self.update_screen(action);
        }
        self.refresh();
    }

    /// Called by the shell after trying to save.
    /// Another lockstep saved `state` (a command such as `lockstep compromised`, or another TUI):
    /// shown from now on, never overwritten. Taken only while nothing of this session is unsaved
    /// (the next save would merge it anyway), and only while the account shown still exists (a
    /// rename or removal elsewhere is said instead).
    pub fn reloaded(&mut self, state: State) {
        if self.dirty {
            return;
        }
        if !state.accounts.contains_key(&self.account) {
            self.flash = Some(Flash {
                text: format!(
                    "Account '{}' was renamed or removed by another lockstep: restart to see it",
                    crate::guard::line(&self.account)
                ),
                error: true,
                short: None,
            });
            return;
        }
        self.state = state;
        self.refresh();
    }

    pub fn saved(&mut self, result: Result<(), ShellError>) {
        // A save may merge in changes another lockstep made (or, on a conflict, bring back what
        // is on disk): derived values follow the state as saved.
        self.refresh();
        match result {
            Ok(()) => {
                self.dirty = false;
                self.save_error = None;
            }
            Err(e) => self.save_error = Some(e),
        }
    }
}

/// The checklist with every control and bidi character in its text shown as an escape
/// (`\u{202e}`), as the command line shows them: a checklist file cannot reorder or hide text on
/// the screen.
fn visible(cl: Checklist) -> Checklist {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s) => {
                if let std::borrow::Cow::Owned(c) = crate::guard::clean(s, true) {
                    *s = c;
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            serde_json::Value::Object(o) => o.values_mut().for_each(walk),
            _ => {}
        }
    }
    let Ok(mut v) = serde_json::to_value(&cl) else {
        return cl;
    };
    walk(&mut v);
    serde_json::from_value(v).unwrap_or(cl)
}

/// A setup step still to act on: to do, skipped, or to re-verify.
pub fn is_open(s: &Status) -> bool {
    matches!(
        s,
        Status::Todo | Status::Skipped { .. } | Status::Reverify { .. }
    )
}
