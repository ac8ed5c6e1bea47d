//! TUI state machine (Elm-style): `App::update(Action)` changes state; no IO, no clock reads.

use chrono::{DateTime, NaiveDate, Utc};

use crate::checklist::{Checklist, Section, SectionKind, Step};
use crate::schedule;
use crate::state::{Account, State, Status};

/// The kinds of screen, used by the keymap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenKind {
    Dashboard,
    Walkthrough,
    Review,
    Emergency,
    History,
    Personas,
    Score,
    Checklists,
}

impl ScreenKind {
    pub const ALL: &'static [ScreenKind] = &[
        ScreenKind::Checklists,
        ScreenKind::Dashboard,
        ScreenKind::Walkthrough,
        ScreenKind::Review,
        ScreenKind::Emergency,
        ScreenKind::History,
        ScreenKind::Personas,
        ScreenKind::Score,
    ];
}

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Dashboard,
    /// One setup step at a time; `index` into the section's applicable steps.
    Walkthrough {
        section: String,
        index: usize,
    },
    Review {
        section: String,
    },
    Emergency,
    History,
    Personas {
        selected: Vec<bool>,
    },
    Score,
    /// First run: which checklist this account follows (only when there is a choice).
    Checklists,
}

impl Screen {
    pub fn kind(&self) -> ScreenKind {
        match self {
            Screen::Dashboard => ScreenKind::Dashboard,
            Screen::Walkthrough { .. } => ScreenKind::Walkthrough,
            Screen::Review { .. } => ScreenKind::Review,
            Screen::Emergency => ScreenKind::Emergency,
            Screen::History => ScreenKind::History,
            Screen::Personas { .. } => ScreenKind::Personas,
            Screen::Score => ScreenKind::Score,
            Screen::Checklists => ScreenKind::Checklists,
        }
    }
}

