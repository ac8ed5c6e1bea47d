//! Operations on an account: every change to progress goes through here and is logged.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::event::EventKind;
use super::model::*;
use crate::checklist::{Checklist, SectionKind, Step};
use crate::ids::{PersonaId, SectionId, StepId};

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
    #[error(
        "no new incident can be numbered: the highest incident number is {0} (the state file \
         was edited by hand?)"
    )]
    IdsExhausted(u32),
    #[error("no incident is open (start one with `lockstep compromised`)")]
    NoOpenIncident,
    #[error(
        "'{0}' applies to everyone, so it cannot be marked not applicable: it counts as open \
         until it is done (skip it with a reason if it must wait). Only steps the checklist \
         marks as possibly not applicable (such as API keys or sub-accounts) can leave the score"
    )]
    AppliesToEveryone(String),
    #[error(
        "'{title}' cannot be marked not applicable: the checklist does not list it among the \
         steps that may not apply (such as API keys or sub-accounts). {shown}"
    )]
    NotOptional {
        title: String,
        /// Whether the account's personas show the step, and what follows from it.
        shown: String,
    },
    #[error("a skip needs a reason")]
    EmptyReason,
    #[error(transparent)]
    Secret(#[from] crate::guard::SecretRefused),
    #[error("the note is empty")]
    EmptyNote,
    #[error("closing an incident needs a resolution note")]
    EmptyResolution,
    #[error("'{section}' is not due ({state}): only a due or overdue review can be snoozed")]
    NotDue { section: String, state: String },
    #[error("'{0}' has no snoozed reminder")]
    NotSnoozed(String),
    #[error(
        "incident #{0} is open: close it (`lockstep incident close TEXT`) or cancel it first; its \
         emergency steps belong to the current checklist"
    )]
    IncidentOpen(u32),
    #[error("a label has at most {0} characters")]
    LabelTooLong(usize),
    #[error(
        "this checklist has no emergency section, so there are no emergency steps to open an \
         incident with; contact the service's support directly"
    )]
    NoEmergencySection,
}

impl Account {
    pub fn set_personas(&mut self, personas: Vec<PersonaId>, now: DateTime<Utc>) {
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
                section: section.id.to_string(),
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
        self.steps.entry(StepId::from(step)).or_default().status = status;
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
        crate::guard::check_secret(reason)?;
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
        if let Some((_, t)) = cl.step(step)
            && !t.may_not_apply
        {
            return Err(self.not_optional(t));
        }
        self.set_status(step, Status::NotApplicable { at: now });
        self.log(now, EventKind::StepNotApplicable { step: step.into() });
        Ok(())
    }

    /// Why the step `t` (not one that may not apply) cannot be marked not applicable.
    fn not_optional(&self, t: &Step) -> OpError {
        if t.personas.is_empty() {
            return OpError::AppliesToEveryone(t.title.clone());
        }
        let theirs = t.personas.join(", ");
        let shown = if t.applies_to(&self.personas) {
            format!(
                "It is a step for {theirs}, one of this account's personas, so it counts as open \
                 until it is done (skip it with a reason if it must wait; `lockstep personas` \
                 changes the personas)"
            )
        } else {
            let mine = if self.personas.is_empty() {
                "none is chosen".to_string()
            } else {
                format!("they are {}", self.personas.join(", "))
            };
            format!(
                "It is a step for {theirs} only, and this account's personas do not include it \
                 ({mine}): the step is not shown for this account and does not count \
                 (`lockstep personas` changes the personas)"
            )
        };
        OpError::NotOptional {
            title: t.title.clone(),
            shown,
        }
    }

