//! History events: what each recorded change is, and its one-line human description.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::checklist::Checklist;
use crate::ids::{AccountName, ChecklistId, PersonaId, SectionId, StepId};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventKind {
    AccountCreated {
        checklist: ChecklistId,
    },
    PersonasSet {
        personas: Vec<PersonaId>,
    },
    StepDone {
        step: StepId,
    },
    StepUnchecked {
        step: StepId,
    },
    StepSkipped {
        step: StepId,
        reason: String,
    },
    StepNotApplicable {
        step: StepId,
    },
    StepNote {
        step: StepId,
        text: String,
    },
    /// A note's text was purged from the history (`lockstep forget`): this replaces each past
    /// note event of the step.
    NoteRemoved {
        step: StepId,
    },
    /// `lockstep forget`: the step's note was removed from the state, history and backups.
    NoteForgotten {
        step: StepId,
    },
    ReviewItemDone {
        section: SectionId,
        step: StepId,
    },
    ReviewItemUndone {
        section: SectionId,
        step: StepId,
    },
    ReviewCompleted {
        section: SectionId,
        date: NaiveDate,
    },
    ReviewSnoozed {
        section: SectionId,
        until: NaiveDate,
        /// The user's local date the snooze was set (absent in events written before it was
        /// recorded).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on: Option<NaiveDate>,
    },
    /// A snoozed reminder shows again.
    ReviewUnsnoozed {
        section: SectionId,
    },
    IncidentOpened {
        incident: u32,
        /// The incident's unique id (absent in events older than it, and before the first save).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        uid: String,
    },
    IncidentStepDone {
        incident: u32,
        /// The incident's unique id (absent in events older than it, and before the first save).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        uid: String,
        step: StepId,
    },
    /// An emergency step marked done was un-marked (its time is no longer in the incident).
    IncidentStepUndone {
        incident: u32,
        /// The incident's unique id (absent in events older than it, and before the first save).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        uid: String,
        step: StepId,
    },
    IncidentNote {
        incident: u32,
        /// The incident's unique id (absent in events older than it, and before the first save).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        uid: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ticket: Option<String>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        text: String,
    },
    IncidentClosed {
        incident: u32,
        /// The incident's unique id (absent in events older than it, and before the first save).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        uid: String,
        resolution: String,
    },
    StepsReopened {
        incident: u32,
        /// The incident's unique id (absent in events older than it, and before the first save).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        uid: String,
        steps: Vec<StepId>,
    },
    /// A false alarm: the incident is cancelled and the steps it reopened got their status back.
    IncidentCancelled {
        incident: u32,
        /// The incident's unique id (absent in events older than it, and before the first save).
        #[serde(default, skip_serializing_if = "String::is_empty")]
        uid: String,
        restored: Vec<StepId>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// An account that an earlier lockstep had silently put on a user file keeps that file, now
    /// recorded as its choice.
    ChecklistFileKept {
        file: String,
    },
    /// The followed user checklist file changed since the account last saw it.
    ChecklistChanged {
        file: String,
        /// The file's new sha256.
        sha256: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        added: Vec<StepId>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        removed: Vec<StepId>,
        /// Steps whose text (or weight, personas ...) changed.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        changed: Vec<StepId>,
        /// "old -> new": a step that lists its former id.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        renamed: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        sections_added: Vec<SectionId>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        sections_removed: Vec<SectionId>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        sections_changed: Vec<SectionId>,
    },
    /// `lockstep accounts set-checklist`: the account follows another checklist.
    ChecklistSet {
        checklist: ChecklistId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file: Option<String>,
    },
    /// Progress recorded under a former id now follows the step or section that lists it.
    ProgressMoved {
        from: String,
        to: String,
    },
    /// The state holds progress for ids the checklist no longer has (kept, not counted).
    ProgressOrphaned {
        ids: Vec<String>,
    },
    AccountRenamed {
        from: AccountName,
        to: AccountName,
    },
    AccountLabelled {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
    },
}

impl EventKind {
    /// The incident an event is about: its number and unique id (empty when not known).
    pub fn incident_mut(&mut self) -> Option<(&mut u32, &mut String)> {
        match self {
            EventKind::IncidentOpened { incident, uid }
            | EventKind::IncidentStepDone { incident, uid, .. }
            | EventKind::IncidentStepUndone { incident, uid, .. }
            | EventKind::IncidentNote { incident, uid, .. }
            | EventKind::IncidentClosed { incident, uid, .. }
            | EventKind::StepsReopened { incident, uid, .. }
            | EventKind::IncidentCancelled { incident, uid, .. } => Some((incident, uid)),
            _ => None,
        }
    }

    /// The incident an event is about: its number and unique id (empty when not known).
    pub fn incident(&self) -> Option<(u32, &str)> {
        match self {
            EventKind::IncidentOpened { incident, uid }
            | EventKind::IncidentStepDone { incident, uid, .. }
            | EventKind::IncidentStepUndone { incident, uid, .. }
            | EventKind::IncidentNote { incident, uid, .. }
            | EventKind::IncidentClosed { incident, uid, .. }
            | EventKind::StepsReopened { incident, uid, .. }
            | EventKind::IncidentCancelled { incident, uid, .. } => Some((*incident, uid)),
            _ => None,
        }
    }

    /// True when the event is about `inc`: by its unique id when the event has one, else by
    /// number.
    pub fn is_about(&self, inc: &super::Incident) -> bool {
        match self.incident() {
            Some((_, uid)) if !uid.is_empty() => uid == inc.key(),
            Some((n, _)) => n == inc.id,
            None => false,
        }
    }

    /// The event as this account numbers its incidents: an incident numbered otherwise on the
    /// machine that logged the event (renumbered by a merge) is named by its number here.
    pub fn numbered_for(&self, account: &super::Account) -> std::borrow::Cow<'_, EventKind> {
        let here = self.incident().and_then(|(n, uid)| {
            account
                .incidents
                .iter()
                .find(|i| !uid.is_empty() && i.key() == uid)
                .map(|i| i.id)
                .filter(|id| *id != n)
        });
        let Some(id) = here else {
            return std::borrow::Cow::Borrowed(self);
        };
        let mut e = self.clone();
        if let Some((n, _)) = e.incident_mut() {
            *n = id;
        }
        std::borrow::Cow::Owned(e)
    }

    /// A one-line human description.
    pub fn describe(&self, cl: Option<&Checklist>) -> String {
        let title = |id: &str| {
            cl.and_then(|c| crate::checklist::step_by_any_id(c, id))
                .map(|(_, s)| format!("{} ({id})", s.title))
                .unwrap_or_else(|| id.to_string())
        };
        let section = |id: &str| {
            cl.and_then(|c| crate::checklist::section_by_any_id(c, id))
                .map(|s| s.title.clone())
                .unwrap_or_else(|| id.to_string())
        };
        match self {
            EventKind::AccountCreated { .. }
            | EventKind::NoteForgotten { .. }
            | EventKind::NoteRemoved { .. }
            | EventKind::PersonasSet { .. }
            | EventKind::StepDone { .. }
            | EventKind::StepNotApplicable { .. }
            | EventKind::StepNote { .. }
            | EventKind::StepSkipped { .. }
            | EventKind::StepUnchecked { .. } => self.describe_progress(&title),
            EventKind::ReviewCompleted { .. }
            | EventKind::ReviewItemDone { .. }
            | EventKind::ReviewItemUndone { .. }
            | EventKind::ReviewSnoozed { .. }
            | EventKind::ReviewUnsnoozed { .. } => self.describe_review(&title, &section),
            EventKind::IncidentCancelled { .. }
            | EventKind::IncidentClosed { .. }
            | EventKind::IncidentNote { .. }
            | EventKind::IncidentOpened { .. }
            | EventKind::IncidentStepDone { .. }
            | EventKind::IncidentStepUndone { .. }
            | EventKind::StepsReopened { .. } => self.describe_incident(&title),
            EventKind::AccountLabelled { .. }
            | EventKind::AccountRenamed { .. }
            | EventKind::ChecklistChanged { .. }
            | EventKind::ChecklistFileKept { .. }
            | EventKind::ChecklistSet { .. }
            | EventKind::ProgressMoved { .. }
            | EventKind::ProgressOrphaned { .. } => self.describe_checklist(&title),
        }
    }

    /// [`EventKind::describe`] of one kind of event: Steps, notes, personas and the account's start.
    fn describe_progress(&self, title: &dyn Fn(&str) -> String) -> String {
        match self {
            EventKind::AccountCreated { checklist } => {
                format!("Started tracking with checklist {checklist}")
            }
            EventKind::PersonasSet { personas } if personas.is_empty() => "Personas cleared".into(),
            EventKind::PersonasSet { personas } => format!("Personas set: {}", personas.join(", ")),
            EventKind::StepDone { step } => format!("Done: {}", title(step.as_str())),
            EventKind::StepUnchecked { step } => format!("Unchecked: {}", title(step.as_str())),
            EventKind::StepSkipped { step, reason } => {
                format!("Skipped: {} - {reason}", title(step.as_str()))
            }
            EventKind::StepNotApplicable { step } => {
                format!("Not applicable: {}", title(step.as_str()))
            }
            EventKind::StepNote { step, text } => {
                format!("Note on {}: {text}", title(step.as_str()))
            }
            EventKind::NoteRemoved { step } => {
                format!("Note on {} (text removed)", title(step.as_str()))
            }
            EventKind::NoteForgotten { step } => {
                format!("Note on {} forgotten everywhere", title(step.as_str()))
            }
            // The other kinds are described by the other parts (see `describe`).
            _ => String::new(),
        }
    }

    /// [`EventKind::describe`] of one kind of event: Recurring reviews.
    fn describe_review(
        &self,
        title: &dyn Fn(&str) -> String,
        section: &dyn Fn(&str) -> String,
    ) -> String {
        match self {
            EventKind::ReviewItemDone { section: s, step } => {
                format!("{}: checked {}", section(s.as_str()), title(step.as_str()))
            }
            EventKind::ReviewItemUndone { section: s, step } => {
                format!(
                    "{}: unchecked {}",
                    section(s.as_str()),
                    title(step.as_str())
                )
            }
            EventKind::ReviewCompleted { section: s, date } => {
                format!("{} completed ({date})", section(s.as_str()))
            }
            EventKind::ReviewSnoozed {
                section: s, until, ..
            } => {
                format!(
                    "{} reminder {}",
                    section(s.as_str()),
                    crate::schedule::snoozed_words(*until)
                )
            }
            EventKind::ReviewUnsnoozed { section: s } => {
                format!(
                    "{} reminder shown again (snooze undone)",
                    section(s.as_str())
                )
            }
            // The other kinds are described by the other parts (see `describe`).
            _ => String::new(),
        }
    }

    /// [`EventKind::describe`] of one kind of event: Incidents.
    fn describe_incident(&self, title: &dyn Fn(&str) -> String) -> String {
        match self {
            EventKind::IncidentOpened { incident, .. } => format!("Incident #{incident} opened"),
            EventKind::IncidentStepDone { incident, step, .. } => {
                format!("Incident #{incident}: done {}", title(step.as_str()))
            }
            EventKind::IncidentStepUndone { incident, step, .. } => {
                format!(
                    "Incident #{incident}: marked not done again: {}",
                    title(step.as_str())
                )
            }
            EventKind::IncidentNote {
                incident,
                ticket,
                text,
                ..
            } => format!(
                "Incident #{incident}: {}",
                log_line(ticket.as_deref(), text)
            ),
            EventKind::IncidentClosed {
                incident,
                resolution,
                ..
            } => {
                format!("Incident #{incident} closed: {resolution}")
            }
            EventKind::StepsReopened {
                incident, steps, ..
            } => format!(
                "Incident #{incident}: {} reopened for re-verification",
                count(steps.len(), "setup step", "setup steps")
            ),
            EventKind::IncidentCancelled {
                incident,
                restored,
                reason,
                ..
            } => {
                let why = if reason.is_empty() {
                    String::new()
                } else {
                    format!(" ({reason})")
                };
                format!(
                    "Incident #{incident} cancelled as a false alarm{why}: {} got {} status back",
                    count(restored.len(), "setup step", "setup steps"),
                    if restored.len() == 1 { "its" } else { "their" }
                )
            }
            // The other kinds are described by the other parts (see `describe`).
            _ => String::new(),
        }
    }

    /// [`EventKind::describe`] of one kind of event: The checklist an account follows, renamed ids, the account's name and label.
    fn describe_checklist(&self, title: &dyn Fn(&str) -> String) -> String {
        match self {
            EventKind::ChecklistFileKept { file } => {
                format!("Follows your checklist file {file} (recorded as this account's choice)")
            }
            EventKind::ChecklistChanged {
                file,
                sha256,
                added,
                removed,
                changed,
                renamed,
                sections_added,
                sections_removed,
                sections_changed,
            } => {
                let what = change_summary(&[
                    ("step added", "steps added", names(added)),
                    ("step removed", "steps removed", names(removed)),
                    ("step changed", "steps changed", names(changed)),
                    ("step renamed", "steps renamed", names(renamed)),
                    ("section added", "sections added", names(sections_added)),
                    (
                        "section removed",
                        "sections removed",
                        names(sections_removed),
                    ),
                    (
                        "section changed",
                        "sections changed",
                        names(sections_changed),
                    ),
                ]);
                format!(
                    "Checklist file {file} changed (sha256 {}): {what}",
                    crate::checklist::short_sha(sha256)
                )
            }
            EventKind::ChecklistSet {
                checklist,
                file: None,
            } => format!("Now follows the bundled checklist {checklist}"),
            EventKind::ChecklistSet {
                checklist,
                file: Some(f),
            } => format!("Now follows checklist {checklist} from your file {f}"),
            EventKind::ProgressMoved { from, to } => {
                format!(
                    "Progress recorded under {from} now follows {} (renamed)",
                    title(to)
                )
            }
            EventKind::ProgressOrphaned { ids } => format!(
                "Progress kept for ids the checklist no longer has: {}",
                ids.join(", ")
            ),
            EventKind::AccountRenamed { from, to } => {
                format!("Account renamed from {from} to {to}")
            }
            EventKind::AccountLabelled { label: Some(l) } => format!("Label set: {l}"),
            EventKind::AccountLabelled { label: None } => "Label removed".into(),
            // The other kinds are described by the other parts (see `describe`).
            _ => String::new(),
        }
    }
}

/// "2 steps added (a, b); 1 step removed (c)", or "no step or section changed".
pub fn change_summary(parts: &[(&str, &str, Vec<&str>)]) -> String {
    let said: Vec<String> = parts
        .iter()
        .filter(|(_, _, ids)| !ids.is_empty())
        .map(|(one, many, ids)| format!("{} ({})", count(ids.len(), one, many), ids.join(", ")))
        .collect();
    if said.is_empty() {
        "no step or section changed".into()
    } else {
        said.join("; ")
    }
}

/// `n` and the noun, singular for one: "1 setup step", "2 setup steps", "0 setup steps".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The ids of a list, as text (for [`change_summary`]).
pub fn names<T: AsRef<str>>(ids: &[T]) -> Vec<&str> {
    ids.iter().map(AsRef::as_ref).collect()
}

/// An incident log line: "Support ticket: T; note: text", "Support ticket: T", or "Note: text".
pub fn log_line(ticket: Option<&str>, text: &str) -> String {
    match ticket {
        Some(t) if text.is_empty() => format!("Support ticket: {t}"),
        Some(t) => format!("Support ticket: {t}; note: {text}"),
        None => format!("Note: {text}"),
    }
}
