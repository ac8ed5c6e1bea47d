//! The vocabulary of the TUI: screens, actions, and the layout a render reports back.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use ratatui::layout::Rect;
use tui_input::InputRequest;

/// The kinds of screen, used by the keymap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenKind {
    Dashboard,
    Walkthrough,
    /// The end of a walkthrough section: what is still open, and the next section.
    SectionEnd,
    Review,
    /// The emergency steps of an open incident.
    Emergency,
    /// The emergency steps before an incident is started: nothing is recorded yet.
    Compromise,
    History,
    Personas,
    Score,
    Checklists,
    /// Following a user file that has a bundled checklist's id (or another file's): asks first.
    ConfirmChecklist,
    /// Every account, worst first.
    Accounts,
    /// What changed in the account's checklist, said once.
    Notices,
    /// The one-time question: install the daily reminder? (nothing is installed without y)
    ReminderOffer,
    /// What installing the daily reminder did (or why it failed).
    ReminderResult,
}

impl ScreenKind {
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

    pub const ALL: &'static [ScreenKind] = &[
        ScreenKind::Checklists,
        ScreenKind::ConfirmChecklist,
        ScreenKind::Accounts,
        ScreenKind::Notices,
        ScreenKind::ReminderOffer,
        ScreenKind::ReminderResult,
        ScreenKind::Dashboard,
        ScreenKind::Walkthrough,
        ScreenKind::SectionEnd,
        ScreenKind::Review,
        ScreenKind::Emergency,
        ScreenKind::Compromise,
        ScreenKind::History,
        ScreenKind::Personas,
        ScreenKind::Score,
    ];
}

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Dashboard,
    /// A setup section: its steps beside the selected step's details; `index` into the section's
    /// applicable steps.
    Walkthrough {
        section: String,
        index: usize,
    },
    /// Past the last step of a section.
    SectionEnd {
        section: String,
    },
    Review {
        section: String,
    },
    /// The emergency steps: a preview until an incident is started, then the incident.
    Emergency,
    History,
    Personas {
        selected: Vec<bool>,
        /// Asked on the first run (rather than opened with `p`).
        first_run: bool,
    },
    Score,
    /// First run: which checklist this account follows (only when there is a choice).
    Checklists,
    /// First run: the chosen checklist is a file of the user's with the id of a bundled checklist
    /// (or of another file); its path is shown and `y` confirms. `choice` indexes the choices.
    ConfirmChecklist {
        choice: usize,
    },
    /// Every account, worst first; Enter switches to one.
    Accounts,
    /// Notices about the account's checklist (a changed file, progress without a step).
    Notices {
        lines: Vec<String>,
    },
    /// The daily reminder: asked once when the 5-minute essentials are first all done.
    /// `plan` says what installing writes and runs; `result` is set once the answer was acted on.
    Reminder {
        plan: Vec<String>,
        result: Option<ReminderResult>,
    },
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

impl Screen {
    /// The kind of screen (the emergency screen is [`ScreenKind::Emergency`] whether or not an
    /// incident is open; [`App::kind`] tells the two apart).
    pub fn kind(&self) -> ScreenKind {
        match self {
            Screen::Dashboard => ScreenKind::Dashboard,
            Screen::Walkthrough { .. } => ScreenKind::Walkthrough,
            Screen::SectionEnd { .. } => ScreenKind::SectionEnd,
            Screen::Review { .. } => ScreenKind::Review,
            Screen::Emergency => ScreenKind::Emergency,
            Screen::History => ScreenKind::History,
            Screen::Personas { .. } => ScreenKind::Personas,
            Screen::Score => ScreenKind::Score,
            Screen::Checklists => ScreenKind::Checklists,
            Screen::ConfirmChecklist { .. } => ScreenKind::ConfirmChecklist,
            Screen::Accounts => ScreenKind::Accounts,
            Screen::Notices { .. } => ScreenKind::Notices,
            Screen::Reminder { result: None, .. } => ScreenKind::ReminderOffer,
            Screen::Reminder {
                result: Some(_), ..
            } => ScreenKind::ReminderResult,
        }
    }
}

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
