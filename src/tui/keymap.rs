//! The one keymap table: it maps keys to actions per screen and feeds the footer and the help overlay.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{Action, ScreenKind};

/// Which screens a binding works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    All,
    Only(&'static [ScreenKind]),
}

impl On {
    pub fn matches(self, s: ScreenKind) -> bool {
        match self {
            On::All => true,
            On::Only(list) => list.contains(&s),
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
    /// Short name shown in the footer (the most useful keys only).
    pub footer: Option<&'static str>,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
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

/// Every key binding. Order = order in help; the first match wins.
pub const KEYMAP: &[Binding] = &[
    b!(
        &[(KeyCode::Char('c'), KeyModifiers::CONTROL)],
        "Ctrl-C",
        Action::Quit,
        On::All,
        "quit (progress is already saved)",
        None
    ),
    b!(
        &[(KeyCode::Char('!'), NONE), (KeyCode::Char('!'), SHIFT)],
        "!",
        Action::Compromised,
        On::All,
        "I think I'm compromised: emergency steps",
        Some("compromised")
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
        Some("help")
    ),
    b!(
        &[(KeyCode::Up, NONE), (KeyCode::Char('k'), NONE)],
        "↑/k",
        Action::Up,
        On::Only(&[
            Dashboard, Review, Emergency, History, Personas, Score, Checklists
        ]),
        "move up",
        None
    ),
    b!(
        &[(KeyCode::Down, NONE), (KeyCode::Char('j'), NONE)],
        "↓/j",
        Action::Down,
        On::Only(&[
            Dashboard, Review, Emergency, History, Personas, Score, Checklists
        ]),
        "move down",
        None
    ),
    b!(
        &[(KeyCode::Enter, NONE)],
        "Enter",
        Action::Open,
        On::Only(&[Dashboard]),
        "open the selected section",
        Some("open")
    ),
    b!(
        &[(KeyCode::Enter, NONE)],
        "Enter",
        Action::Confirm,
        On::Only(&[Personas, Checklists]),
        "save the selection",
        Some("save")
    ),
    b!(
        &[(KeyCode::Char(' '), NONE)],
        "Space",
        Action::Done,
        On::Only(&[Walkthrough, Review, Emergency]),
        "mark done / undo",
        Some("done/undo")
    ),
    b!(
        &[(KeyCode::Char(' '), NONE)],
        "Space",
        Action::Done,
        On::Only(&[Personas]),
        "select / unselect",
        Some("select")
    ),
    b!(
        &[(KeyCode::Char('s'), NONE)],
        "s",
        Action::Skip,
        On::Only(&[Walkthrough]),
        "skip this step (asks for a reason)",
        Some("skip")
    ),
    b!(
        &[(KeyCode::Char('x'), NONE)],
        "x",
        Action::NotApplicable,
        On::Only(&[Walkthrough]),
        "not applicable to me",
        None
    ),
    b!(
        &[(KeyCode::Char('n'), NONE)],
        "n",
        Action::Note,
        On::Only(&[Walkthrough, Review, Emergency]),
        "write a note (never a secret)",
        Some("note")
    ),
    b!(
        &[(KeyCode::Char('t'), NONE)],
        "t",
        Action::Ticket,
        On::Only(&[Emergency]),
        "log a support ticket number",
        Some("ticket")
    ),
    b!(
        &[(KeyCode::Char('C'), SHIFT), (KeyCode::Char('C'), NONE)],
        "C",
        Action::CloseIncident,
        On::Only(&[Emergency]),
        "close the incident (asks for a resolution)",
        Some("close")
    ),
    b!(
        &[(KeyCode::Char('z'), NONE)],
        "z",
        Action::Snooze,
        On::Only(&[Review]),
        "snooze this reminder a week (capped at next due)",
        Some("snooze")
    ),
    b!(
        &[(KeyCode::Char('H'), SHIFT), (KeyCode::Char('H'), NONE)],
        "H",
        Action::History,
        On::Only(&[Dashboard]),
        "history of every change",
        Some("history")
    ),
    b!(
        &[(KeyCode::Char('b'), NONE)],
        "b",
        Action::Score,
        On::Only(&[Dashboard]),
        "score breakdown and formula",
        Some("score")
    ),
    b!(
        &[(KeyCode::Char('p'), NONE)],
        "p",
        Action::Personas,
        On::Only(&[Dashboard]),
        "how you use the account (personas)",
        None
    ),
    b!(
        &[
            (KeyCode::PageDown, NONE),
            (KeyCode::Char('J'), SHIFT),
            (KeyCode::Char('J'), NONE)
        ],
        "PgDn/J",
        Action::ScrollDown,
        On::Only(&[Walkthrough, Review, Emergency, Score]),
        "scroll the details down",
        None
    ),
    b!(
        &[
            (KeyCode::PageUp, NONE),
            (KeyCode::Char('K'), SHIFT),
            (KeyCode::Char('K'), NONE)
        ],
        "PgUp/K",
        Action::ScrollUp,
        On::Only(&[Walkthrough, Review, Emergency, Score]),
        "scroll the details up",
        None
    ),
    b!(
        &[(KeyCode::Right, NONE), (KeyCode::Char('l'), NONE)],
        "→/l",
        Action::Next,
        On::Only(&[Walkthrough]),
        "next step",
        Some("next")
    ),
    b!(
        &[(KeyCode::Left, NONE), (KeyCode::Char('h'), NONE)],
        "←/h",
        Action::Prev,
        On::Only(&[Walkthrough]),
        "previous step",
        Some("prev")
    ),
    b!(
        &[(KeyCode::Char('q'), NONE), (KeyCode::Esc, NONE)],
        "q/Esc",
        Action::Back,
        On::All,
        "back; quit from the dashboard",
        Some("back")
    ),
];

/// Maps a key on a screen to an action, using the table above.
pub fn action_for(screen: ScreenKind, key: KeyEvent) -> Option<Action> {
    KEYMAP.iter().find_map(|b| {
        (b.on.matches(screen)
            && b.keys
                .iter()
                .any(|&(code, mods)| code == key.code && key.modifiers == mods))
        .then_some(b.action)
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
