//! The keymap tables: they map keys to actions and feed the footer and the help overlay. One
//! table for the screens ([`KEYMAP`], scoped by [`ScreenKind`]) and one for the open text prompt
//! ([`PROMPT`]).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::InputRequest;

use super::app::{Action, ScreenKind};

/// Which screens a binding works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    All,
    Only(&'static [ScreenKind]),
    /// Every screen but these (which bind the keys to something of their own).
    AllBut(&'static [ScreenKind]),
}

impl On {
    pub fn matches(self, s: ScreenKind) -> bool {
        match self {
            On::All => true,
            On::Only(list) => list.contains(&s),
            On::AllBut(list) => !list.contains(&s),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// The keys, those the help and footer show first (see [`Binding::label`]).
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How many of `keys` the label shows (0: all); the others are accepted too (the vi keys
    /// beside the arrows, F1 beside `?`).
    pub shown: usize,
    pub action: Action,
    pub on: On,
    pub help: &'static str,
    /// Short name shown in the footer.
    pub footer: &'static str,
}

/// Where the keys are shown, for the words that depend on it (see [`Binding::words`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    /// Back quits here (the first screen, see `App::back_quits`).
    pub first_screen: bool,
    /// The selected row is a review finding (Space answers "looks good").
    pub on_finding: bool,
}

impl Binding {
    /// The footer word and the help text, as they apply where they are shown: `Back` on the
    /// first screen quits; `Done` on a review finding answers "looks good".
    pub fn words(&self, at: Context) -> (&'static str, &'static str) {
        match self.action {
            Action::Back if at.first_screen => ("quit", "quit (progress is already saved)"),
            Action::Done if at.on_finding => (
                "looks good",
                "this finding looks good (checks the item; w if something looks wrong)",
            ),
            _ => (self.footer, self.help),
        }
    }
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
use ScreenKind::*;

macro_rules! b {
    ($keys:expr, $action:expr, $on:expr, $help:expr, $footer:expr) => {
        b!($keys, shown 0, $action, $on, $help, $footer)
    };
    ($keys:expr, shown $shown:literal, $action:expr, $on:expr, $help:expr, $footer:expr) => {
        Binding {
            keys: $keys,
            shown: $shown,
            action: $action,
            on: $on,
            help: $help,
            footer: $footer,
        }
    };
}

/// How one key is written in the help and the footer.
fn key_name(code: KeyCode, mods: KeyModifiers) -> String {
    match code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) if mods.contains(CTRL) => format!("Ctrl-{}", c.to_ascii_uppercase()),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    }
}

/// Keys as the help and the footer show them, derived from the key events: each key once (a
/// letter typed with or without Shift is one key), joined by `sep`; a run of digits as "1-9";
/// arrows next to each other side by side ("←↑").
fn keys_label(keys: impl Iterator<Item = (KeyCode, KeyModifiers)>, sep: &str) -> String {
    let mut names: Vec<String> = Vec::new();
    for (code, mods) in keys {
        let n = key_name(code, mods);
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let digits: Vec<u32> = names
        .iter()
        .filter_map(|n| n.parse::<u32>().ok().filter(|_| n.len() == 1))
        .collect();
    if names.len() > 2 && digits.len() == names.len() {
        return format!("{}-{}", digits[0], digits[digits.len() - 1]);
    }
    let arrow = |n: &str| matches!(n, "↑" | "↓" | "←" | "→");
    let mut shown: Vec<String> = Vec::new();
    for n in names {
        match shown.last_mut() {
            Some(last) if arrow(&n) && last.chars().all(|c| arrow(&c.to_string())) => {
                last.push_str(&n);
            }
            _ => shown.push(n),
        }
    }
    shown.join(sep)
}

impl Binding {
    /// The keys as the help and the footer show them (see [`keys_label`]), joined by "/".
    pub fn label(&self) -> String {
        let keys = match self.shown {
            0 => self.keys,
            n => &self.keys[..n.min(self.keys.len())],
        };
        keys_label(keys.iter().copied(), "/")
    }
}

/// Which modifiers a prompt key is taken with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mods {
    Exactly(KeyModifiers),
    /// With any modifiers (Enter and Esc, as terminals report them).
    Any,
}

/// One key of the text prompt and what it does.
#[derive(Debug, Clone, Copy)]
pub struct PromptKey {
    pub code: KeyCode,
    pub mods: Mods,
    pub action: Action,
}

/// Keys of the text prompt shown as one footer entry (`footer` None: taken, not shown).
#[derive(Debug, Clone, Copy)]
pub struct PromptBinding {
    pub keys: &'static [PromptKey],
    pub footer: Option<&'static str>,
}

impl PromptBinding {
    /// The keys as the footer shows them (see [`keys_label`]), joined by a space.
    pub fn label(&self) -> String {
        let key = |k: &PromptKey| match k.mods {
            Mods::Exactly(m) => (k.code, m),
            Mods::Any => (k.code, NONE),
        };
        keys_label(self.keys.iter().map(key), " ")
    }
}

macro_rules! prompt {
    ($code:expr, $mods:expr, $action:expr) => {
        PromptKey {
            code: $code,
            mods: $mods,
            action: $action,
        }
    };
}

/// The text prompt's own keys, in footer order. Every other key goes to the `tui-input` field,
/// which edits with these and more (Backspace, Delete, Ctrl-←/→, Ctrl-A/E/K, ...).
pub const PROMPT: &[PromptBinding] = &[
    PromptBinding {
        keys: &[prompt!(KeyCode::Enter, Mods::Any, Action::InputSubmit)],
        footer: Some("save"),
    },
    PromptBinding {
        keys: &[prompt!(KeyCode::Esc, Mods::Any, Action::InputCancel)],
        footer: Some("cancel"),
    },
    PromptBinding {
        keys: &[
            prompt!(
                KeyCode::Left,
                Mods::Exactly(NONE),
                Action::Edit(InputRequest::GoToPrevChar)
            ),
            prompt!(
                KeyCode::Right,
                Mods::Exactly(NONE),
                Action::Edit(InputRequest::GoToNextChar)
            ),
            prompt!(
                KeyCode::Home,
                Mods::Exactly(NONE),
                Action::Edit(InputRequest::GoToStart)
            ),
            prompt!(
                KeyCode::End,
                Mods::Exactly(NONE),
                Action::Edit(InputRequest::GoToEnd)
            ),
        ],
        footer: Some("move"),
    },
    PromptBinding {
        keys: &[prompt!(
            KeyCode::Char('w'),
            Mods::Exactly(CTRL),
            Action::Edit(InputRequest::DeletePrevWord)
        )],
        footer: Some("delete word"),
    },
    PromptBinding {
        keys: &[prompt!(
            KeyCode::Char('u'),
            Mods::Exactly(CTRL),
            Action::Edit(InputRequest::DeleteLine)
        )],
        footer: Some("clear"),
    },
    PromptBinding {
        keys: &[prompt!(
            KeyCode::Char('c'),
            Mods::Exactly(CTRL),
            Action::Quit
        )],
        footer: None,
    },
];

/// The action of a key of the text prompt's own (see [`PROMPT`]), or None for the field.
pub fn prompt_action(key: KeyEvent) -> Option<Action> {
    PROMPT.iter().flat_map(|b| b.keys).find_map(|k| {
        let mods = match k.mods {
            Mods::Exactly(m) => key.modifiers == m,
            Mods::Any => true,
        };
        (k.code == key.code && mods).then_some(k.action)
    })
}

/// A letter typed with or without Shift (terminals differ in reporting it).
macro_rules! upper {
    ($c:literal) => {
        &[(KeyCode::Char($c), SHIFT), (KeyCode::Char($c), NONE)]
    };
}

const DIGITS: &[(KeyCode, KeyModifiers)] = &[
    (KeyCode::Char('1'), NONE),
    (KeyCode::Char('2'), NONE),
    (KeyCode::Char('3'), NONE),
    (KeyCode::Char('4'), NONE),
    (KeyCode::Char('5'), NONE),
    (KeyCode::Char('6'), NONE),
    (KeyCode::Char('7'), NONE),
    (KeyCode::Char('8'), NONE),
    (KeyCode::Char('9'), NONE),
];

/// Screens with a list moved with the arrows (the walkthrough moves between steps instead).
const LISTS: On = On::Only(&[
    Dashboard, Review, Emergency, Compromise, History, Personas, Score, Checklists, Accounts,
]);
const STEPS: On = On::Only(&[Walkthrough, SectionEnd]);

/// Every key binding. Order = order in help and footer (the footer drops entries from the end,
/// keeping `!` and back, and then ends with "? more"); the first match wins.
pub const KEYMAP: &[Binding] = &[
    b!(
        &[(KeyCode::Char('!'), NONE), (KeyCode::Char('!'), SHIFT)],
        Action::Compromised,
        On::All,
        "compromised? the emergency steps (nothing recorded until S)",
        "compromised"
    ),
    b!(
        upper!('S'),
        Action::StartIncident,
        On::Only(&[Compromise]),
        "start the incident (records it, reopens done steps)",
        "start incident"
    ),
    b!(
        &[(KeyCode::Enter, NONE)],
        Action::Open,
        On::Only(&[Dashboard]),
        "open the selected section",
        "open"
    ),
    b!(
        &[(KeyCode::Enter, NONE)],
        Action::Open,
        On::Only(&[Accounts]),
        "switch to the selected account",
        "open"
    ),
    b!(
        &[(KeyCode::Enter, NONE)],
        Action::Confirm,
        On::Only(&[Personas, Checklists]),
        "save the selection",
        "save"
    ),
    b!(
        &[(KeyCode::Char('y'), NONE)],
        Action::Yes,
        On::Only(&[ConfirmChecklist]),
        "yes: follow this file (only if you trust its author)",
        "yes, follow it"
    ),
    b!(
        &[(KeyCode::Char('y'), NONE)],
        Action::Yes,
        On::Only(&[ReminderOffer]),
        "yes: install the daily reminder as shown",
        "yes, install"
    ),
    b!(
        &[(KeyCode::Char('n'), NONE)],
        Action::No,
        On::Only(&[ReminderOffer]),
        "no: install nothing, and do not ask again",
        "no"
    ),
    b!(
        &[(KeyCode::Char('q'), NONE), (KeyCode::Esc, NONE)],
        Action::Back,
        On::Only(&[ReminderOffer]),
        "not now: install nothing, ask again next time",
        "not now"
    ),
    b!(
        &[(KeyCode::Enter, NONE), (KeyCode::Char('n'), NONE)],
        Action::Back,
        On::Only(&[ConfirmChecklist]),
        "no: back to the list",
        "no"
    ),
    b!(
        &[(KeyCode::Enter, NONE)],
        Action::Back,
        On::Only(&[Notices, ReminderResult]),
        "understood: go on",
        "ok"
    ),
    b!(
        &[(KeyCode::Enter, NONE)],
        Action::NextSection,
        On::Only(&[SectionEnd]),
        "go to the next unfinished section",
        "next section"
    ),
    b!(
        &[(KeyCode::Char(' '), NONE)],
        Action::Done,
        On::Only(&[Walkthrough, Review]),
        "mark done / undo (on a review finding: looks good)",
        "done/undo"
    ),
    b!(
        &[(KeyCode::Char(' '), NONE)],
        Action::Done,
        On::Only(&[Emergency]),
        "mark the step done (a done step stays done: u undoes it)",
        "done"
    ),
    b!(
        &[(KeyCode::Char('w'), NONE)],
        Action::LooksWrong,
        On::Only(&[Review]),
        "on a finding: something looks wrong (opens the emergency steps)",
        "looks wrong"
    ),
    b!(
        &[(KeyCode::Char('u'), NONE)],
        Action::UndoStep,
        On::Only(&[Emergency]),
        "mark a done step not done again (marked by mistake)",
        "undo step"
    ),
    b!(
        &[(KeyCode::Char(' '), NONE)],
        Action::Done,
        On::Only(&[Personas]),
        "select / unselect",
        "pick"
    ),
    b!(
        &[
            (KeyCode::Left, NONE),
            (KeyCode::Up, NONE),
            (KeyCode::Char('h'), NONE),
            (KeyCode::Char('k'), NONE)
        ],
        shown 2,
        Action::Prev,
        STEPS,
        "previous step (←, ↑, h or k)",
        "prev"
    ),
    b!(
        &[
            (KeyCode::Right, NONE),
            (KeyCode::Down, NONE),
            (KeyCode::Char('l'), NONE),
            (KeyCode::Char('j'), NONE)
        ],
        shown 2,
        Action::Next,
        On::Only(&[Walkthrough]),
        "next step (→, ↓, l or j); then the section's end",
        "next"
    ),
    b!(
        &[(KeyCode::Char('s'), NONE)],
        Action::Skip,
        On::Only(&[Walkthrough]),
        "skip this step (asks for a reason)",
        "skip"
    ),
    b!(
        &[(KeyCode::Char('x'), NONE)],
        Action::NotApplicable,
        On::Only(&[Walkthrough]),
        "not applicable to me (x again to undo)",
        "n/a"
    ),
    b!(
        &[(KeyCode::Char('n'), NONE)],
        Action::Note,
        On::Only(&[Walkthrough, Review, Emergency]),
        "write a note (never a secret)",
        "note"
    ),
    b!(
        &[(KeyCode::Char('N'), SHIFT), (KeyCode::Char('N'), NONE)],
        Action::ForgetNote,
        On::Only(&[Walkthrough, Review]),
        "forget this step's note everywhere (state, history, backups)",
        "forget note"
    ),
    b!(
        &[(KeyCode::Char('t'), NONE)],
        Action::Ticket,
        On::Only(&[Emergency]),
        "log a support ticket number",
        "ticket"
    ),
    b!(
        upper!('C'),
        Action::CloseIncident,
        On::Only(&[Emergency]),
        "close the incident (asks for a resolution)",
        "close"
    ),
    b!(
        upper!('F'),
        Action::FalseAlarm,
        On::Only(&[Emergency]),
        "false alarm: cancel the incident, restore every step",
        "false alarm"
    ),
    b!(
        &[(KeyCode::Char('z'), NONE)],
        Action::Snooze,
        On::Only(&[Review]),
        "snooze a due reminder a week (the schedule stays)",
        "snooze"
    ),
    b!(
        upper!('Z'),
        Action::Unsnooze,
        On::Only(&[Review]),
        "undo the snooze: show the reminder again",
        "unsnooze"
    ),
    b!(
        upper!('H'),
        Action::History,
        On::Only(&[Dashboard]),
        "history of every change",
        "history"
    ),
    b!(
        &[(KeyCode::Char('b'), NONE)],
        Action::Score,
        On::Only(&[Dashboard]),
        "score breakdown and formula",
        "score"
    ),
    b!(
        &[(KeyCode::Char('p'), NONE)],
        Action::Personas,
        On::Only(&[Dashboard]),
        "how you use the account (personas)",
        "personas"
    ),
    b!(
        &[(KeyCode::Char('a'), NONE)],
        Action::Accounts,
        On::Only(&[Dashboard]),
        "all accounts, worst first (Enter switches)",
        "accounts"
    ),
    b!(
        upper!('Z'),
        Action::Unsnooze,
        On::Only(&[Dashboard]),
        "on a snoozed review's row: show its reminder again",
        "unsnooze"
    ),
    b!(
        DIGITS,
        Action::Jump(0),
        STEPS,
        "jump to step 1 to 9",
        "jump"
    ),
    b!(
        &[(KeyCode::Home, NONE)],
        Action::First,
        STEPS,
        "first step",
        "first"
    ),
    b!(
        &[(KeyCode::End, NONE)],
        Action::Last,
        STEPS,
        "last step",
        "last"
    ),
    b!(
        &[(KeyCode::PageDown, NONE)],
        Action::PageDown,
        STEPS,
        "a page of steps down",
        "page down"
    ),
    b!(
        &[(KeyCode::PageUp, NONE)],
        Action::PageUp,
        STEPS,
        "a page of steps up",
        "page up"
    ),
    b!(
        &[(KeyCode::Tab, NONE)],
        Action::ToggleList,
        STEPS,
        "show or hide the list of steps",
        "list"
    ),
    b!(
        upper!('J'),
        Action::ScrollDown,
        STEPS,
        "scroll the details down",
        "scroll"
    ),
    b!(
        upper!('K'),
        Action::ScrollUp,
        STEPS,
        "scroll the details up",
        "scroll up"
    ),
    b!(
        &[(KeyCode::Up, NONE), (KeyCode::Char('k'), NONE)],
        Action::Up,
        LISTS,
        "move up",
        "up"
    ),
    b!(
        &[(KeyCode::Down, NONE), (KeyCode::Char('j'), NONE)],
        Action::Down,
        LISTS,
        "move down",
        "down"
    ),
    b!(
        &[
            (KeyCode::PageDown, NONE),
            (KeyCode::Char('J'), SHIFT),
            (KeyCode::Char('J'), NONE)
        ],
        Action::ScrollDown,
        On::Only(&[
            Review,
            Emergency,
            Compromise,
            Score,
            ReminderOffer,
            ReminderResult
        ]),
        "scroll the details down",
        "scroll"
    ),
    b!(
        &[
            (KeyCode::PageUp, NONE),
            (KeyCode::Char('K'), SHIFT),
            (KeyCode::Char('K'), NONE)
        ],
        Action::ScrollUp,
        On::Only(&[
            Review,
            Emergency,
            Compromise,
            Score,
            ReminderOffer,
            ReminderResult
        ]),
        "scroll the details up",
        "scroll up"
    ),
    // The incident's own keys before there is one (C close and F false alarm too): each says
    // why it waits, none is silent.
    b!(
        &[
            (KeyCode::Char(' '), NONE),
            (KeyCode::Char('t'), NONE),
            (KeyCode::Char('n'), NONE),
            (KeyCode::Char('u'), NONE),
            (KeyCode::Char('C'), SHIFT),
            (KeyCode::Char('C'), NONE),
            (KeyCode::Char('F'), SHIFT),
            (KeyCode::Char('F'), NONE)
        ],
        shown 4,
        Action::NeedsIncident,
        On::Only(&[Compromise]),
        "mark a step, log a ticket or a note (or close the incident): only once it is started \
         with S",
        "after S"
    ),
    b!(
        &[(KeyCode::Char('c'), CTRL)],
        Action::Quit,
        On::All,
        "quit (progress is already saved)",
        "quit"
    ),
    b!(
        &[
            (KeyCode::Char('?'), NONE),
            (KeyCode::Char('?'), SHIFT),
            (KeyCode::F(1), NONE)
        ],
        shown 2,
        Action::Help,
        On::All,
        "show or hide this help",
        "help"
    ),
    // Back to the screen below; on the first screen it quits, and the footer and help say so
    // (see `Binding::words`).
    b!(
        &[(KeyCode::Char('q'), NONE), (KeyCode::Esc, NONE)],
        Action::Back,
        On::AllBut(&[ReminderOffer]),
        "back",
        "back"
    ),
];

/// Maps a key on a screen to an action, using the table above (a digit jumps to its step).
pub fn action_for(screen: ScreenKind, key: KeyEvent) -> Option<Action> {
    let action = KEYMAP.iter().find_map(|b| {
        (b.on.matches(screen)
            && b.keys
                .iter()
                .any(|&(code, mods)| code == key.code && key.modifiers == mods))
        .then_some(b.action)
    })?;
    Some(match (action, key.code) {
        (Action::Jump(_), KeyCode::Char(d)) => Action::Jump(d.to_digit(10)? as usize - 1),
        (a, _) => a,
    })
}

/// The label of the keys that do `action` on `screen` (for hints such as "more below: PgDn/J"),
/// or None when nothing does it there.
pub fn label_for(screen: ScreenKind, action: Action) -> Option<String> {
    bindings_for(screen)
        .find(|b| b.action == action)
        .map(Binding::label)
}

/// The bindings that apply on a screen, in table order.
pub fn bindings_for(screen: ScreenKind) -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter(move |b| b.on.matches(screen))
}

#[cfg(test)]
#[path = "keymap_tests.rs"]
mod tests;
