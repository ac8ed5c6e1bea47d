//! The one keymap table: it maps keys to actions per screen and feeds the footer and the help overlay.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the keys are shown in help and footer.
    pub label: &'static str,
    pub action: Action,
    pub on: On,
    pub help: &'static str,
    /// Short name shown in the footer.
    pub footer: &'static str,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
use ScreenKind::*;

macro_rules! b {
    ($keys:expr, $label:expr, $action:expr, $on:expr, $help:expr, $footer:expr) => {
        Binding {
            keys: $keys,
            label: $label,
            action: $action,
            on: $on,
            help: $help,
            footer: $footer,
        }
    };
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
        "!",
        Action::Compromised,
        On::All,
        "compromised? the emergency steps (nothing recorded until S)",
        "compromised"
    ),
    b!(
        upper!('S'),
        "S",
        Action::StartIncident,
        On::Only(&[Compromise]),
        "start the incident (records it, reopens done steps)",
        "start incident"
    ),
    b!(
        &[(KeyCode::Enter, NONE)],
        "Enter",
        Action::Open,
        On::Only(&[Dashboard]),
        "open the selected section",
        "open"
    ),
    b!(
        &[(KeyCode::Enter, NONE)],
        "Enter",
        Action::Open,
        On::Only(&[Accounts]),
        "switch to the selected account",
        "open"
    ),
    b!(
        &[(KeyCode::Enter, NONE)],
        "Enter",
        Action::Confirm,
        On::Only(&[Personas, Checklists]),
        "save the selection",
        "save"
    ),
    b!(
        &[(KeyCode::Char('y'), NONE)],
        "y",
        Action::Yes,
        On::Only(&[ConfirmChecklist]),
        "yes: follow this file (only if you trust its author)",
        "yes, follow it"
    ),
    b!(
        &[(KeyCode::Char('y'), NONE)],
        "y",
        Action::Yes,
        On::Only(&[ReminderOffer]),
        "yes: install the daily reminder as shown",
        "yes, install"
    ),
    b!(
        &[(KeyCode::Char('n'), NONE)],
        "n",
        Action::No,
        On::Only(&[ReminderOffer]),
        "no: install nothing, and do not ask again",
        "no"
    ),
    b!(
        &[(KeyCode::Char('q'), NONE), (KeyCode::Esc, NONE)],
        "Esc/q",
        Action::Back,
        On::Only(&[ReminderOffer]),
        "not now: install nothing, ask again next time",
        "not now"
    ),
    b!(
        &[(KeyCode::Enter, NONE), (KeyCode::Char('n'), NONE)],
        "Enter/n",
        Action::Back,
        On::Only(&[ConfirmChecklist]),
        "no: back to the list",
        "no"
    ),
    b!(
        &[(KeyCode::Enter, NONE)],
        "Enter",
        Action::Back,
        On::Only(&[Notices, ReminderResult]),
        "understood: go on",
        "ok"
    ),
    b!(
        &[(KeyCode::Enter, NONE)],
        "Enter",
        Action::NextSection,
        On::Only(&[SectionEnd]),
        "go to the next unfinished section",
        "next section"
    ),
    b!(
        &[(KeyCode::Char(' '), NONE)],
        "Space",
        Action::Done,
        On::Only(&[Walkthrough, Review]),
        "mark done / undo (on a review finding: looks good)",
        "done/undo"
    ),
    b!(
        &[(KeyCode::Char(' '), NONE)],
        "Space",
        Action::Done,
        On::Only(&[Emergency]),
        "mark the step done (a done step stays done: u undoes it)",
        "done"
    ),
    b!(
        &[(KeyCode::Char('w'), NONE)],
        "w",
        Action::LooksWrong,
        On::Only(&[Review]),
        "on a finding: something looks wrong (opens the emergency steps)",
        "looks wrong"
    ),
    b!(
        &[(KeyCode::Char('u'), NONE)],
        "u",
        Action::UndoStep,
        On::Only(&[Emergency]),
        "mark a done step not done again (marked by mistake)",
        "undo step"
    ),
    b!(
        &[(KeyCode::Char(' '), NONE)],
        "Space",
        Action::Done,
        On::Only(&[Personas]),
        "select / unselect",
        "pick"
    ),
    b!(
        &[
            (KeyCode::Left, NONE),
            (KeyCode::Char('h'), NONE),
            (KeyCode::Up, NONE),
            (KeyCode::Char('k'), NONE)
        ],
        "←↑",
        Action::Prev,
        STEPS,
        "previous step (←, ↑, h or k)",
        "prev"
    ),
    b!(
        &[
            (KeyCode::Right, NONE),
            (KeyCode::Char('l'), NONE),
            (KeyCode::Down, NONE),
            (KeyCode::Char('j'), NONE)
        ],
        "→↓",
        Action::Next,
        On::Only(&[Walkthrough]),
        "next step (→, ↓, l or j); then the section's end",
        "next"
    ),
    b!(
        &[(KeyCode::Char('s'), NONE)],
        "s",
        Action::Skip,
        On::Only(&[Walkthrough]),
        "skip this step (asks for a reason)",
        "skip"
    ),
    b!(
        &[(KeyCode::Char('x'), NONE)],
        "x",
        Action::NotApplicable,
        On::Only(&[Walkthrough]),
        "not applicable to me (x again to undo)",
        "n/a"
    ),
    b!(
        &[(KeyCode::Char('n'), NONE)],
        "n",
        Action::Note,
        On::Only(&[Walkthrough, Review, Emergency]),
        "write a note (never a secret)",
        "note"
    ),
    b!(
        &[(KeyCode::Char('N'), SHIFT), (KeyCode::Char('N'), NONE)],
        "N",
        Action::ForgetNote,
        On::Only(&[Walkthrough, Review]),
        "forget this step's note everywhere (state, history, backups)",
        "forget note"
    ),
    b!(
        &[(KeyCode::Char('t'), NONE)],
        "t",
        Action::Ticket,
        On::Only(&[Emergency]),
        "log a support ticket number",
        "ticket"
    ),
    b!(
        upper!('C'),
        "C",
        Action::CloseIncident,
        On::Only(&[Emergency]),
        "close the incident (asks for a resolution)",
        "close"
    ),
    b!(
        upper!('F'),
        "F",
        Action::FalseAlarm,
        On::Only(&[Emergency]),
        "false alarm: cancel the incident, restore every step",
        "false alarm"
    ),
    b!(
        &[(KeyCode::Char('z'), NONE)],
        "z",
        Action::Snooze,
        On::Only(&[Review]),
        "snooze a due reminder a week (the schedule stays)",
        "snooze"
    ),
    b!(
        upper!('Z'),
        "Z",
        Action::Unsnooze,
        On::Only(&[Review]),
        "undo the snooze: show the reminder again",
        "unsnooze"
    ),
    b!(
        upper!('H'),
        "H",
        Action::History,
        On::Only(&[Dashboard]),
        "history of every change",
        "history"
    ),
    b!(
        &[(KeyCode::Char('b'), NONE)],
        "b",
        Action::Score,
        On::Only(&[Dashboard]),
        "score breakdown and formula",
        "score"
    ),
    b!(
        &[(KeyCode::Char('p'), NONE)],
        "p",
        Action::Personas,
        On::Only(&[Dashboard]),
        "how you use the account (personas)",
        "personas"
    ),
    b!(
        &[(KeyCode::Char('a'), NONE)],
        "a",
        Action::Accounts,
        On::Only(&[Dashboard]),
        "all accounts, worst first (Enter switches)",
        "accounts"
    ),
    b!(
        upper!('Z'),
        "Z",
        Action::Unsnooze,
        On::Only(&[Dashboard]),
        "on a snoozed review's row: show its reminder again",
        "unsnooze"
    ),
    b!(
        DIGITS,
        "1-9",
        Action::Jump(0),
        STEPS,
        "jump to step 1 to 9",
        "jump"
    ),
    b!(
        &[(KeyCode::Home, NONE)],
        "Home",
        Action::First,
        STEPS,
        "first step",
        "first"
    ),
    b!(
        &[(KeyCode::End, NONE)],
        "End",
        Action::Last,
        STEPS,
        "last step",
        "last"
    ),
    b!(
        &[(KeyCode::PageDown, NONE)],
        "PgDn",
        Action::PageDown,
        STEPS,
        "a page of steps down",
        "page down"
    ),
    b!(
        &[(KeyCode::PageUp, NONE)],
        "PgUp",
        Action::PageUp,
        STEPS,
        "a page of steps up",
        "page up"
    ),
    b!(
        &[(KeyCode::Tab, NONE)],
        "Tab",
        Action::ToggleList,
        STEPS,
        "show or hide the list of steps",
        "list"
    ),
    b!(
        upper!('J'),
        "J",
        Action::ScrollDown,
        STEPS,
        "scroll the details down",
        "scroll"
    ),
    b!(
        upper!('K'),
        "K",
        Action::ScrollUp,
        STEPS,
        "scroll the details up",
        "scroll up"
    ),
    b!(
        &[(KeyCode::Up, NONE), (KeyCode::Char('k'), NONE)],
        "↑/k",
        Action::Up,
        LISTS,
        "move up",
        "up"
    ),
    b!(
        &[(KeyCode::Down, NONE), (KeyCode::Char('j'), NONE)],
        "↓/j",
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
        "PgDn/J",
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
        "PgUp/K",
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
    b!(
        &[
            (KeyCode::Char(' '), NONE),
            (KeyCode::Char('t'), NONE),
            (KeyCode::Char('n'), NONE),
            (KeyCode::Char('u'), NONE)
        ],
        "Space/t/n/u",
        Action::NeedsIncident,
        On::Only(&[Compromise]),
        "mark a step, log a ticket or a note: only once the incident is started with S",
        "after S"
    ),
    b!(
        &[(KeyCode::Char('c'), CTRL)],
        "Ctrl-C",
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
        "?",
        Action::Help,
        On::All,
        "show or hide this help",
        "help"
    ),
    b!(
        &[(KeyCode::Char('q'), NONE), (KeyCode::Esc, NONE)],
        "q/Esc",
        Action::Back,
        On::Only(&[Dashboard]),
        "quit (progress is already saved)",
        "quit"
    ),
    b!(
        &[(KeyCode::Char('q'), NONE), (KeyCode::Esc, NONE)],
        "q/Esc",
        Action::Back,
        On::AllBut(&[ReminderOffer, Dashboard]),
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

/// The bindings that apply on a screen, in table order.
pub fn bindings_for(screen: ScreenKind) -> impl Iterator<Item = &'static Binding> {
    KEYMAP.iter().filter(move |b| b.on.matches(screen))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, NONE)
    }

    #[test]
    fn bang_works_everywhere_and_keys_are_screen_specific() {
        for s in ScreenKind::ALL {
            assert_eq!(
                action_for(*s, key(KeyCode::Char('!'))),
                Some(Action::Compromised),
                "{s:?}"
            );
            assert_eq!(
                action_for(*s, KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
                Some(Action::Quit)
            );
        }
        assert_eq!(
            action_for(Dashboard, key(KeyCode::Enter)),
            Some(Action::Open)
        );
        assert_eq!(
            action_for(Personas, key(KeyCode::Enter)),
            Some(Action::Confirm)
        );
        assert_eq!(action_for(Dashboard, key(KeyCode::Char('s'))), None);
        assert_eq!(
            action_for(Walkthrough, key(KeyCode::Char('l'))),
            Some(Action::Next)
        );
        assert_eq!(
            action_for(Walkthrough, key(KeyCode::Char('3'))),
            Some(Action::Jump(2))
        );
        assert_eq!(action_for(Dashboard, key(KeyCode::Char('3'))), None);
        // Nothing on the not-yet-started compromise screen records anything but S; the keys
        // of the started incident say why they wait.
        for c in [' ', 't', 'n', 'u'] {
            assert_eq!(
                action_for(Compromise, key(KeyCode::Char(c))),
                Some(Action::NeedsIncident)
            );
        }
        // Space never undoes a done emergency step: that has its own key.
        assert_eq!(
            action_for(Emergency, key(KeyCode::Char('u'))),
            Some(Action::UndoStep)
        );
        assert_eq!(
            action_for(Compromise, KeyEvent::new(KeyCode::Char('S'), SHIFT)),
            Some(Action::StartIncident)
        );
    }

    #[test]
    fn no_key_is_bound_twice_on_one_screen() {
        for s in ScreenKind::ALL {
            let mut seen = Vec::new();
            for b in bindings_for(*s) {
                for k in b.keys {
                    assert!(!seen.contains(k), "{s:?}: {k:?} bound twice");
                    seen.push(*k);
                }
            }
        }
    }
}
