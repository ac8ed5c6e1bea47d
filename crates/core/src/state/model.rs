//! The progress model: per-account step status, reviews and incidents (the state file's
//! snapshot), with read-only queries on them. History events are recorded here and appended to
//! the separate history log by the store.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::event::EventKind;
use super::time::{date, utc, utc_map, utc_opt};
use crate::checklist::{Checklist, Section, Step};
use crate::ids::{AccountName, ChecklistId, PersonaId, SectionId, StepId};

/// Version of the state file format written by this build. Version 1 kept the history inside
/// the state file; version 2 keeps it in an append-only log beside it; version 3 makes the log
/// the truth (each change a line with an id and its delta) and the state file a checkpoint that
/// names the last change it reflects.
pub const STATE_VERSION: u32 = 3;
/// Name of the account used when `--account` is not given.
pub const DEFAULT_ACCOUNT: &str = "default";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub version: u32,
    /// Save counter: each save writes the next number, so a writer can tell whether the file
    /// changed since it loaded it.
    #[serde(default)]
    pub rev: u64,
    /// The part of the history log this snapshot reflects (version 3): loading is this snapshot
    /// plus the changes logged after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<LogPosition>,
    #[serde(default, deserialize_with = "super::unique::map")]
    pub accounts: BTreeMap<AccountName, Account>,
}

/// Where in the history log a snapshot stands: the last line it reflects runs from byte `start`
/// to byte `end` of the log and holds the change with id `last`; `seq` is the highest sequence
/// number of the changes it reflects (changes are applied in sequence order, see the store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogPosition {
    pub start: u64,
    pub end: u64,
    pub last: String,
    #[serde(default)]
    pub seq: u64,
}

impl Default for State {
    fn default() -> Self {
        State {
            version: STATE_VERSION,
            rev: 0,
            log: None,
            accounts: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub checklist: ChecklistId,
    #[serde(default)]
    pub personas: Vec<PersonaId>,
    /// True once the user answered the first-run persona question.
    #[serde(default)]
    pub personas_chosen: bool,
    #[serde(with = "utc")]
    pub created: DateTime<Utc>,
    /// The user's local date of the first setup progress (see [`Account::settle`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup_started: Option<NaiveDate>,
    #[serde(default, deserialize_with = "super::unique::map")]
    pub steps: BTreeMap<StepId, StepState>,
    #[serde(default, deserialize_with = "super::unique::map")]
    pub reviews: BTreeMap<SectionId, Review>,
    #[serde(default)]
    pub incidents: Vec<Incident>,
    /// A display name ("Mom's Crypto.com") shown instead of the account's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The user checklist file this account follows (an absolute path), chosen explicitly.
    /// Absent: the bundled checklist `checklist`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checklist_file: Option<PathBuf>,
    /// What this account last saw of its checklist, recorded at each change (absent in files
    /// written before lockstep kept it): tells what changed in a user checklist since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<Seen>,
    /// Names the account had before `lockstep accounts rename` (its older history is logged
    /// under them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_names: Vec<FormerName>,
    /// Changes recorded since the state was loaded, oldest first: the store appends them to the
    /// history log on the next save (the full history is read from there on demand).
    #[serde(skip)]
    pub new_events: Vec<Event>,
}

/// What an account last saw of its checklist.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seen {
    /// The sha256 of the followed user checklist file; absent for a bundled checklist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// A digest of each step of the followed file (id -> digest).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub steps: BTreeMap<StepId, String>,
    /// A digest of each section of the followed file without its steps (id -> digest).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sections: BTreeMap<SectionId, String>,
    /// Progress the checklist has no step or section for, as last reported (`step:ID`,
    /// `review:ID`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orphans: Vec<String>,
}

/// A name an account had until it was renamed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormerName {
    pub name: AccountName,
    pub until: DateTime<Utc>,
}

