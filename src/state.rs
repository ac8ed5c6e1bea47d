//! Progress model and its operations (SPEC §2): per-account step status, history, reviews, incidents.
//!
//! Pure: every operation takes `now` (UTC) and, where dates matter, the user's local `today`.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::checklist::{Checklist, SectionKind};

/// Version of the state file format written by this build.
pub const STATE_VERSION: u32 = 1;
/// Name of the account used when `--account` is not given.
pub const DEFAULT_ACCOUNT: &str = "default";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub version: u32,
    #[serde(default)]
    pub accounts: BTreeMap<String, Account>,
}

impl Default for State {
    fn default() -> Self {
        State {
            version: STATE_VERSION,
            accounts: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub checklist: String,
    #[serde(default)]
    pub personas: Vec<String>,
    /// True once the user answered the first-run persona question.
    #[serde(default)]
    pub personas_chosen: bool,
    pub created: DateTime<Utc>,
    #[serde(default)]
    pub steps: BTreeMap<String, StepState>,
    #[serde(default)]
    pub reviews: BTreeMap<String, Review>,
    #[serde(default)]
    pub incidents: Vec<Incident>,
    /// Every recorded change, oldest first (append-only).
    #[serde(default)]
    pub history: Vec<Event>,
}

/// The current status of one setup step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case", deny_unknown_fields)]
pub enum Status {
    Todo,
    Done {
        at: DateTime<Utc>,
    },
    Skipped {
        at: DateTime<Utc>,
        reason: String,
    },
    NotApplicable {
        at: DateTime<Utc>,
    },
    /// Was done, but an incident asks to verify it again.
    Reverify {
        since: DateTime<Utc>,
        incident: u32,
    },
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
    pub at: DateTime<Utc>,
    /// The user's local date when it was completed: schedules are computed on this.
    pub date: NaiveDate,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    #[serde(default)]
    pub completions: Vec<Completion>,
    /// Items checked in the current, unfinished run (step id -> when).
    #[serde(default)]
    pub in_progress: BTreeMap<String, DateTime<Utc>>,
    /// The reminder is hidden until this date; the schedule itself does not move.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<NaiveDate>,
    /// Set by an incident: the review is due now until completed after this moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_now_since: Option<DateTime<Utc>>,
}

impl Review {
    pub fn last(&self) -> Option<&Completion> {
        self.completions.iter().max_by_key(|c| (c.date, c.at))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    pub id: u32,
    pub opened: DateTime<Utc>,
    /// Emergency step id -> when it was done.
    #[serde(default)]
    pub steps: BTreeMap<String, DateTime<Utc>>,
    #[serde(default)]
    pub log: Vec<LogEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Closure>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    pub at: DateTime<Utc>,
    pub resolution: String,
}

/// One entry of the history log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    #[serde(deserialize_with = "fast_utc")]
    pub at: DateTime<Utc>,
    #[serde(rename = "what")]
    pub kind: EventKind,
}

/// Parses a UTC timestamp; the common `YYYY-MM-DDTHH:MM:SS[.fraction]Z` form without chrono's
/// general parser (history files hold many thousands), anything else through chrono.
fn fast_utc<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let s = <std::borrow::Cow<'de, str> as Deserialize>::deserialize(d)?;
    if let Some(t) = parse_utc_fast(&s) {
        return Ok(t);
    }
    s.parse::<DateTime<Utc>>().map_err(serde::de::Error::custom)
}

fn parse_utc_fast(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() < 20
        || *b.last()? != b'Z'
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let nanos = match &b[19..b.len() - 1] {
        [] => 0,
        [b'.', frac @ ..] if !frac.is_empty() && frac.len() <= 9 => {
            let n = frac.iter().try_fold(0u32, |n, c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })?;
            n * 10u32.pow(9 - frac.len() as u32)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let time =
        chrono::NaiveTime::from_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)?;
    Some(date.and_time(time).and_utc())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventKind {
    AccountCreated {
        checklist: String,
    },
    PersonasSet {
        personas: Vec<String>,
    },
    StepDone {
        step: String,
    },
    StepUnchecked {
        step: String,
    },
    StepSkipped {
        step: String,
        reason: String,
    },
    StepNotApplicable {
        step: String,
    },
    StepNote {
        step: String,
        text: String,
    },
    ReviewItemDone {
        section: String,
        step: String,
    },
    ReviewItemUndone {
        section: String,
        step: String,
    },
    ReviewCompleted {
        section: String,
        date: NaiveDate,
    },
    ReviewSnoozed {
        section: String,
        until: NaiveDate,
    },
    IncidentOpened {
        incident: u32,
    },
    IncidentStepDone {
        incident: u32,
        step: String,
    },
    /// An emergency step marked done was un-marked (its time is no longer in the incident).
    IncidentStepUndone {
        incident: u32,
        step: String,
    },
    IncidentNote {
        incident: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ticket: Option<String>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        text: String,
    },
    IncidentClosed {
        incident: u32,
        resolution: String,
    },
    StepsReopened {
        incident: u32,
        steps: Vec<String>,
    },
}

impl EventKind {
    /// A one-line human description.
    pub fn describe(&self, cl: Option<&Checklist>) -> String {
        let title = |id: &str| {
            cl.and_then(|c| c.step(id))
                .map(|(_, s)| format!("{} ({id})", s.title))
                .unwrap_or_else(|| id.to_string())
        };
        let section = |id: &str| {
            cl.and_then(|c| c.section(id))
                .map(|s| s.title.clone())
                .unwrap_or_else(|| id.to_string())
        };
        match self {
            EventKind::AccountCreated { checklist } => {
                format!("Started tracking with checklist {checklist}")
            }
            EventKind::PersonasSet { personas } if personas.is_empty() => "Personas cleared".into(),
            EventKind::PersonasSet { personas } => format!("Personas set: {}", personas.join(", ")),
            EventKind::StepDone { step } => format!("Done: {}", title(step)),
            EventKind::StepUnchecked { step } => format!("Unchecked: {}", title(step)),
            EventKind::StepSkipped { step, reason } => {
                format!("Skipped: {} - {reason}", title(step))
            }
            EventKind::StepNotApplicable { step } => format!("Not applicable: {}", title(step)),
            EventKind::StepNote { step, text } => format!("Note on {}: {text}", title(step)),
            EventKind::ReviewItemDone { section: s, step } => {
                format!("{}: checked {}", section(s), title(step))
            }
            EventKind::ReviewItemUndone { section: s, step } => {
                format!("{}: unchecked {}", section(s), title(step))
            }
            EventKind::ReviewCompleted { section: s, date } => {
                format!("{} completed ({date})", section(s))
            }
            EventKind::ReviewSnoozed { section: s, until } => {
                format!("{} reminder snoozed until {until}", section(s))
            }
            EventKind::IncidentOpened { incident } => format!("Incident #{incident} opened"),
            EventKind::IncidentStepDone { incident, step } => {
                format!("Incident #{incident}: done {}", title(step))
            }
            EventKind::IncidentStepUndone { incident, step } => {
                format!("Incident #{incident}: undone {}", title(step))
            }
            EventKind::IncidentNote {
                incident,
                ticket,
                text,
            } => match ticket {
                Some(t) if text.is_empty() => format!("Incident #{incident}: ticket {t}"),
                Some(t) => format!("Incident #{incident}: ticket {t}: {text}"),
                None => format!("Incident #{incident}: note: {text}"),
            },
            EventKind::IncidentClosed {
                incident,
                resolution,
            } => {
                format!("Incident #{incident} closed: {resolution}")
            }
            EventKind::StepsReopened { incident, steps } => format!(
                "Incident #{incident}: {} setup steps reopened for re-verification",
                steps.len()
            ),
        }
    }
}

/// Errors from domain operations (wrong step id, wrong section kind, ...).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpError {
    #[error("unknown step '{0}' (run `lockstep status` to list step ids)")]
    UnknownStep(String),
    #[error("unknown section '{0}'")]
    UnknownSection(String),
    #[error("step '{step}' is in the {kind} section '{section}', not a setup step; {hint}")]
    NotSetupStep {
        step: String,
        section: String,
        kind: &'static str,
        hint: &'static str,
    },
    #[error("section '{0}' is not a review (recurring or event) section")]
    NotReview(String),
    #[error(
        "'{0}' is an on-demand re-check: it has no schedule, so there is no reminder to snooze \
         (record it with `lockstep review {0}` whenever you do it)"
    )]
    NoSchedule(String),
    #[error("no incident is open (start one with `lockstep compromised`)")]
    NoOpenIncident,
    #[error("a skip needs a reason")]
    EmptyReason,
    #[error("{0}")]
    Refused(String),
}