/// Everything the user can do; produced by the keymap (or mouse, or the clock).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    Up,
    Down,
    Prev,
    Next,
    Open,
    Confirm,
    Done,
    Skip,
    NotApplicable,
    Note,
    Ticket,
    CloseIncident,
    Snooze,
    History,
    Score,
    Personas,
    Compromised,
    Help,
    Back,
    Quit,
    ScrollDown,
    ScrollUp,
    /// Select a row of the current list (mouse click).
    Select(usize),
    InputChar(char),
    InputBackspace,
    /// Ctrl-U: clear the prompt.
    InputClear,
    InputSubmit,
    InputCancel,
    /// The clock moved (sent by the shell).
    Tick {
        now: DateTime<Utc>,
        today: NaiveDate,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum InputKind {
    Note { step: String },
    Skip { step: String },
    IncidentNote,
    Ticket,
    CloseIncident,
}

impl InputKind {
    pub fn prompt(&self) -> &'static str {
        match self {
            InputKind::Note { .. } => "Note (never a password, seed phrase or 2FA secret)",
            InputKind::Skip { .. } => "Why skip this step?",
            InputKind::IncidentNote => "Incident note",
            InputKind::Ticket => "Support ticket number",
            InputKind::CloseIncident => "How was it resolved? (closes the incident)",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub kind: InputKind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
}

#[derive(Debug, Clone)]
pub struct App {
    pub cl: Checklist,
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
    pub save_error: Option<String>,
    pub quit: bool,
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub color: bool,
    /// Scroll offset of the detail pane (reset when the selection changes).
    pub scroll: u16,
    /// Largest useful scroll offset, as found by the last render of the detail pane.
    pub scroll_max: std::cell::Cell<u16>,
    /// Cursor positions of the screens below the current one, restored on the way back.
    cursors: Vec<usize>,
    /// Checklists offered on the first run (empty when there is no choice to make).
    pub choices: Vec<Checklist>,
    /// This account's saved history: read from the log when the history screen first opens
    /// (the shell loads it, see [`App::wants_history`]), plus what this session saved since.
    pub history: Vec<crate::state::Event>,
    pub history_loaded: bool,
}

/// Largest detail-pane scroll offset.
const MAX_SCROLL: u16 = 500;

impl App {
    /// `state` must contain `account` (the shell creates it on first run).
    pub fn new(
        cl: Checklist,
        state: State,
        account: &str,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> App {
        assert!(state.accounts.contains_key(account), "account exists");
        let mut app = App {
            cl,
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
            scroll_max: std::cell::Cell::new(MAX_SCROLL),
            cursors: Vec::new(),
            choices: Vec::new(),
            history: Vec::new(),
            history_loaded: false,
        };
        if !app.acct().personas_chosen && !app.cl.personas.is_empty() {
            app.open_personas();
        }
        app
    }

    /// First run of a new account: offer these checklists before anything else (if more than one).
    pub fn offer_checklists(&mut self, choices: Vec<Checklist>) {
        if choices.len() > 1 {
            let at = choices.iter().position(|c| c.id == self.cl.id).unwrap_or(0);
            self.choices = choices;
            self.push(Screen::Checklists);
            self.cursor = at;
        }
    }

    /// The new account follows the checklist under the cursor. Only before any progress.
    fn choose_checklist(&mut self) {
        let Some(chosen) = self.choices.get(self.cursor).cloned() else {
            return;
        };
        let fresh = self.acct().new_events.len() <= 1 && self.acct().steps.is_empty();
        // Choosing is what creates the account on disk (leaving the question saves nothing).
        self.dirty = true;
        if fresh && chosen.id != self.cl.id {
            let id = chosen.id.clone();
            self.op(|a, _| {
                a.checklist = id.clone();
                if let Some(crate::state::Event {
                    kind: crate::state::EventKind::AccountCreated { checklist },
                    ..
                }) = a.new_events.first_mut()
                {
                    *checklist = id;
                }
            });
            self.cl = chosen;
        }
        self.choices.clear();
        self.back();
        if let Some(Screen::Personas { selected }) = self.stack.last_mut() {
            // Persona ids may differ between checklists.
            *selected = vec![false; self.cl.personas.len()];
        } else if !self.acct().personas_chosen && !self.cl.personas.is_empty() {
            self.open_personas();
        }
        self.ok(format!("Following: {}.", self.cl.title));
    }

    pub fn acct(&self) -> &Account {
        &self.state.accounts[&self.account]
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

    fn push(&mut self, s: Screen) {
        self.stack.push(s);
        self.cursors.push(self.cursor);
        self.cursor = 0;
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
        });
    }

    fn err(&mut self, text: impl Into<String>) {
        self.flash = Some(Flash {
            text: text.into(),
            error: true,
        });
    }

    /// Every known event of this account, oldest first: the saved history and unsaved changes.
    pub fn events(&self) -> impl DoubleEndedIterator<Item = &crate::state::Event> {
        self.history.iter().chain(&self.acct().new_events)
    }

    /// True when the history screen is open but the history has not been read yet: the shell
    /// reads it and calls [`App::history_read`].
    pub fn wants_history(&self) -> bool {
        !self.history_loaded && matches!(self.screen(), Screen::History)
    }

    /// The history as read from the log (it includes everything saved so far).
    pub fn history_read(&mut self, events: Vec<crate::state::Event>) {
        self.history = events;
        self.history_loaded = true;
    }

    /// Steps of a section that apply to this account's personas.
    pub fn visible_steps<'a>(&'a self, section: &'a Section) -> Vec<&'a Step> {
        self.acct().applicable(section).collect()
    }

    /// Number of rows in the current list, for cursor bounds.
    pub fn rows(&self) -> usize {
        match self.screen() {
            Screen::Dashboard => self.cl.sections.len(),
            Screen::Review { section } => self
                .cl
                .section(section)
                .map_or(0, |s| self.visible_steps(s).len()),
            Screen::Emergency => self.cl.emergency().map_or(0, |s| s.steps.len()),
            Screen::History => self.events().count(),
            Screen::Personas { selected } => selected.len(),
            Screen::Score => 0,
            Screen::Checklists => self.choices.len(),
            Screen::Walkthrough { .. } => 0,
        }
    }

    /// The current walkthrough section and step, if on that screen.
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

    fn open_personas(&mut self) {
        let chosen = &self.acct().personas;
        let selected = self
            .cl
            .personas
            .iter()
            .map(|p| chosen.contains(&p.id))
            .collect();
        self.push(Screen::Personas { selected });
    }

    fn open_section(&mut self) {
        let Some(s) = self.cl.sections.get(self.cursor) else {
            return;
        };
        let id = s.id.clone();
        match s.kind {
            SectionKind::Setup => {
                // Start at the first step not done yet.
                let steps = self.visible_steps(s);
                let index = steps
                    .iter()
                    .position(|st| !self.acct().status(&st.id).is_done())
                    .unwrap_or(0);
                if steps.is_empty() {
                    self.err(
                        "No steps of this section apply to your personas (press p to change them).",
                    );
                    return;
                }
                self.push(Screen::Walkthrough { section: id, index });
            }
            SectionKind::Recurring | SectionKind::Event => {
                self.push(Screen::Review { section: id })
            }
            SectionKind::Emergency => self.compromised(),
        }
    }

    fn compromised(&mut self) {
        if self.cl.emergency().is_none() {
            self.err("This checklist has no emergency section.");
            return;
        }
        let now = self.now;
        let had_open = self.acct().open_incident().is_some();
        let id = self.op(|a, cl| a.open_compromise(cl, now));
        if !had_open {
            self.dirty = true;
            self.ok(format!(
                "Incident #{id} opened. Lock the account first. Every setup step is reopened for re-verification."
            ));
        }
        if self.screen().kind() != ScreenKind::Emergency {
            self.push(Screen::Emergency);
        }
        self.help = false;
        self.input = None;
    }

    fn start_input(&mut self, kind: InputKind) {
        self.input = Some(Input {
            kind,
            text: String::new(),
        });
    }

    /// Applies one action.
    pub fn update(&mut self, action: Action) {
        if let Action::Tick { now, today } = action {
            self.now = now;
            self.today = today;
            return;
        }
        if action == Action::Quit {
            self.quit = true;
            return;
        }
        if action == Action::Compromised {
            self.compromised();
            return;
        }
        if self.input.is_some() {
            self.update_input(action);
            return;
        }
        if self.help {
            // Any key closes help (except those handled above).
            self.help = false;
            return;
        }
        if !matches!(action, Action::Select(_)) {
            self.flash = None;
        }
        if !matches!(action, Action::ScrollDown | Action::ScrollUp) {
            self.scroll = 0;
        }
        let rows = self.rows();
        match action {
            Action::ScrollDown => {
                self.scroll = (self.scroll + 5).min(self.scroll_max.get()).min(MAX_SCROLL)
            }
            Action::ScrollUp => self.scroll = self.scroll.saturating_sub(5),
            // The score screen is one long page: arrows scroll it.
            Action::Down if self.screen().kind() == ScreenKind::Score => {
                self.scroll = (self.cursor as u16 + 1).min(MAX_SCROLL);
                self.cursor = self.scroll as usize;
            }
            Action::Up if self.screen().kind() == ScreenKind::Score => {
                self.cursor = self.cursor.saturating_sub(1);
                self.scroll = self.cursor as u16;
            }
            Action::Confirm if self.screen().kind() == ScreenKind::Checklists => {
                self.choose_checklist()
            }
            Action::Help => self.help = true,
            // Leaving the first question quits without creating anything.
            Action::Back if self.screen().kind() == ScreenKind::Checklists => self.quit = true,
            Action::Back => {
                if let Screen::Personas { .. } = self.screen()
                    && !self.acct().personas_chosen
                {
                    // First run: leaving without choosing means "no persona" (everyone's steps).
                    self.confirm_personas();
                    return;
                }
                self.back()
            }
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => self.cursor = (self.cursor + 1).min(rows.saturating_sub(1)),
            Action::Select(i) if i < rows => self.cursor = i,
            Action::Prev | Action::Next => {
                if let Some((_, _, i, n)) = self.current_step() {
                    let j = if action == Action::Prev {
                        i.saturating_sub(1)
                    } else {
                        (i + 1).min(n - 1)
                    };
                    if let Some(Screen::Walkthrough { index, .. }) = self.stack.last_mut() {
                        *index = j;
                    }
                }
            }
            Action::Open => self.open_section(),
            Action::History => self.push(Screen::History),
            Action::Score => self.push(Screen::Score),
            Action::Personas => self.open_personas(),
            Action::Confirm => self.confirm_personas(),
            Action::Done => self.done(),
            Action::Skip => {
                if let Some((_, st, _, _)) = self.current_step() {
                    let step = st.id.clone();
                    self.start_input(InputKind::Skip { step });
                }
            }
            Action::NotApplicable => {
                if let Some((_, st, _, _)) = self.current_step() {
                    let (step, now) = (st.id.clone(), self.now);
                    let undo = matches!(self.acct().status(&step), Status::NotApplicable { .. });
                    let result = if undo {
                        self.op(|a, cl| a.uncheck(cl, &step, now)).map(|_| ())
                    } else {
                        self.op(|a, cl| a.not_applicable(cl, &step, now))
                    };
                    match result {
                        Ok(()) if undo => {
                            self.dirty = true;
                            self.ok("Applies to you again: back to to-do.");
                        }
                        Ok(()) => {
                            self.dirty = true;
                            self.update(Action::Next);
                            self.ok("Marked not applicable: it no longer counts toward the score (x again to undo).");
                        }
                        Err(e) => self.err(e.to_string()),
                    }
                }
            }
            Action::Note => match self.screen() {
                Screen::Emergency => self.start_input(InputKind::IncidentNote),
                _ => {
                    if let Some((_, st)) = self.selected_step() {
                        let step = st.id.clone();
                        let existing = self.acct().note(&step).unwrap_or_default().to_string();
                        self.start_input(InputKind::Note { step });
                        if let Some(i) = &mut self.input {
                            i.text = existing;
                        }
                    }
                }
            },
            Action::Ticket => self.start_input(InputKind::Ticket),
            Action::CloseIncident => {
                if let Some(inc) = self.acct().open_incident() {
                    let open = self.cl.emergency().map_or(0, |e| {
                        e.steps
                            .iter()
                            .filter(|t| !inc.steps.contains_key(&t.id))
                            .count()
                    });
                    self.start_input(InputKind::CloseIncident);
                    if open > 0 {
                        self.err(format!(
                            "{open} emergency step{} still open. Esc to go back, or type how it was resolved.",
                            if open == 1 { " is" } else { "s are" }
                        ));
                    }
                } else {
                    self.err("No incident is open.");
                }
            }
            Action::Snooze => self.snooze(),
            _ => {}
        }
    }

    fn confirm_personas(&mut self) {
        let Screen::Personas { selected } = self.screen() else {
            return;
        };
        let personas: Vec<String> = self
            .cl
            .personas
            .iter()
            .zip(selected)
            .filter(|(_, on)| **on)
            .map(|(p, _)| p.id.clone())
            .collect();
        let now = self.now;
        self.op(|a, _| a.set_personas(personas.clone(), now));
        self.dirty = true;
        self.back();
        self.quit = false;
        if personas.is_empty() {
            self.ok("Showing the steps for everyone. Press p to tailor them later.");
        } else {
            let titles: Vec<&str> = self
                .cl
                .personas
                .iter()
                .filter(|p| personas.contains(&p.id))
                .map(|p| p.title.as_str())
                .collect();
            self.ok(format!(
                "Tailored to: {}. Press p to change.",
                titles.join(", ")
            ));
        }
    }

    fn done(&mut self) {
        let (now, today) = (self.now, self.today);
        match self.screen().clone() {
            Screen::Walkthrough { .. } => {
                let Some((_, st, i, n)) = self.current_step() else {
                    return;
                };
                let step = st.id.clone();
                if self.acct().status(&step).is_done() {
                    if let Err(e) = self.op(|a, cl| a.uncheck(cl, &step, now)) {
                        return self.err(e.to_string());
                    }
                    self.dirty = true;
                    self.ok("Unchecked.");
                } else {
                    if let Err(e) = self.op(|a, cl| a.check(cl, &step, now)) {
                        return self.err(e.to_string());
                    }
                    self.dirty = true;
                    if i + 1 < n {
                        self.update(Action::Next);
                        self.ok(format!("Done. Step {} of {n} next.", i + 2));
                    } else {
                        let section = self.current_step().map(|(s, ..)| s.clone());
                        let remaining = section.map_or(0, |s| {
                            self.visible_steps(&s)
                                .iter()
                                .filter(|t| !self.acct().status(&t.id).is_done())
                                .count()
                        });
                        if remaining == 0 {
                            self.ok("Section complete. Press q to return to the dashboard.");
                        } else {
                            self.ok(format!(
                                "Done. {remaining} {} of this section still open.",
                                if remaining == 1 { "step" } else { "steps" }
                            ));
                        }
                    }
                }
            }
            Screen::Review { section } => {
                let Some((_, st)) = self.selected_step() else {
                    return;
                };
                let step = st.id.clone();
                match self.op(|a, cl| a.toggle_review_item(cl, &section, &step, now, today)) {
                    Ok(Some(date)) => {
                        self.dirty = true;
                        let every = self.cl.section(&section).and_then(|s| s.every_months);
                        match every {
                            Some(m) => self.ok(format!(
                                "Review recorded on {date}. Next due {}.",
                                schedule::add_months(date, m)
                            )),
                            None => self.ok(format!("Re-check recorded on {date}.")),
                        }
                    }
                    Ok(None) => {
                        self.dirty = true;
                        if self.cursor + 1 < self.rows() {
                            self.cursor += 1;
                        }
                    }
                    Err(e) => self.err(e.to_string()),
                }
            }
            Screen::Emergency => {
                let Some((_, st)) = self.selected_step() else {
                    return;
                };
                let step = st.id.clone();
                match self.op(|a, cl| a.toggle_emergency_step(cl, &step, now)) {
                    Ok(true) => {
                        self.dirty = true;
                        if self.cursor + 1 < self.rows() {
                            self.cursor += 1;
                        }
                    }
                    Ok(false) => self.dirty = true,
                    Err(e) => self.err(e.to_string()),
                }
            }
            Screen::Personas { .. } => {
                let c = self.cursor;
                if let Some(Screen::Personas { selected }) = self.stack.last_mut()
                    && let Some(v) = selected.get_mut(c)
                {
                    *v = !*v;
                }
            }
            _ => {}
        }
    }

    fn snooze(&mut self) {
        let Screen::Review { section } = self.screen().clone() else {
            return;
        };
        let (now, today) = (self.now, self.today);
        match self
            .op(|a, cl| schedule::snooze(a, cl, &section, schedule::MAX_SNOOZE_DAYS, today, now))
        {
            Ok(s) => {
                self.dirty = true;
                self.ok(format!(
                    "Reminder snoozed until {}; the schedule itself did not move.",
                    s.until
                ));
            }
            Err(crate::state::OpError::NotDue { .. }) => {
                self.err("Nothing to snooze: this review is not due yet.")
            }
            Err(e) => self.err(e.to_string()),
        }
    }

    fn update_input(&mut self, action: Action) {
        let Some(input) = &mut self.input else { return };
        match action {
            Action::InputChar(c) if !c.is_control() && input.text.chars().count() < 500 => {
                input.text.push(c);
            }
            Action::InputBackspace => {
                input.text.pop();
            }
            Action::InputClear => input.text.clear(),
            Action::InputCancel | Action::Back => self.input = None,
            Action::InputSubmit => {
                let input = self.input.take().expect("checked above");
                self.submit(input);
            }
            _ => {}
        }
    }

    fn submit(&mut self, input: Input) {
        let now = self.now;
        let text = input.text.trim().to_string();
        let result = self.op(|acct, cl| match &input.kind {
            InputKind::Note { step } => acct
                .set_note(cl, step, &text, now)
                .map(|_| "Note saved.".to_string()),
            InputKind::Skip { step } => acct.skip(cl, step, &text, now).map(|_| {
                "Skipped; it stays in the total until you do it or mark it not applicable.".into()
            }),
            InputKind::IncidentNote => acct
                .incident_note(&text, None, now)
                .map(|_| "Logged.".into()),
            InputKind::Ticket => acct
                .incident_note("", Some(&text), now)
                .map(|_| format!("Ticket {text} logged.")),
            InputKind::CloseIncident => acct
                .close_incident(&text, now)
                .map(|id| format!("Incident #{id} closed. Re-verify the reopened setup steps.")),
        });
        match result {
            Ok(msg) => {
                self.dirty = true;
                let skipped = matches!(input.kind, InputKind::Skip { .. });
                let closed = matches!(input.kind, InputKind::CloseIncident);
                self.ok(msg.clone());
                if skipped {
                    self.update(Action::Next);
                    self.ok(msg);
                } else if closed {
                    self.back();
                    self.quit = false;
                    self.ok(msg);
                }
            }
            Err(e) => {
                // Keep what was typed so the user can fix it (unless it was refused as a secret).
                let secret = matches!(e, crate::state::OpError::Secret(_));
                if !secret {
                    self.input = Some(input);
                }
                self.err(e.to_string());
            }
        }
    }

    /// Called by the shell after trying to save.
    pub fn saved(&mut self, result: Result<(), String>) {
        match result {
            Ok(()) => {
                self.dirty = false;
                self.save_error = None;
            }
            Err(e) => self.save_error = Some(e),
        }
    }
}