/// The current status of one setup step. Written as `{"state": "done", "at": ...}`; read through
/// [`StatusRepr`] (a plain struct: serde's tagged-enum reader buffers every value first, which
/// made reading a state file several times slower).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "state",
    rename_all = "snake_case",
    deny_unknown_fields,
    try_from = "StatusRepr"
)]
pub enum Status {
    Todo,
    Done {
        #[serde(with = "utc")]
        at: DateTime<Utc>,
    },
    Skipped {
        #[serde(with = "utc")]
        at: DateTime<Utc>,
        reason: String,
    },
    NotApplicable {
        #[serde(with = "utc")]
        at: DateTime<Utc>,
    },
    /// Was done, but an incident asks to verify it again.
    Reverify {
        #[serde(with = "utc")]
        since: DateTime<Utc>,
        incident: u32,
        /// The status before the incident reopened it, restored when the incident is cancelled
        /// as a false alarm (absent in files written before it was kept: then "done").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous: Option<Box<Status>>,
    },
}

/// Every field any status may have; which ones are required depends on `state`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusRepr {
    state: String,
    #[serde(default, with = "utc_opt")]
    at: Option<DateTime<Utc>>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default, with = "utc_opt")]
    since: Option<DateTime<Utc>>,
    #[serde(default)]
    incident: Option<u32>,
    #[serde(default)]
    previous: Option<Box<Status>>,
}

impl TryFrom<StatusRepr> for Status {
    type Error = String;

    fn try_from(r: StatusRepr) -> Result<Status, String> {
        let need = |what: &str| format!("missing field `{what}` for state `{}`", r.state);
        let extra = |what: &str, present: bool| {
            if present {
                Err(format!("unknown field `{what}` for state `{}`", r.state))
            } else {
                Ok(())
            }
        };
        if r.state != "reverify" && r.previous.is_some() {
            return Err(format!("unknown field `previous` for state `{}`", r.state));
        }
        let s = match r.state.as_str() {
            "todo" => Status::Todo,
            "done" => Status::Done {
                at: r.at.ok_or_else(|| need("at"))?,
            },
            "skipped" => Status::Skipped {
                at: r.at.ok_or_else(|| need("at"))?,
                reason: r.reason.clone().ok_or_else(|| need("reason"))?,
            },
            "not_applicable" => Status::NotApplicable {
                at: r.at.ok_or_else(|| need("at"))?,
            },
            "reverify" => Status::Reverify {
                since: r.since.ok_or_else(|| need("since"))?,
                incident: r.incident.ok_or_else(|| need("incident"))?,
                previous: r.previous,
            },
            other => {
                return Err(format!(
                    "unknown variant `{other}`, expected one of `todo`, `done`, `skipped`, \
                     `not_applicable`, `reverify`"
                ));
            }
        };
        let state = r.state.as_str();
        extra(
            "at",
            state != "done" && state != "skipped" && state != "not_applicable" && r.at.is_some(),
        )?;
        extra("reason", state != "skipped" && r.reason.is_some())?;
        extra("since", state != "reverify" && r.since.is_some())?;
        extra("incident", state != "reverify" && r.incident.is_some())?;
        Ok(s)
    }
}

impl Status {
    pub fn is_done(&self) -> bool {
        matches!(self, Status::Done { .. })
    }
    pub fn symbol(&self) -> &'static str {
        match self {
            Status::Todo => "[ ]",
            Status::Done { .. } => "[x]",
            Status::Skipped { .. } => "[-]",
            Status::NotApplicable { .. } => "[/]",
            Status::Reverify { .. } => "[?]",
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            Status::Todo => "to do",
            Status::Done { .. } => "done",
            Status::Skipped { .. } => "skipped",
            Status::NotApplicable { .. } => "not applicable",
            Status::Reverify { .. } => "re-verify",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepState {
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Default for StepState {
    fn default() -> Self {
        StepState {
            status: Status::Todo,
            note: None,
        }
    }
}

/// One completion of a recurring review or event re-check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Completion {
    #[serde(with = "utc")]
    pub at: DateTime<Utc>,
    /// The user's local date when it was completed: schedules are computed on this.
    #[serde(with = "date")]
    pub date: NaiveDate,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    #[serde(default)]
    pub completions: Vec<Completion>,
    /// Items checked in the current, unfinished run (step id -> when).
    #[serde(
        default,
        deserialize_with = "super::unique::map",
        serialize_with = "utc_map"
    )]
    pub in_progress: BTreeMap<StepId, DateTime<Utc>>,
    /// The reminder is hidden until this date; the schedule itself does not move.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<NaiveDate>,
    /// The user's local date the snooze was set (absent in files written before it was kept):
    /// tells a snooze set under a clock running ahead from a real one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_on: Option<NaiveDate>,
    /// Set by an incident: the review is due now until completed after this moment.
    #[serde(default, with = "utc_opt", skip_serializing_if = "Option::is_none")]
    pub due_now_since: Option<DateTime<Utc>>,
}

