//! The screens: one enum, each variant a screen with its own view state (cursor, scroll offset,
//! what it shows). The keymap's scoping uses [`ScreenKind`], the field-less discriminant derived
//! from [`Screen`] (never written by hand), so the screen on the stack alone says which keys
//! apply.

use strum::{EnumDiscriminants, VariantArray};

use crate::checklist::Loaded;
use crate::export::Overview;
use crate::ids::SectionId;

/// A screen on the stack, with the view state that belongs to it. The screens below the current
/// one keep theirs (a cursor is where it was when the user comes back).
#[derive(Debug, Clone, PartialEq, EnumDiscriminants)]
#[strum_discriminants(name(ScreenKind), derive(VariantArray))]
pub enum Screen {
    /// The sections, then the Next up entries (`cursor` runs over both).
    Dashboard { cursor: usize },
    /// A setup section: its steps beside the selected step's details; `index` into the section's
    /// applicable steps. `list`: the list of steps was toggled with Tab (None: shown when the
    /// terminal is wide); it stays with the walkthrough through the section's end and the next
    /// section.
    Walkthrough {
        section: SectionId,
        index: usize,
        list: Option<bool>,
        scroll: u16,
    },
    /// The end of a walkthrough section: what is still open, and the next section.
    SectionEnd {
        section: SectionId,
        list: Option<bool>,
        scroll: u16,
    },
    /// A recurring or event review: its items.
    Review {
        section: SectionId,
        cursor: usize,
        scroll: u16,
    },
    /// The emergency steps of an open incident.
    Emergency { cursor: usize, scroll: u16 },
    /// The emergency steps before an incident is started: nothing is recorded yet. `finding`: a
    /// review finding marked "something looks wrong", the incident's first log entry once it is
    /// started (it goes with the screen when the screen is left without starting one).
    Compromise {
        cursor: usize,
        scroll: u16,
        finding: Option<String>,
    },
    /// Every change, newest first.
    History { cursor: usize },
    Personas {
        selected: Vec<bool>,
        /// Asked on the first run (rather than opened with `p`).
        first_run: bool,
        cursor: usize,
    },
    /// The score breakdown: one long page the arrows scroll.
    Score { cursor: usize, scroll: u16 },
    /// First run: which checklist this account follows (only when there is a choice).
    Checklists { choices: Vec<Loaded>, cursor: usize },
    /// First run: the chosen checklist is a file of the user's with the id of a bundled checklist
    /// (or of another file); its path is shown and `y` confirms. `choice` indexes the choices of
    /// the [`Screen::Checklists`] below.
    ConfirmChecklist { choice: usize },
    /// Every account, worst first (`overview`, recomputed while shown); Enter switches to one.
    Accounts { overview: Overview, cursor: usize },
    /// Notices about the account's checklist (a changed file, progress without a step).
    Notices { lines: Vec<String> },
    /// The one-time question: install the daily reminder? `plan` says what installing writes
    /// and runs (nothing is installed without y).
    ReminderOffer { plan: Vec<String>, scroll: u16 },
    /// What installing the daily reminder did (or why it failed).
    ReminderResult { result: ReminderResult, scroll: u16 },
}

/// What installing the daily reminder did.
#[derive(Debug, Clone, PartialEq)]
pub struct ReminderResult {
    /// False when the install failed (nothing is recorded: the question comes back next time).
    pub ok: bool,
    /// Installed, with warnings to read (e.g. a systemd timer that is written but not enabled).
    pub warned: bool,
    /// Warnings first, then what was done and what to know.
    pub lines: Vec<String>,
}

impl ScreenKind {
    /// Every kind of screen.
    pub const ALL: &'static [ScreenKind] = ScreenKind::VARIANTS;

    /// The screen's name for people (the help overlay's title).
    pub fn label(self) -> &'static str {
        match self {
            ScreenKind::Dashboard => "dashboard",
            ScreenKind::Walkthrough => "walkthrough",
            ScreenKind::SectionEnd => "end of a section",
            ScreenKind::Review => "review",
            ScreenKind::Emergency => "incident",
            ScreenKind::Compromise => "emergency steps",
            ScreenKind::History => "history",
            ScreenKind::Personas => "personas",
            ScreenKind::Score => "score",
            ScreenKind::Checklists => "choose a checklist",
            ScreenKind::ConfirmChecklist => "follow your own file?",
            ScreenKind::Accounts => "accounts",
            ScreenKind::Notices => "checklist notices",
            ScreenKind::ReminderOffer => "daily reminder?",
            ScreenKind::ReminderResult => "daily reminder",
        }
    }
}

impl Screen {
    /// The dashboard, its cursor on the first row.
    pub fn dashboard() -> Screen {
        Screen::Dashboard { cursor: 0 }
    }

    /// The kind of screen: what the keymap is scoped by.
    pub fn kind(&self) -> ScreenKind {
        ScreenKind::from(self)
    }

    /// The row under the cursor of the screen's list (0 on a screen without one).
    pub fn cursor(&self) -> usize {
        match self {
            Screen::Dashboard { cursor }
            | Screen::Review { cursor, .. }
            | Screen::Emergency { cursor, .. }
            | Screen::Compromise { cursor, .. }
            | Screen::History { cursor }
            | Screen::Personas { cursor, .. }
            | Screen::Score { cursor, .. }
            | Screen::Checklists { cursor, .. }
            | Screen::Accounts { cursor, .. } => *cursor,
            _ => 0,
        }
    }

    /// The cursor, on a screen with a list.
    pub(super) fn cursor_mut(&mut self) -> Option<&mut usize> {
        match self {
            Screen::Dashboard { cursor }
            | Screen::Review { cursor, .. }
            | Screen::Emergency { cursor, .. }
            | Screen::Compromise { cursor, .. }
            | Screen::History { cursor }
            | Screen::Personas { cursor, .. }
            | Screen::Score { cursor, .. }
            | Screen::Checklists { cursor, .. }
            | Screen::Accounts { cursor, .. } => Some(cursor),
            _ => None,
        }
    }

    /// The scroll offset of the screen's details pane (0 on a screen that does not scroll).
    pub fn scroll(&self) -> u16 {
        match self {
            Screen::Walkthrough { scroll, .. }
            | Screen::SectionEnd { scroll, .. }
            | Screen::Review { scroll, .. }
            | Screen::Emergency { scroll, .. }
            | Screen::Compromise { scroll, .. }
            | Screen::Score { scroll, .. }
            | Screen::ReminderOffer { scroll, .. }
            | Screen::ReminderResult { scroll, .. } => *scroll,
            _ => 0,
        }
    }

    /// The scroll offset, on a screen whose details scroll.
    pub(super) fn scroll_mut(&mut self) -> Option<&mut u16> {
        match self {
            Screen::Walkthrough { scroll, .. }
            | Screen::SectionEnd { scroll, .. }
            | Screen::Review { scroll, .. }
            | Screen::Emergency { scroll, .. }
            | Screen::Compromise { scroll, .. }
            | Screen::Score { scroll, .. }
            | Screen::ReminderOffer { scroll, .. }
            | Screen::ReminderResult { scroll, .. } => Some(scroll),
            _ => None,
        }
    }
}