impl Account {
    pub fn new(checklist: &str, now: DateTime<Utc>) -> Account {
        Account {
            checklist: checklist.to_string(),
            personas: Vec::new(),
            personas_chosen: false,
            created: now,
            steps: BTreeMap::new(),
            reviews: BTreeMap::new(),
            incidents: Vec::new(),
            history: vec![Event {
                at: now,
                kind: EventKind::AccountCreated {
                    checklist: checklist.to_string(),
                },
            }],
        }
    }

    fn log(&mut self, now: DateTime<Utc>, kind: EventKind) {
        self.history.push(Event { at: now, kind });
    }

    pub fn status(&self, step: &str) -> &Status {
        static TODO: Status = Status::Todo;
        self.steps.get(step).map_or(&TODO, |s| &s.status)
    }

    pub fn note(&self, step: &str) -> Option<&str> {
        self.steps.get(step).and_then(|s| s.note.as_deref())
    }

    /// True once the user has done anything with the setup checklist.
    /// The (UTC) date of the first setup progress: a step done, skipped or marked not applicable,
    /// or a review completed.
    pub fn setup_started_on(&self) -> Option<NaiveDate> {
        self.history
            .iter()
            .find(|e| {
                matches!(
                    e.kind,
                    EventKind::StepDone { .. }
                        | EventKind::StepSkipped { .. }
                        | EventKind::StepNotApplicable { .. }
                        | EventKind::ReviewCompleted { .. }
                )
            })
            .map(|e| e.at.date_naive())
            // A hand-edited file may have progress without history: count from creation.
            .or_else(|| self.setup_started().then(|| self.created.date_naive()))
    }