/// How many completions of a review the state keeps (the most recent ones; every completion is
/// also a "review completed" event in the history). Scheduling needs only the latest one not
/// dated in the future; keeping a few more covers records made with a wrong clock.
pub const KEPT_COMPLETIONS: usize = 12;

impl Review {
    pub fn last(&self) -> Option<&Completion> {
        self.completions.iter().max_by_key(|c| (c.date, c.at))
    }

    /// Adds a completion, keeping only the [`KEPT_COMPLETIONS`] most recent, so the state file
    /// stays the same size however many years of reviews it has seen.
    pub fn record(&mut self, c: Completion) {
        self.completions.push(c);
        if self.completions.len() > KEPT_COMPLETIONS {
            self.completions.sort_by_key(|c| (c.date, c.at));
            let extra = self.completions.len() - KEPT_COMPLETIONS;
            self.completions.drain(..extra);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    /// The number people see (#1, #2 ...), per account. Two machines may give one number to two
    /// incidents before they sync: the merge renumbers one of them (see `uid`).
    pub id: u32,
    /// Unique among every incident on every machine, given by the store at the first save
    /// (empty in files older than it: then `n` and the number, see [`Incident::key`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub uid: String,
    #[serde(with = "utc")]
    pub opened: DateTime<Utc>,
    /// Emergency step id -> when it was done.
    #[serde(
        default,
        deserialize_with = "super::unique::map",
        serialize_with = "utc_map"
    )]
    pub steps: BTreeMap<StepId, DateTime<Utc>>,
    #[serde(default)]
    pub log: Vec<LogEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Closure>,
    /// What opening the incident cleared on each recurring review (a snooze, items checked in an
    /// unfinished run), put back if it is cancelled as a false alarm.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reviews_before: BTreeMap<SectionId, ReviewBefore>,
}

impl Incident {
    /// What identifies the incident across machines and merges: its `uid`, or for an incident
    /// from before uids (all made on one machine) `n` and its number.
    pub fn key(&self) -> String {
        if self.uid.is_empty() {
            format!("n{}", self.id)
        } else {
            self.uid.clone()
        }
    }
}

