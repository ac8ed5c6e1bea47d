//! The vocabulary of the TUI: actions, messages, and the layout a render reports back (the
//! screens are in `screen.rs`).

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use ratatui::layout::Rect;
use tui_input::InputRequest;

/// A list as last drawn: the rows' area (inside any border) and the first row shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListHit {
    pub area: Rect,
    pub offset: usize,
}

/// What the last render laid out, fed back with [`Action::Rendered`]: mouse clicks and scrolling
/// use these areas instead of repeating the layout arithmetic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hits {
    /// The screen's list, if it has one.
    pub list: Option<ListHit>,
    /// Largest useful scroll offset of the details pane.
    pub scroll_max: u16,
    /// The walkthrough's list of steps is shown.
    pub list_shown: bool,
    /// The last render left out the dashboard's Next up pane (too short a terminal): the
    /// cursor then stays on the sections.
    pub next_hidden: bool,
}

/// Everything the user can do; produced by the keymap (or mouse, or the clock).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Action {
    Up,
    Down,
    Prev,
    Next,
    First,
    Last,
    PageUp,
    PageDown,
    /// Go to step N (0-based) of the walkthrough section.
    Jump(usize),
    /// Show or hide the walkthrough's list of steps.
    ToggleList,
    /// From a section's end, the next unfinished section.
    NextSection,
    Open,
    Confirm,
    Done,
    Skip,
    NotApplicable,
    Note,
    /// Forget the selected step's note everywhere (state, history, backups).
    ForgetNote,
    Ticket,
    /// A key of the started incident (Space, t, n, u) pressed before `S`: says why it waits.
    NeedsIncident,
    /// Marks a done emergency step not done again (its own key: Space never undoes one).
    UndoStep,
    /// On a review finding: something looks wrong (opens the emergency steps).
    LooksWrong,
    CloseIncident,
    StartIncident,
    FalseAlarm,
    Snooze,
    Unsnooze,
    History,
    Score,
    Personas,
    /// The accounts overview.
    Accounts,
    /// Yes to a question on screen (following a user file, installing the daily reminder).
    Yes,
    /// No to a question on screen (the daily reminder: not asked again).
    No,
    Compromised,
    Help,
    Back,
    Quit,
    ScrollDown,
    ScrollUp,
    /// Select a row of the current list.
    Select(usize),
    /// A mouse click at a terminal cell.
    Click {
        column: u16,
        row: u16,
    },
    /// What the last render laid out (sent by the shell after each draw).
    Rendered(Hits),
    /// Edit the open text prompt.
    Edit(InputRequest),
    /// Type one character into the open prompt (pasted text).
    InputChar(char),
    InputSubmit,
    InputCancel,
    /// The clock moved (sent by the shell).
    Tick {
        now: DateTime<Utc>,
        today: NaiveDate,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
    /// The same message, shorter: shown whole when the screen has no room for `text`.
    pub short: Option<String>,
}

/// What went wrong in the shell (a save, reading the history) that the TUI shows, kept typed
/// until it is drawn (behind an `Arc`: the app stays cheap to clone).
#[derive(Debug, Clone, thiserror::Error)]
pub enum ShellError {
    /// The change could not be saved (nothing was logged; it is kept for the next try).
    #[error("{0}")]
    Save(Arc<crate::app::AppError>),
    #[error("cannot show the history: {0}")]
    History(Arc<crate::store::StoreError>),
}
