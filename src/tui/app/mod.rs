//! TUI state machine (Elm-style): `App::update(Action)` changes state; no IO, no clock reads.
//! Derived values are recomputed into [`Summary`] after every change, so rendering only draws.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

mod accounts;
mod changes;
mod dispatch;
mod first_run;
mod offer;
mod types;

pub use super::input::{Input, InputKind};
pub use super::summary::{NextItem, NextUp, ReviewView, Summary};
use crate::checklist::{Checklist, Loaded, Origin, Resolved, Section, SectionKind, Step};
use crate::export::Overview;
use crate::state::{Account, Event, State, Status};
pub use offer::Offer;
pub use types::{Action, Flash, Hits, ListHit, ReminderResult, Screen, ScreenKind, ShellError};

/// Every account's checklist as the shell resolved it, or why it cannot be used.
pub type Checklists = BTreeMap<String, Result<Resolved, String>>;

#[derive(Debug, Clone)]
pub struct App {
    pub cl: Checklist,
    /// Where the current account's checklist comes from (shown in the header and walkthrough).
    pub origin: Origin,
    /// Every account's checklist, for the accounts screen and switching.
    pub checklists: Checklists,
    /// The accounts screen's rows, computed while it is shown.
    pub overview: Option<Overview>,
    /// Notices for accounts not shown yet, said when the user opens them.
    pending_notices: BTreeMap<String, Vec<String>>,
    pub state: State,
    pub account: String,
    pub stack: Vec<Screen>,
    pub cursor: usize,
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
    /// Scroll offset of the detail pane (reset when the selection changes).
    pub scroll: u16,
    /// Score, reviews and next steps, recomputed after every change.
    pub summary: Summary,
    /// The layout of the last render.
    pub hits: Hits,
    /// The walkthrough list was toggled with Tab (None: shown when the terminal is wide).
    pub show_list: Option<bool>,
    /// Ctrl-C was pressed once with text in the prompt: a second one quits.
    quit_asked: bool,
    /// Cursor positions of the screens below the current one, restored on the way back.
    cursors: Vec<usize>,
    /// Checklists offered on the first run (empty when there is no choice to make).
    pub choices: Vec<Loaded>,
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
    /// A review finding marked "something looks wrong": the first log entry of the incident
    /// once it is started (dropped when the emergency screen is left without starting one).
    pub finding: Option<String>,
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
            account.to_string(),
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
            overview: None,
            pending_notices: BTreeMap::new(),
            state,
            account: account.to_string(),
            stack: vec![Screen::Dashboard],
            cursor: 0,
            help: false,
            input: None,
            flash: None,
            dirty: false,
            save_error: None,
            quit: false,
            now,
            today,
            color: true,
            scroll: 0,
            summary,
            hits: Hits::default(),
            show_list: None,
            quit_asked: false,
            cursors: Vec::new(),
            choices: Vec::new(),
            saved_history: Vec::new(),
            history_loaded: false,
            forget: None,
            offer: Offer::Off,
            finding: None,
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
        !self.history_loaded && matches!(self.screen(), Screen::History)
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

    /// The kind of the current screen, telling the emergency screen before an incident is
    /// started ([`ScreenKind::Compromise`]) from the one of an open incident.
    pub fn kind(&self) -> ScreenKind {
        match self.screen() {
            Screen::Emergency if self.acct().open_incident().is_none() => ScreenKind::Compromise,
            s => s.kind(),
        }
    }

    fn push(&mut self, s: Screen) {
        self.stack.push(s);
        self.cursors.push(self.cursor);
        self.cursor = 0;
    }

    fn replace(&mut self, s: Screen) {
        *self.stack.last_mut().expect("stack never empty") = s;
    }