/// The parts of a review that opening an incident clears.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewBefore {
    #[serde(default, with = "utc_opt", skip_serializing_if = "Option::is_none")]
    pub due_now_since: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_on: Option<NaiveDate>,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        serialize_with = "utc_map"
    )]
    pub in_progress: BTreeMap<StepId, DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogEntry {
    #[serde(with = "utc")]
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

impl LogEntry {
    /// The one way a log entry is written out: "Support ticket: T; note: text",
    /// "Support ticket: T", or "Note: text".
    pub fn describe(&self) -> String {
        super::event::log_line(self.ticket.as_deref(), &self.text)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    #[serde(with = "utc")]
    pub at: DateTime<Utc>,
    pub resolution: String,
    /// Cancelled as a false alarm: the statuses it changed were restored.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub false_alarm: bool,
}

/// One entry of the history log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    #[serde(with = "utc")]
    pub at: DateTime<Utc>,
    #[serde(rename = "what")]
    pub kind: EventKind,
}

impl Account {
    /// A new account following the bundled checklist `checklist` (set `checklist_file` for a
    /// user file).
    pub fn new(checklist: &str, now: DateTime<Utc>) -> Account {
        Account {
            checklist: ChecklistId::from(checklist),
            personas: Vec::new(),
            personas_chosen: false,
            created: now,
            setup_started: None,
            steps: BTreeMap::new(),
            reviews: BTreeMap::new(),
            incidents: Vec::new(),
            label: None,
            checklist_file: None,
            // A new account has seen nothing yet, and is never mistaken for one saved by an
            // earlier lockstep (see `Account::observe`).
            seen: Some(Seen::default()),
            former_names: Vec::new(),
            new_events: vec![Event {
                at: now,
                kind: EventKind::AccountCreated {
                    checklist: ChecklistId::from(checklist),
                },
            }],
        }
    }

    pub(super) fn log(&mut self, now: DateTime<Utc>, kind: EventKind) {
        self.new_events.push(Event { at: now, kind });
    }

    pub fn status(&self, step: &str) -> &Status {
        static TODO: Status = Status::Todo;
        self.steps.get(step).map_or(&TODO, |s| &s.status)
    }

    /// True when a step applies to this account: its personas match, and the setup step it
    /// requires (if any) is not marked not applicable. The one applicability rule.
    pub fn applies(&self, step: &Step) -> bool {
        step.applies_to(&self.personas)
            && step
                .requires
                .as_ref()
                .is_none_or(|r| !matches!(self.status(r.as_str()), Status::NotApplicable { .. }))
    }

    /// The setup step a review item checks on, when it was never set up (to do or skipped): the
    /// quarterly passkey check while no passkey was ever added. Such an item shows "set up
    /// first" and a review is recorded without it.
    pub fn waits_for_setup<'c>(&self, cl: &'c Checklist, item: &Step) -> Option<&'c Step> {
        let r = item.requires.as_ref()?.as_str();
        let (_, setup) = cl.step(r)?;
        matches!(self.status(r), Status::Todo | Status::Skipped { .. }).then_some(setup)
    }

    /// The steps of a section that apply to this account, in checklist order.
    pub fn applicable<'s>(&'s self, section: &'s Section) -> impl Iterator<Item = &'s Step> + 's {
        section.steps.iter().filter(move |t| self.applies(t))
    }

    pub fn note(&self, step: &str) -> Option<&str> {
        self.steps.get(step).and_then(|s| s.note.as_deref())
    }

    /// The local date setup started: the first step done, skipped or marked not applicable, or
    /// the first review completed. Reviews are first due one interval after it.
    pub fn setup_started_on(&self) -> Option<NaiveDate> {
        self.setup_started
            // Progress not yet settled (or a hand-edited file): count from creation.
            .or_else(|| self.setup_started().then(|| self.created.date_naive()))
    }

    /// Records what needs the user's local calendar after a change: the date setup started.
    /// Called once per change by the CLI and the TUI (operations only know UTC `now`).
    pub fn settle(&mut self, today: NaiveDate) {
        if self.setup_started.is_none() && self.setup_started() {
            self.setup_started = Some(today);
        }
    }

    /// True once the user has done anything with the setup checklist.
    pub fn setup_started(&self) -> bool {
        self.steps
            .values()
            .any(|s| !matches!(s.status, Status::Todo))
            || self.reviews.values().any(|r| !r.completions.is_empty())
    }

    pub fn open_incident(&self) -> Option<&Incident> {
        self.incidents.iter().rev().find(|i| i.closed.is_none())
    }

    /// How many setup steps incident `id` reopened that still wait for re-verification.
    pub fn reopened_by(&self, id: u32) -> usize {
        self.steps
            .values()
            .filter(|s| matches!(s.status, Status::Reverify { incident, .. } if incident == id))
            .count()
    }

    /// What opening incident `id` did to the setup steps, in one sentence (the command line and
    /// the TUI say it the same way).
    pub fn reopened_sentence(&self, id: u32) -> String {
        match self.reopened_by(id) {
            0 => "No setup step was done yet, so none needs re-verifying.".into(),
            1 => "The 1 setup step that was done is reopened for re-verification.".into(),
            n => format!("The {n} setup steps that were done are reopened for re-verification."),
        }
    }

    pub(super) fn open_incident_mut(&mut self) -> Option<&mut Incident> {
        self.incidents.iter_mut().rev().find(|i| i.closed.is_none())
    }
}