    /// Removes a step's note from the state and records that it was forgotten (the store then
    /// purges it from the history and backups). Returns the text it had, if any.
    pub fn forget_note(
        &mut self,
        cl: &Checklist,
        step: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, OpError> {
        cl.step(step)
            .ok_or_else(|| OpError::UnknownStep(step.to_string()))?;
        let old = self.steps.get_mut(step).and_then(|s| s.note.take());
        self.log(now, EventKind::NoteForgotten { step: step.into() });
        Ok(old)
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
        crate::guard::check_secret(text)?;
        let text = text.trim().to_string();
        self.steps.entry(StepId::from(step)).or_default().note =
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
        // Items whose setup step was never done wait for it: the review is recorded without them.
        let applicable: Vec<StepId> = self
            .applicable(s)
            .filter(|t| self.waits_for_setup(cl, t).is_none())
            .map(|t| t.id.clone())
            .collect();
        let review = self.reviews.entry(SectionId::from(section)).or_default();
        let kind = if review.in_progress.remove(step).is_some() {
            EventKind::ReviewItemUndone {
                section: section.into(),
                step: step.into(),
            }
        } else {
            review.in_progress.insert(StepId::from(step), now);
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
        let review = self.reviews.entry(SectionId::from(section)).or_default();
        review.record(Completion {
            at: now,
            date: today,
        });
        review.in_progress.clear();
        review.snoozed_until = None;
        review.snoozed_on = None;
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

    /// Sets a review's snooze, set on the local date `on` and ending `until`, or clears it (None).
    /// The policy (only due reviews, at most a week) lives in [`crate::schedule::snooze`]; call
    /// that instead.
    pub fn set_snooze(
        &mut self,
        cl: &Checklist,
        section: &str,
        snooze: Option<(NaiveDate, NaiveDate)>,
        now: DateTime<Utc>,
    ) -> Result<(), OpError> {
        if self.review_section(cl, section)?.kind != SectionKind::Recurring {
            return Err(OpError::NoSchedule(section.to_string()));
        }
        let r = self.reviews.entry(SectionId::from(section)).or_default();
        let had = r.snoozed_until;
        r.snoozed_on = snooze.map(|(on, _)| on);
        r.snoozed_until = snooze.map(|(_, until)| until);
        let kind = match snooze {
            Some((on, until)) => EventKind::ReviewSnoozed {
                section: section.into(),
                until,
                on: Some(on),
            },
            None if had.is_some() => EventKind::ReviewUnsnoozed {
                section: section.into(),
            },
            None => return Err(OpError::NotSnoozed(section.to_string())),
        };
        self.log(now, kind);
        Ok(())
    }

    /// Opens an incident (or returns the one already open): reopens done setup steps for
    /// re-verification and makes every recurring review due now. History is kept, and so is what
    /// the incident changed, for [`Account::cancel_incident`].
    pub fn open_compromise(&mut self, cl: &Checklist, now: DateTime<Utc>) -> Result<u32, OpError> {
        if let Some(i) = self.open_incident() {
            return Ok(i.id);
        }
        // Ids never wrap or repeat: past the last one, no new incident (never a duplicate #0).
        let last = self.incidents.iter().map(|i| i.id).max().unwrap_or(0);
        let id = last.checked_add(1).ok_or(OpError::IdsExhausted(last))?;
        // The store gives the incident (and this save's events about it) its uid.
        let uid = String::new();
        self.log(
            now,
            EventKind::IncidentOpened {
                incident: id,
                uid: uid.clone(),
            },
        );
        let mut reopened = Vec::new();
        for s in cl.sections_of(SectionKind::Setup) {
            for t in &s.steps {
                if self.status(t.id.as_str()).is_done() {
                    let previous = Some(Box::new(self.status(t.id.as_str()).clone()));
                    self.set_status(
                        t.id.as_str(),
                        Status::Reverify {
                            since: now,
                            incident: id,
                            previous,
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
                uid: uid.clone(),
                steps: reopened,
            },
        );
        let mut reviews_before = BTreeMap::new();
        for s in cl.sections_of(SectionKind::Recurring) {
            let r = self.reviews.entry(s.id.clone()).or_default();
            let before = ReviewBefore {
                due_now_since: r.due_now_since.take(),
                snoozed_until: r.snoozed_until.take(),
                snoozed_on: r.snoozed_on.take(),
                in_progress: std::mem::take(&mut r.in_progress),
            };
            r.due_now_since = Some(now);
            if before != ReviewBefore::default() {
                reviews_before.insert(s.id.clone(), before);
            }
        }
        self.incidents.push(Incident {
            id,
            uid,
            opened: now,
            steps: BTreeMap::new(),
            log: Vec::new(),
            closed: None,
            reviews_before,
        });
        Ok(id)
    }

    /// Cancels the open incident as a false alarm: every setup step it reopened and that is still
    /// waiting for re-verification gets its previous status back, and each review it made due
    /// (and that was not completed since) gets back its due state, snooze and checked items. The
    /// incident is closed as a false alarm; the history keeps its opening and this cancellation.
    /// Returns the incident id and the restored step ids.
    pub fn cancel_incident(
        &mut self,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(u32, Vec<StepId>), OpError> {
        let reason = reason.trim().to_string();
        crate::guard::check_secret(&reason)?;
        let inc = self.open_incident().ok_or(OpError::NoOpenIncident)?;
        let (id, uid, opened, before) = (
            inc.id,
            inc.uid.clone(),
            inc.opened,
            inc.reviews_before.clone(),
        );
        let mut restored = Vec::new();
        for (step, st) in &mut self.steps {
            if let Status::Reverify {
                since,
                incident,
                previous,
            } = &st.status
                && *incident == id
            {
                st.status = previous
                    .as_deref()
                    .cloned()
                    .unwrap_or(Status::Done { at: *since });
                restored.push(step.clone());
            }
        }
        for (section, r) in &mut self.reviews {
            // Still as the incident left it (a completion since then clears `due_now_since`).
            if r.due_now_since != Some(opened) {
                continue;
            }
            let b = before.get(section).cloned().unwrap_or_default();
            r.due_now_since = b.due_now_since;
            if r.snoozed_until.is_none() {
                r.snoozed_until = b.snoozed_until;
                r.snoozed_on = b.snoozed_on;
            }
            for (item, at) in b.in_progress {
                r.in_progress.entry(item).or_insert(at);
            }
        }
        let resolution = if reason.is_empty() {
            "False alarm".to_string()
        } else {
            format!("False alarm: {reason}")
        };
        let inc = self.open_incident_mut().expect("checked above");
        inc.closed = Some(Closure {
            at: now,
            resolution,
            false_alarm: true,
        });
        self.log(
            now,
            EventKind::IncidentCancelled {
                incident: id,
                uid,
                restored: restored.clone(),
                reason,
            },
        );
        Ok((id, restored))
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
        let (id, uid) = (inc.id, inc.uid.clone());
        if inc.steps.remove(step).is_some() {
            // The time it was done is gone from the incident; the history keeps both events.
            self.log(
                now,
                EventKind::IncidentStepUndone {
                    incident: id,
                    uid,
                    step: step.into(),
                },
            );
            return Ok(false);
        }
        inc.steps.insert(StepId::from(step), now);
        self.log(
            now,
            EventKind::IncidentStepDone {
                incident: id,
                uid,
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
            return Err(OpError::EmptyNote);
        }
        crate::guard::check_secret(&text)?;
        if let Some(t) = &ticket {
            crate::guard::check_secret(t)?;
        }
        let inc = self.open_incident_mut().ok_or(OpError::NoOpenIncident)?;
        let (id, uid) = (inc.id, inc.uid.clone());
        inc.log.push(LogEntry {
            at: now,
            ticket: ticket.clone(),
            text: text.clone(),
        });
        self.log(
            now,
            EventKind::IncidentNote {
                incident: id,
                uid,
                ticket,
                text,
            },
        );
        Ok(id)
    }

    pub fn close_incident(&mut self, resolution: &str, now: DateTime<Utc>) -> Result<u32, OpError> {
        let resolution = resolution.trim().to_string();
        if resolution.is_empty() {
            return Err(OpError::EmptyResolution);
        }
        crate::guard::check_secret(&resolution)?;
        let inc = self.open_incident_mut().ok_or(OpError::NoOpenIncident)?;
        let (id, uid) = (inc.id, inc.uid.clone());
        inc.closed = Some(Closure {
            at: now,
            resolution: resolution.clone(),
            false_alarm: false,
        });
        self.log(
            now,
            EventKind::IncidentClosed {
                incident: id,
                uid,
                resolution,
            },
        );
        Ok(id)
    }
}