    pub fn setup_started(&self) -> bool {
        self.steps
            .values()
            .any(|s| !matches!(s.status, Status::Todo))
            || self.reviews.values().any(|r| !r.completions.is_empty())
    }

    pub fn open_incident(&self) -> Option<&Incident> {
        self.incidents.iter().rev().find(|i| i.closed.is_none())
    }

    fn open_incident_mut(&mut self) -> Option<&mut Incident> {
        self.incidents.iter_mut().rev().find(|i| i.closed.is_none())
    }

    pub fn set_personas(&mut self, personas: Vec<String>, now: DateTime<Utc>) {
        self.personas_chosen = true;
        if self.personas != personas {
            self.personas = personas.clone();
            self.log(now, EventKind::PersonasSet { personas });
        }
    }

    fn setup_step(&self, cl: &Checklist, step: &str) -> Result<(), OpError> {
        let (section, _) = cl
            .step(step)
            .ok_or_else(|| OpError::UnknownStep(step.to_string()))?;
        if section.kind != SectionKind::Setup {
            return Err(OpError::NotSetupStep {
                step: step.to_string(),
                section: section.id.clone(),
                kind: section.kind.label(),
                hint: match section.kind {
                    SectionKind::Emergency => {
                        "use the emergency screen (`!`) or `lockstep compromised`"
                    }
                    _ => "check it off in the review screen",
                },
            });
        }
        Ok(())
    }

    fn set_status(&mut self, step: &str, status: Status) {
        self.steps.entry(step.to_string()).or_default().status = status;
    }