    fn back(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
            self.cursor = self.cursors.pop().unwrap_or(0);
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

    /// The walkthrough's section (on its steps or at its end).
    pub fn walk_section(&self) -> Option<&Section> {
        match self.screen() {
            Screen::Walkthrough { section, .. } | Screen::SectionEnd { section } => {
                self.cl.section(section)
            }
            _ => None,
        }
    }

    /// Number of rows in the current list, for cursor bounds.
    pub fn rows(&self) -> usize {
        match self.screen() {
            // The sections, then the Next up entries.
            Screen::Dashboard => self.cl.sections.len() + self.summary.next.items.len(),
            Screen::Review { section } => self
                .cl
                .section(section)
                .map_or(0, |s| self.visible_steps(s).len()),
            Screen::Emergency => self.cl.emergency().map_or(0, |s| s.steps.len()),
            Screen::History => self.events().count(),
            Screen::Personas { selected, .. } => selected.len(),
            Screen::Score => 0,
            Screen::Checklists => self.choices.len(),
            Screen::Accounts => self.overview.as_ref().map_or(0, |o| o.accounts.len()),
            Screen::ConfirmChecklist { .. } | Screen::Notices { .. } | Screen::Reminder { .. } => 0,
            // The steps and, last, the section's end.
            Screen::Walkthrough { .. } | Screen::SectionEnd { .. } => self
                .walk_section()
                .map_or(0, |s| self.visible_steps(s).len() + 1),
        }
    }

    /// The current walkthrough section and step, if on a step.
    pub fn current_step(&self) -> Option<(&Section, &Step, usize, usize)> {
        let Screen::Walkthrough { section, index } = self.screen() else {
            return None;
        };
        let s = self.cl.section(section)?;
        let steps = self.visible_steps(s);
        let i = (*index).min(steps.len().checked_sub(1)?);
        Some((s, steps[i], i, steps.len()))
    }

    /// The step under the cursor on the review or emergency screen.
    pub fn selected_step(&self) -> Option<(&Section, &Step)> {
        match self.screen() {
            Screen::Review { section } => {
                let s = self.cl.section(section)?;
                self.visible_steps(s).get(self.cursor).map(|st| (s, *st))
            }
            Screen::Emergency => {
                let s = self.cl.emergency()?;
                s.steps.get(self.cursor).map(|st| (s, st))
            }
            _ => self.current_step().map(|(s, st, _, _)| (s, st)),
        }
    }

    /// Steps of the walkthrough section still open (to do, skipped or to re-verify), with their
    /// 0-based position in the section.
    pub fn open_steps(&self) -> Vec<(usize, &Step)> {
        self.walk_section().map_or_else(Vec::new, |s| {
            self.visible_steps(s)
                .into_iter()
                .enumerate()
                .filter(|(_, t)| is_open(self.acct().status(&t.id)))
                .collect()
        })
    }

    /// The next setup section after the walkthrough's one (wrapping around) with open steps.
    pub fn next_unfinished(&self) -> Option<&Section> {
        let current = self.walk_section()?;
        let setup: Vec<&Section> = self.cl.sections_of(SectionKind::Setup).collect();
        let at = setup.iter().position(|s| s.id == current.id)?;
        (1..setup.len())
            .map(|k| setup[(at + k) % setup.len()])
            .find(|s| {
                self.visible_steps(s)
                    .iter()
                    .any(|t| is_open(self.acct().status(&t.id)))
            })
    }

    /// Steps the open incident reopened that still wait for re-verification.
    pub fn reverify_count(&self) -> usize {
        self.summary.next.reverify
    }

    fn open_personas(&mut self, first_run: bool) {
        let chosen = &self.acct().personas;
        let selected = self
            .cl
            .personas
            .iter()
            .map(|p| chosen.contains(&p.id))
            .collect();
        self.push(Screen::Personas {
            selected,
            first_run,
        });
    }

    /// Opens a setup section at its first step not done yet.
    fn walk(&mut self, id: &str, replace: bool) {
        let Some(s) = self.cl.section(id) else { return };
        let steps = self.visible_steps(s);
        if steps.is_empty() {
            self.err("No steps of this section apply to your personas (press p to change them).");
            return;
        }
        let index = steps
            .iter()
            .position(|st| !self.acct().status(&st.id).is_done())
            .unwrap_or(0);
        let screen = Screen::Walkthrough {
            section: id.to_string(),
            index,
        };
        if replace {
            self.replace(screen);
        } else {
            self.push(screen);
        }
    }

    fn open_section(&mut self) {
        let Some(s) = self.cl.sections.get(self.cursor) else {
            return self.open_next_item();
        };
        let id = s.id.clone();
        match s.kind {
            SectionKind::Setup => self.walk(&id, false),
            SectionKind::Recurring | SectionKind::Event => {
                self.push(Screen::Review { section: id })
            }
            SectionKind::Emergency => self.compromised(),
        }
    }

    /// `Enter` on a Next up entry: the incident's steps, the review, or the walkthrough at the
    /// step.
    fn open_next_item(&mut self) {
        let i = self.cursor - self.cl.sections.len();
        let Some(item) = self.summary.next.items.get(i).cloned() else {
            return;
        };
        match item {
            NextItem::Incident => self.compromised(),
            NextItem::Review(section) => self.push(Screen::Review { section }),
            NextItem::Setup { section, step } => {
                let Some(s) = self.cl.section(&section) else {
                    return;
                };
                let index = self
                    .visible_steps(s)
                    .iter()
                    .position(|t| t.id == step)
                    .unwrap_or(0);
                self.push(Screen::Walkthrough { section, index });
            }
        }
    }

    /// `!` or the compromise row: the emergency screen at once. Nothing is recorded: an open
    /// incident is shown, otherwise the steps wait for an explicit start (S).
    fn compromised(&mut self) {
        // On the accounts screen, `!` is for the account the person is looking at: the selected
        // row, not the one opened before.
        if matches!(self.screen(), Screen::Accounts) && self.input.is_none() && !self.help {
            let selected = self
                .overview
                .as_ref()
                .and_then(|o| o.accounts.get(self.cursor))
                .map(|r| r.name.clone());
            if let Some(name) = selected
                && name != self.account
            {
                self.switch_to(&name);
                if self.account != name {
                    // Its checklist cannot be used: switch_to said why.
                    return;
                }
            }
        }
        if self.cl.emergency().is_none() {
            self.err("This checklist has no emergency section.");
            return;
        }
        self.help = false;
        // The reminder question can wait: it goes, unanswered, and comes back next time.
        self.drop_reminder_offer();
        if self.screen().kind() != ScreenKind::Emergency {
            self.push(Screen::Emergency);
            // The cursor starts on the first step not done yet (step 1 before an incident):
            // Space there marks it, and never undoes a done one.
            self.cursor = self.first_open_emergency_step();
        }
    }

    /// The first emergency step the open incident has not marked done (0 when none is open, or
    /// every step is done).
    pub fn first_open_emergency_step(&self) -> usize {
        let (Some(em), Some(inc)) = (self.cl.emergency(), self.acct().open_incident()) else {
            return 0;
        };
        em.steps
            .iter()
            .position(|t| !inc.steps.contains_key(&t.id))
            .unwrap_or(0)
    }

    fn start_input(&mut self, kind: InputKind, text: &str) {
        self.input = Some(Input::new(kind, text));
    }

    /// Recomputes the derived values after a change.
    fn refresh(&mut self) {
        self.summary = Summary::compute(&self.cl, self.acct(), self.today);
        if matches!(self.screen(), Screen::Accounts) {
            self.overview = Some(self.compute_overview());
        }
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
                self.scroll = self.scroll.min(hits.scroll_max);
                return;
            }
            Action::Quit => {
                let typed = self.input.as_ref().is_some_and(|i| !i.text().is_empty());
                if typed && !self.quit_asked {
                    self.quit_asked = true;
                    self.err("You have typed text that is not saved. Enter saves it, Esc drops it, Ctrl-C again quits without it.");
                } else {
                    self.quit = true;
                }
                return;
            }
            _ => self.quit_asked = false,
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

    /// Goes to step `i` of the walkthrough section (from a step or from the section's end);
    /// past the last step is the section's end.
    fn go_step(&mut self, i: usize) {
        if let Some(s) = self.walk_section() {
            let section = s.id.clone();
            if i + 1 >= self.rows() {
                self.replace(Screen::SectionEnd { section });
            } else {
                self.replace(Screen::Walkthrough { section, index: i });
            }
        }
    }

    fn section_end(&mut self) {
        if let Some(s) = self.walk_section() {
            let section = s.id.clone();
            self.replace(Screen::SectionEnd { section });
        }
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
