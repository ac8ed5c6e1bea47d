//! Command-line arguments (clap): global options and every subcommand.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use super::complete::values;

#[derive(Debug, Parser)]
#[command(
    name = "lockstep",
    version,
    about = "Harden your exchange accounts step by step, and keep them hardened."
)]
pub struct Cli {
    /// Where progress is stored (default: $XDG_DATA_HOME/lockstep).
    #[arg(long, global = true, value_name = "DIR", env = "LOCKSTEP_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Which tracked account to use (default: $LOCKSTEP_ACCOUNT, else "default", else the only
    /// one; `due`, `notify` and `status --all` without it cover every account).
    #[arg(long, global = true, value_name = "NAME", add = values::accounts())]
    pub account: Option<String>,
    /// Checklist for a new account (see `lockstep checklists`).
    #[arg(long, global = true, value_name = "ID", add = values::checklists())]
    pub checklist: Option<String>,
    /// A checklist file of yours for a new account to follow (also when its id is a bundled
    /// checklist's: this is the explicit choice).
    #[arg(long, global = true, value_name = "PATH")]
    pub checklist_file: Option<PathBuf>,
    /// The default account from the environment (LOCKSTEP_ACCOUNT).
    #[arg(skip = std::env::var("LOCKSTEP_ACCOUNT").ok().filter(|s| !s.is_empty()))]
    pub env_account: Option<String>,
    /// Seconds a change waits for another lockstep that is saving before giving up.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 2.0)]
    pub wait: f64,
    /// Colour in the TUI (command output is plain text).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// What the global options say a command works on, for the application layer.
    pub fn target(&self) -> crate::app::Target {
        crate::app::Target {
            account: self.account.clone(),
            env_account: self.env_account.clone(),
            checklist: self.checklist.clone(),
            checklist_file: self.checklist_file.clone(),
            wait: self.wait(),
        }
    }

    /// The account named with `--account`, else with `LOCKSTEP_ACCOUNT`.
    pub fn named_account(&self) -> Option<&str> {
        self.account.as_deref().or(self.env_account.as_deref())
    }

    /// True when `--checklist` or `--checklist-file` asks for a new account's checklist.
    pub fn wants_checklist(&self) -> bool {
        self.checklist.is_some() || self.checklist_file.is_some()
    }

    /// How long a writer waits for the lock (`--wait`).
    pub fn wait(&self) -> std::time::Duration {
        std::time::Duration::try_from_secs_f64(self.wait.clamp(0.0, 3600.0)).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Per-section progress, score, next due dates and any open incident.
    Status {
        #[arg(long)]
        json: bool,
        /// Every account on one page, worst first.
        #[arg(long)]
        all: bool,
    },
    /// One line per due or overdue review (for shell start-up).
    Due {
        /// Print nothing when nothing is due.
        #[arg(long, short)]
        quiet: bool,
        /// Exit with status 1 when something is due.
        #[arg(long)]
        exit_code: bool,
        /// Also list reviews due within 7 days (`--json` always lists them).
        #[arg(long)]
        soon: bool,
        #[arg(long)]
        json: bool,
    },
    /// Mark a setup step done.
    Check {
        #[arg(add = values::open_steps())]
        step: String,
    },
    /// Mark a setup step not done.
    Uncheck {
        #[arg(add = values::marked_steps())]
        step: String,
    },
    /// Skip a setup step, with a reason.
    Skip {
        #[arg(add = values::open_steps())]
        step: String,
        /// Why (the words after --reason, quoted or not).
        #[arg(long, short, required = true, num_args = 1.., allow_hyphen_values = true)]
        reason: Vec<String>,
    },
    /// Mark a setup step as not applicable (it leaves the score total).
    Na {
        #[arg(add = values::open_steps())]
        step: String,
    },
    /// Attach a note to a step (never a secret: they are refused).
    Note {
        #[arg(add = values::any_steps())]
        step: String,
        /// The note: the rest of the line, quoted or not (never echoed back on an error).
        #[arg(required = true, num_args = 1.., trailing_var_arg = true, allow_hyphen_values = true)]
        text: Vec<String>,
    },
    /// Remove a step's note everywhere: the state, every past note in the history, the backup
    /// of the previous save (for a note that should never have been stored).
    Forget {
        #[arg(add = values::noted_steps())]
        step: String,
    },
    /// Record a completed review (monthly, quarterly, after-integration) with all items checked.
    Review {
        #[arg(add = values::reviews())]
        section: String,
    },
    /// Hide a due or overdue review's reminder for up to 7 days (the schedule does not move).
    Snooze {
        #[arg(add = values::recurring())]
        section: String,
        /// Days to hide the reminder (1 to 7; longer requests are capped; 0 is refused).
        #[arg(long, default_value_t = 7, conflicts_with = "undo",
              value_parser = snooze_days)]
        days: u64,
        /// Show a snoozed reminder again.
        #[arg(long)]
        undo: bool,
    },
    /// Set how you use the account (comma-separated persona ids; empty for none).
    Personas {
        #[arg(value_delimiter = ',', add = values::personas())]
        personas: Vec<String>,
    },
    /// The setup walkthrough as plain line-by-line prompts (for screen readers and dumb
    /// terminals; also what `lockstep` runs when TERM=dumb).
    Walk {
        /// One setup section (default: every setup section in order).
        #[arg(add = values::setup_sections())]
        section: Option<String>,
    },
    /// I think I'm compromised: open an incident and print the emergency steps.
    Compromised,
    /// The emergency card: the emergency steps, what to do first and the support channels, as
    /// one page of plain text to print or photograph (no notes, no secrets).
    Card,
    /// The incident log.
    Incident {
        #[command(subcommand)]
        command: IncidentCommand,
    },
    /// Export progress or a reminder calendar.
    Export {
        #[arg(long, short, value_enum)]
        format: ExportFormat,
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// List available checklists, or start your own with --template and --schema.
    Checklists {
        /// Print a small valid checklist to start your own from.
        #[arg(long, conflicts_with = "schema")]
        template: bool,
        /// Print the JSON Schema for checklist files (for an editor's completion and checks).
        #[arg(long)]
        schema: bool,
    },
    /// Validate checklist files.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Merge another machine's progress: a copy of its data directory or of its history.jsonl
    /// (the union of both histories; running it again brings nothing new)
    Merge {
        /// A data directory, or a history.jsonl file
        path: PathBuf,
        /// Only show what would come in
        #[arg(long)]
        dry_run: bool,
    },
    /// Every recorded event, newest first.
    History {
        #[arg(long)]
        json: bool,
    },
    /// Tracked accounts: list them (default), rename, label, remove, or change a checklist.
    Accounts {
        #[command(subcommand)]
        command: Option<AccountsCommand>,
    },
    /// Print a shell's completion script (static: at each Tab it asks this binary for the
    /// candidates, step ids and titles, sections, accounts and checklists included).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff).
    Man,
    /// A daily desktop reminder: install, status, remove.
    Reminders {
        #[command(subcommand)]
        command: super::reminders::RemindersCommand,
    },
    /// Notify about due reviews and open incidents (what the daily reminder runs).
    Notify {
        /// Also rewrite this iCalendar file with every account's reviews.
        #[arg(long, value_name = "FILE")]
        ics: Option<PathBuf>,
    },
}