    /// Marks a setup step done. Idempotent: checking a done step again changes nothing.
    pub fn check(
        &mut self,
        cl: &Checklist,
        step: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, OpError> {
        self.setup_step(cl, step)?;
        if self.status(step).is_done() {
            return Ok(false);
        }
        self.set_status(step, Status::Done { at: now });
        self.log(now, EventKind::StepDone { step: step.into() });
        Ok(true)
    }

    pub fn uncheck(
        &mut self,
        cl: &Checklist,
        step: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, OpError> {
        self.setup_step(cl, step)?;
        if matches!(self.status(step), Status::Todo) {
            return Ok(false);
        }
        self.set_status(step, Status::Todo);
        self.log(now, EventKind::StepUnchecked { step: step.into() });
        Ok(true)
    }

    pub fn skip(
        &mut self,
        cl: &Checklist,
        step: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), OpError> {
        self.setup_step(cl, step)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(OpError::EmptyReason);
        }
        crate::guard::check_secret(reason).map_err(|e| OpError::Refused(e.to_string()))?;
        self.set_status(
            step,
            Status::Skipped {
                at: now,
                reason: reason.to_string(),
            },
        );
        self.log(
            now,
            EventKind::StepSkipped {
                step: step.into(),
                reason: reason.into(),
            },
        );
        Ok(())
    }

    pub fn not_applicable(
        &mut self,
        cl: &Checklist,
        step: &str,
        now: DateTime<Utc>,
    ) -> Result<(), OpError> {
        self.setup_step(cl, step)?;
        self.set_status(step, Status::NotApplicable { at: now });
        self.log(now, EventKind::StepNotApplicable { step: step.into() });
        Ok(())
    }

    /// Attaches a note to any step (setup, review or emergency). Refuses secrets.
    pub fn set_note(
        &mut self,
        cl: &Checklist,
        step: &str,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<(), OpError> {
        cl.step(step)
            .ok_or_else(|| OpError::UnknownStep(step.to_string()))?;
        crate::guard::check_secret(text).map_err(|e| OpError::Refused(e.to_string()))?;
        let text = text.trim().to_string();
        self.steps.entry(step.to_string()).or_default().note =
            (!text.is_empty()).then(|| text.clone());
        self.log(
            now,
            EventKind::StepNote {
                step: step.into(),
                text,
            },
        );
        Ok(())
    }

    fn review_section<'c>(
        &self,
        cl: &'c Checklist,
        section: &str,
    ) -> Result<&'c crate::checklist::Section, OpError> {
        let s = cl
            .section(section)
            .ok_or_else(|| OpError::UnknownSection(section.to_string()))?;
        if !matches!(s.kind, SectionKind::Recurring | SectionKind::Event) {
            return Err(OpError::NotReview(section.to_string()));
        }
        Ok(s)
    }

    /// Toggles one item of a review run. Returns the completion date when this completed the review.
    pub fn toggle_review_item(
        &mut self,
        cl: &Checklist,
        section: &str,
        step: &str,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Option<NaiveDate>, OpError> {
        let s = self.review_section(cl, section)?;
        if !s.steps.iter().any(|t| t.id == step) {
            return Err(OpError::UnknownStep(step.to_string()));
        }
        let applicable: Vec<String> = s
            .steps
            .iter()
            .filter(|t| t.applies_to(&self.personas))
            .map(|t| t.id.clone())
            .collect();
        let review = self.reviews.entry(section.to_string()).or_default();
        let kind = if review.in_progress.remove(step).is_some() {
            EventKind::ReviewItemUndone {
                section: section.into(),
                step: step.into(),
            }
        } else {
            review.in_progress.insert(step.to_string(), now);
            EventKind::ReviewItemDone {
                section: section.into(),
                step: step.into(),
            }
        };
        self.log(now, kind);
        let review = self.reviews.get(section).expect("inserted above");
        if applicable
            .iter()
            .all(|id| review.in_progress.contains_key(id))
        {
            self.complete_review(cl, section, now, today)?;
            return Ok(Some(today));
        }
        Ok(None)
    }

    /// Records a whole review as done today (all items).
    pub fn complete_review(
        &mut self,
        cl: &Checklist,
        section: &str,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<(), OpError> {
        self.review_section(cl, section)?;
        let review = self.reviews.entry(section.to_string()).or_default();
        review.completions.push(Completion {
            at: now,
            date: today,
        });
        review.in_progress.clear();
        review.snoozed_until = None;
        review.due_now_since = None;
        self.log(
            now,
            EventKind::ReviewCompleted {
                section: section.into(),
                date: today,
            },
        );
        Ok(())
    }

    pub fn snooze(
        &mut self,
        cl: &Checklist,
        section: &str,
        until: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), OpError> {
        if self.review_section(cl, section)?.kind != SectionKind::Recurring {
            return Err(OpError::NoSchedule(section.to_string()));
        }
        self.reviews
            .entry(section.to_string())
            .or_default()
            .snoozed_until = Some(until);
        self.log(
            now,
            EventKind::ReviewSnoozed {
                section: section.into(),
                until,
            },
        );
        Ok(())
    }

    /// Opens an incident (or returns the one already open): reopens done setup steps for
    /// re-verification and makes every recurring review due now. History is kept.
    pub fn open_compromise(&mut self, cl: &Checklist, now: DateTime<Utc>) -> u32 {
        if let Some(i) = self.open_incident() {
            return i.id;
        }
        let id = self.incidents.iter().map(|i| i.id).max().unwrap_or(0) + 1;
        self.incidents.push(Incident {
            id,
            opened: now,
            steps: BTreeMap::new(),
            log: Vec::new(),
            closed: None,
        });
        self.log(now, EventKind::IncidentOpened { incident: id });
        let mut reopened = Vec::new();
        for s in cl.sections_of(SectionKind::Setup) {
            for t in &s.steps {
                if self.status(&t.id).is_done() {
                    self.set_status(
                        &t.id,
                        Status::Reverify {
                            since: now,
                            incident: id,
                        },
                    );
                    reopened.push(t.id.clone());
                }
            }
        }
        self.log(
            now,
            EventKind::StepsReopened {
                incident: id,
                steps: reopened,
            },
        );
        for s in cl.sections_of(SectionKind::Recurring) {
            let r = self.reviews.entry(s.id.clone()).or_default();
            r.due_now_since = Some(now);
            r.snoozed_until = None;
            r.in_progress.clear();
        }
        id
    }

    /// Marks an emergency step done for the open incident (toggling it off again if already done).
    pub fn toggle_emergency_step(
        &mut self,
        cl: &Checklist,
        step: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, OpError> {
        let em = cl
            .emergency()
            .ok_or_else(|| OpError::UnknownSection("emergency".into()))?;
        if !em.steps.iter().any(|t| t.id == step) {
            return Err(OpError::UnknownStep(step.to_string()));
        }
        let inc = self.open_incident_mut().ok_or(OpError::NoOpenIncident)?;
        let id = inc.id;
        if inc.steps.remove(step).is_some() {
            // The time it was done is gone from the incident; the history keeps both events.
            self.log(
                now,
                EventKind::IncidentStepUndone {
                    incident: id,
                    step: step.into(),
                },
            );
            return Ok(false);
        }
        inc.steps.insert(step.to_string(), now);
        self.log(
            now,
            EventKind::IncidentStepDone {
                incident: id,
                step: step.into(),
            },
        );
        Ok(true)
    }

    /// Adds a note and/or a support ticket number to the open incident log.
    pub fn incident_note(
        &mut self,
        text: &str,
        ticket: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<u32, OpError> {
        let text = text.trim().to_string();
        let ticket = ticket
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from);
        if text.is_empty() && ticket.is_none() {
            return Err(OpError::Refused("the note is empty".into()));
        }
        crate::guard::check_secret(&text).map_err(|e| OpError::Refused(e.to_string()))?;
        if let Some(t) = &ticket {
            crate::guard::check_secret(t).map_err(|e| OpError::Refused(e.to_string()))?;
        }
        let inc = self.open_incident_mut().ok_or(OpError::NoOpenIncident)?;
        let id = inc.id;
        inc.log.push(LogEntry {
            at: now,
            ticket: ticket.clone(),
            text: text.clone(),
        });
        self.log(
            now,
            EventKind::IncidentNote {
                incident: id,
                ticket,
                text,
            },
        );
        Ok(id)
    }

    pub fn close_incident(&mut self, resolution: &str, now: DateTime<Utc>) -> Result<u32, OpError> {
        let resolution = resolution.trim().to_string();
        if resolution.is_empty() {
            return Err(OpError::Refused(
                "closing an incident needs a resolution note".into(),
            ));
        }
        crate::guard::check_secret(&resolution).map_err(|e| OpError::Refused(e.to_string()))?;
        let inc = self.open_incident_mut().ok_or(OpError::NoOpenIncident)?;
        let id = inc.id;
        inc.closed = Some(Closure {
            at: now,
            resolution: resolution.clone(),
        });
        self.log(
            now,
            EventKind::IncidentClosed {
                incident: id,
                resolution,
            },
        );
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{BUNDLED, parse};
    use chrono::TimeZone;

    fn cl() -> Checklist {
        parse("crypto-com.json", BUNDLED[0].1).unwrap()
    }
    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, h, 0, 0).unwrap()
    }
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn check_uncheck_skip_and_history() {
        let c = cl();
        let mut a = Account::new("crypto-com", t(0));
        assert!(!a.setup_started());
        assert!(a.check(&c, "totp-2fa", t(1)).unwrap());
        assert!(!a.check(&c, "totp-2fa", t(2)).unwrap(), "idempotent");
        assert!(a.status("totp-2fa").is_done());
        assert!(a.setup_started());
        assert!(a.uncheck(&c, "totp-2fa", t(3)).unwrap());
        assert_eq!(a.status("totp-2fa"), &Status::Todo);
        assert_eq!(
            a.skip(&c, "totp-2fa", "  ", t(4)),
            Err(OpError::EmptyReason)
        );
        a.skip(&c, "totp-2fa", "no phone", t(4)).unwrap();
        assert_eq!(a.status("totp-2fa").label(), "skipped");
        assert_eq!(a.history.len(), 4);
        assert!(matches!(
            a.check(&c, "nope", t(5)),
            Err(OpError::UnknownStep(_))
        ));
        let em = c.emergency().unwrap().steps[0].id.clone();
        assert!(matches!(
            a.check(&c, &em, t(5)),
            Err(OpError::NotSetupStep { .. })
        ));
    }

    #[test]
    fn review_completes_when_all_items_checked() {
        let c = cl();
        let mut a = Account::new("crypto-com", t(0));
        let monthly = c.section("monthly").unwrap();
        let n = monthly.steps.len();
        for (i, s) in monthly.steps.iter().enumerate() {
            let r = a
                .toggle_review_item(&c, "monthly", &s.id, t(1), d(2026, 11, 25))
                .unwrap();
            assert_eq!(r.is_some(), i == n - 1);
        }
        let r = &a.reviews["monthly"];
        assert_eq!(r.completions.len(), 1);
        assert!(r.in_progress.is_empty());
        // Untoggling an item in progress.
        let first = &monthly.steps[0].id;
        a.toggle_review_item(&c, "monthly", first, t(2), d(2026, 11, 26))
            .unwrap();
        a.toggle_review_item(&c, "monthly", first, t(3), d(2026, 11, 26))
            .unwrap();
        assert!(a.reviews["monthly"].in_progress.is_empty());
        assert!(
            a.toggle_review_item(&c, "essentials", "totp-2fa", t(1), d(2026, 1, 1))
                .is_err()
        );
    }

    #[test]
    fn compromise_reopens_without_losing_history() {
        let c = cl();
        let mut a = Account::new("crypto-com", t(0));
        a.check(&c, "totp-2fa", t(1)).unwrap();
        a.check(&c, "anti-phishing-code", t(1)).unwrap();
        a.complete_review(&c, "monthly", t(1), d(2026, 11, 25))
            .unwrap();
        let before = a.history.clone();
        let id = a.open_compromise(&c, t(2));
        assert_eq!(id, 1);
        assert_eq!(
            a.open_compromise(&c, t(3)),
            1,
            "one open incident at a time"
        );
        assert!(a.history.starts_with(&before), "history is append-only");
        assert!(matches!(
            a.status("totp-2fa"),
            Status::Reverify { incident: 1, .. }
        ));
        assert!(a.reviews["monthly"].due_now_since.is_some());
        assert_eq!(a.reviews["monthly"].completions.len(), 1);
        let em = c.emergency().unwrap();
        assert!(a.toggle_emergency_step(&c, &em.steps[0].id, t(2)).unwrap());
        a.incident_note("chat opened", Some("#12345"), t(2))
            .unwrap();
        assert!(a.incident_note("", None, t(2)).is_err());
        a.close_incident("account recovered", t(5)).unwrap();
        assert!(a.open_incident().is_none());
        assert_eq!(
            a.incident_note("x", None, t(6)),
            Err(OpError::NoOpenIncident)
        );
        // Re-verify, then a new incident gets id 2.
        a.check(&c, "totp-2fa", t(6)).unwrap();
        assert!(a.status("totp-2fa").is_done());
        assert_eq!(a.open_compromise(&c, t(7)), 2);
    }

    #[test]
    fn unmarking_an_emergency_step_is_logged() {
        let c = cl();
        let mut a = Account::new("crypto-com", t(0));
        a.open_compromise(&c, t(1));
        let step = c.emergency().unwrap().steps[0].id.clone();
        assert!(a.toggle_emergency_step(&c, &step, t(2)).unwrap());
        assert!(!a.toggle_emergency_step(&c, &step, t(3)).unwrap());
        assert!(a.open_incident().unwrap().steps.is_empty());
        let last = a.history.last().unwrap();
        assert_eq!(
            last,
            &Event {
                at: t(3),
                kind: EventKind::IncidentStepUndone {
                    incident: 1,
                    step: step.clone()
                }
            }
        );
        let title = &c.emergency().unwrap().steps[0].title;
        assert_eq!(
            last.kind.describe(Some(&c)),
            format!("Incident #1: undone {title} ({step})")
        );
        // The event round-trips through the state file format.
        let j = serde_json::to_string(&last).unwrap();
        assert!(j.contains(r#""event":"incident_step_undone""#), "{j}");
        assert_eq!(&serde_json::from_str::<Event>(&j).unwrap(), last);
    }

    #[test]
    fn only_recurring_reviews_can_be_snoozed() {
        let c = cl();
        let mut a = Account::new("crypto-com", t(0));
        let until = d(2026, 12, 1);
        a.snooze(&c, "monthly", until, t(1)).unwrap();
        let e = a.snooze(&c, "after-integration", until, t(1)).unwrap_err();
        assert_eq!(e, OpError::NoSchedule("after-integration".into()));
        assert!(e.to_string().contains("no schedule"), "{e}");
        assert!(!a.reviews.contains_key("after-integration"));
        assert!(matches!(
            a.snooze(&c, "essentials", until, t(1)),
            Err(OpError::NotReview(_))
        ));
    }

    #[test]
    fn notes_refuse_secrets() {
        let c = cl();
        let mut a = Account::new("crypto-com", t(0));
        let err = a
            .set_note(
                &c,
                "totp-2fa",
                "otpauth://totp/X?secret=JBSWY3DPEHPK3PXP",
                t(1),
            )
            .unwrap_err();
        assert!(matches!(err, OpError::Refused(_)));
        a.set_note(&c, "totp-2fa", "using Aegis on the old phone", t(1))
            .unwrap();
        assert_eq!(a.note("totp-2fa"), Some("using Aegis on the old phone"));
    }

    #[test]
    fn fast_timestamp_parser_agrees_with_chrono() {
        for s in [
            "2026-11-25T09:14:00Z",
            "2026-11-25T09:14:00.5Z",
            "2026-11-25T09:14:00.123456789Z",
            "2024-02-29T23:59:59Z",
        ] {
            assert_eq!(
                parse_utc_fast(s),
                Some(s.parse::<DateTime<Utc>>().unwrap()),
                "{s}"
            );
        }
        for bad in [
            "2026-02-30T00:00:00Z",
            "2026-11-25T24:00:00Z",
            "2026-11-25 09:14:00Z",
            "2026-11-25T09:14:00+01:00",
            "x",
        ] {
            assert_eq!(parse_utc_fast(bad), None, "{bad}");
        }
        // Other RFC 3339 forms still load, through chrono.
        let e: Event = serde_json::from_str(
            r#"{"at":"2026-11-25T10:14:00+01:00","what":{"event":"step_done","step":"a"}}"#,
        )
        .unwrap();
        assert_eq!(
            e.at,
            "2026-11-25T09:14:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert!(
            serde_json::from_str::<Event>(
                r#"{"at":"yesterday","what":{"event":"step_done","step":"a"}}"#
            )
            .is_err()
        );
    }

    proptest::proptest! {
        #[test]
        fn fast_parser_never_disagrees(secs in 0i64..4_102_444_800, nanos in 0u32..1_000_000_000) {
            let t = DateTime::from_timestamp(secs, nanos).unwrap();
            let s = serde_json::to_value(t).unwrap();
            let s = s.as_str().unwrap();
            proptest::prop_assert_eq!(parse_utc_fast(s), Some(t));
        }
    }

    #[test]
    fn state_roundtrips_through_json() {
        let c = cl();
        let mut a = Account::new("crypto-com", t(0));
        a.check(&c, "totp-2fa", t(1)).unwrap();
        a.skip(&c, "passkeys", "later", t(1)).unwrap();
        a.open_compromise(&c, t(2));
        a.incident_note("hi", Some("T-1"), t(2)).unwrap();
        let mut s = State::default();
        s.accounts.insert(DEFAULT_ACCOUNT.into(), a);
        let j = serde_json::to_string_pretty(&s).unwrap();
        let back: State = serde_json::from_str(&j).unwrap();
        assert_eq!(back, s);
    }
}