/// `snooze --days N`: a whole number of days, at least 1 (longer requests are capped later).
fn snooze_days(s: &str) -> Result<u64, String> {
    match s.parse::<u64>() {
        Ok(0) => Err("0 days would not hide the reminder; give 1 to 7".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("not a number of days ({e})")),
    }
}

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Add a note and/or a support ticket number to the open incident.
    Note {
        /// The note (its words; `--ticket` may come before or after them; a note that starts
        /// with `-` goes after `--`).
        #[arg(num_args = 0..)]
        text: Vec<String>,
        #[arg(long, short)]
        ticket: Option<String>,
    },
    /// Mark an emergency step done for the open incident.
    Done {
        #[arg(add = values::emergency_steps())]
        step: String,
    },
    /// Close the open incident with a resolution note.
    Close {
        /// How it ended (the rest of the line).
        #[arg(required = true, num_args = 1.., trailing_var_arg = true, allow_hyphen_values = true)]
        resolution: Vec<String>,
    },
    /// A false alarm: cancel the open incident and give every step it reopened its status back.
    Cancel {
        /// Why it was a false alarm (optional; the rest of the line).
        #[arg(num_args = 0.., trailing_var_arg = true, allow_hyphen_values = true)]
        reason: Vec<String>,
    },
    /// The incident timeline as Markdown, ready to paste to support.
    Report {
        #[arg(long)]
        id: Option<u32>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// List the tracked accounts with their labels and checklists.
    List,
    /// Give an account another name (its history and progress go with it).
    Rename {
        #[arg(add = values::accounts())]
        from: String,
        to: String,
    },
    /// Set the name shown for an account ("Mom's Crypto.com"); an empty TEXT removes it.
    Label {
        #[arg(add = values::accounts())]
        name: String,
        text: String,
    },
    /// Stop tracking an account (asks first; a backup of what is removed is kept).
    Remove {
        #[arg(add = values::accounts())]
        name: String,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
    },
    /// Make an account follow another checklist (a bundled or installed id, or a file of yours);
    /// progress whose ids both checklists have carries over, the rest is kept.
    #[command(group(clap::ArgGroup::new("target").required(true).args(["id", "file"])))]
    SetChecklist {
        #[arg(add = values::accounts())]
        name: String,
        #[arg(add = values::checklists())]
        id: Option<String>,
        /// A checklist file of yours (also when its id is a bundled checklist's).
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Md,
    Json,
    Ics,
}
