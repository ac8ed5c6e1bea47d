//! The App's changes to progress: marking steps, reviews, snoozes, incidents and the text
//! prompt's submissions, each through one domain operation.

use chrono::{DateTime, NaiveDate, Utc};
use tui_input::InputRequest;

use super::{Action, App, Input, InputKind, Screen};
use crate::schedule;
use crate::state::{OpError, Status};

impl App {
    pub(super) fn start_incident(&mut self) {
        if self.acct().open_incident().is_some() {
            return;
        }
        let now = self.now;
        let id = match self.op(|a, cl| a.open_compromise(cl, now)) {
            Ok(id) => id,
            Err(e) => return self.err(e.to_string()),
        };
        self.dirty = true;
        self.cursor = 0;
        // The finding that led here is the incident's first log entry.
        if let Some(text) = self.finding.take()
            && let Err(e) = self.op(|a, _| a.incident_note(&text, None, now))
        {
            return self.err(e.to_string());
        }
        let reopened = self
            .acct()
            .steps
            .values()
            .filter(|s| matches!(s.status, Status::Reverify { incident, .. } if incident == id))
            .count();
        let reverify = match reopened {
            0 => "No setup step was done yet, so none needs re-verifying.".to_string(),
            1 => "1 done setup step now waits for re-verification.".to_string(),
            n => format!("{n} done setup steps now wait for re-verification."),
        };
        self.ok(format!(
            "Incident #{id} started {} UTC. Lock the account first. {reverify} A false alarm? F \
             cancels it{}.",
            now.format("%H:%M"),
            if reopened == 0 {
                ""
            } else {
                " and restores them"
            }
        ));
    }

    /// `u` on the emergency screen: a step marked done by mistake is marked not done again (the
    /// incident report says so in those words).
    pub(super) fn undo_emergency_step(&mut self) {
        let Some((_, st)) = self.selected_step() else {
            return;
        };
        let (step, title, now) = (st.id.clone(), st.title.clone(), self.now);
        let done = self
            .acct()
            .open_incident()
            .is_some_and(|i| i.steps.contains_key(&step));
        if !done {
            return self
                .err("This step is not marked done: nothing to undo (Space marks it done).");
        }
        match self.op(|a, cl| a.toggle_emergency_step(cl, &step, now)) {
            Ok(_) => {
                self.dirty = true;
                self.ok(format!(
                    "Marked not done again: {title}. The incident report says so; Space marks it done."
                ));
            }
            Err(e) => self.err(e.to_string()),
        }
    }

    /// `w` on a review finding: something looks wrong. The emergency steps open for this account;
    /// the finding becomes the incident's first log entry once it is started (or is logged at
    /// once when an incident is already open).
    pub(super) fn looks_wrong(&mut self) {
        let Some((section, st)) = self.selected_step() else {
            return;
        };
        if !st.finding {
            return self.err(
                "This item is not something to look at: Space ticks it. w is for the items that \
                 ask you to look (devices, security history, API keys).",
            );
        }
        let text = format!(
            "Finding in the {}: {}: something looks wrong",
            section.title, st.title
        );
        if self.acct().open_incident().is_some() {
            let now = self.now;
            match self.op(|a, _| a.incident_note(&text, None, now)) {
                Ok(_) => self.dirty = true,
                Err(e) => return self.err(e.to_string()),
            }
            self.compromised();
            return self.ok("Logged on the open incident. Work through the emergency steps.");
        }
        self.finding = Some(text);
        self.compromised();
        self.ok("Something looks wrong: secure the account now. S starts the incident and logs the finding first.");
    }

    pub(super) fn not_applicable(&mut self) {
        let Some((_, st, _, _)) = self.current_step() else {
            return;
        };
        let (step, now) = (st.id.clone(), self.now);
        let undo = matches!(self.acct().status(&step), Status::NotApplicable { .. });
        let result = if undo {
            self.op(|a, cl| a.uncheck(cl, &step, now)).map(|_| ())
        } else {
            self.op(|a, cl| a.not_applicable(cl, &step, now))
        };
        match result {
            Ok(()) if undo => {
                self.dirty = true;
                self.ok("Applies to you again: back to to-do.");
            }
            Ok(()) => {
                self.dirty = true;
                self.update_screen(Action::Next);
                self.ok(
                    "Marked not applicable: it no longer counts toward the score (x again to undo).",
                );
            }
            Err(e) => self.err(e.to_string()),
        }
    }

    pub(super) fn confirm_personas(&mut self) {
        let Screen::Personas { selected, .. } = self.screen() else {
            return;
        };
        let personas: Vec<String> = self
            .cl
            .personas
            .iter()
            .zip(selected)
            .filter(|(_, on)| **on)
            .map(|(p, _)| p.id.clone())
            .collect();
        let now = self.now;
        self.op(|a, _| a.set_personas(personas.clone(), now));
        self.dirty = true;
        self.back();
        self.quit = false;
        if personas.is_empty() {
            self.ok("Showing the steps for everyone. Press p to tailor them later.");
        } else {
            let titles: Vec<&str> = self
                .cl
                .personas
                .iter()
                .filter(|p| personas.contains(&p.id))
                .map(|p| p.title.as_str())
                .collect();
            self.ok(format!(
                "Tailored to: {}. Press p to change.",
                titles.join(", ")
            ));
        }
    }

    pub(super) fn done(&mut self) {
        let (now, today) = (self.now, self.today);
        match self.screen().clone() {
            Screen::Walkthrough { .. } => {
                let Some((_, st, i, n)) = self.current_step() else {
                    return;
                };
                let step = st.id.clone();
                if self.acct().status(&step).is_done() {
                    if let Err(e) = self.op(|a, cl| a.uncheck(cl, &step, now)) {
                        return self.err(e.to_string());
                    }
                    self.dirty = true;
                    self.ok("Unchecked.");
                } else {
                    if let Err(e) = self.op(|a, cl| a.check(cl, &step, now)) {
                        return self.err(e.to_string());
                    }
                    self.dirty = true;
                    if i + 1 < n {
                        self.go_step(i + 1);
                        self.ok(format!("Done. Step {} of {n} next.", i + 2));
                    } else {
                        self.section_end();
                        self.ok("Done.");
                    }
                }
            }
            Screen::Review { section } => self.review_item(&section, now, today),
            Screen::Emergency => {
                let Some((_, st)) = self.selected_step() else {
                    return;
                };
                let step = st.id.clone();
                // A done step is never undone by the key that does it: that has its own key.
                if let Some(at) = self.acct().open_incident().and_then(|i| i.steps.get(&step)) {
                    return self.ok(format!(
                        "Already done at {} UTC. Marked by mistake? u marks it not done again.",
                        at.format("%H:%M")
                    ));
                }
                match self.op(|a, cl| a.toggle_emergency_step(cl, &step, now)) {
                    Ok(true) => {
                        self.dirty = true;
                        if self.cursor + 1 < self.rows() {
                            self.cursor += 1;
                        }
                        self.refresh();
                        if self.summary.next.emergency.is_empty() {
                            let n = self.reverify_count();
                            self.ok(format!(
                                "Every emergency step is done. What remains: re-verify {n} setup step{} (dashboard), then close the incident with C and a resolution.",
                                if n == 1 { "" } else { "s" }
                            ));
                        }
                    }
                    Ok(false) => self.dirty = true,
                    Err(e) => self.err(e.to_string()),
                }
            }
            Screen::Personas { .. } => {
                let c = self.cursor;
                if let Some(Screen::Personas { selected, .. }) = self.stack.last_mut()
                    && let Some(v) = selected.get_mut(c)
                {
                    *v = !*v;
                }
            }
            _ => {}
        }
    }

    pub(super) fn review_item(&mut self, section: &str, now: DateTime<Utc>, today: NaiveDate) {
        if let Some(v) = self.summary.review(section).filter(|v| v.finished) {
            let last = v.last.map(|d| d.to_string()).unwrap_or_default();
            let next = v.status.as_ref().and_then(|s| s.due.next());
            self.ok(match next {
                Some(next) => format!(
                    "Done on {last}; next due {next}. The next review opens when it is due soon."
                ),
                None => format!("Done on {last}. A new re-check can be run from tomorrow."),
            });
            return;
        }
        let Some((_, st)) = self.selected_step() else {
            return;
        };
        let step = st.id.clone();
        if let Some(setup) = self.summary.set_up_first(section, &step) {
            return self.ok(format!(
                "Set up first: {setup}. Until then this item has nothing to check, and the \
                 review is recorded without it."
            ));
        }
        match self.op(|a, cl| a.toggle_review_item(cl, section, &step, now, today)) {
            Ok(Some(date)) => {
                self.dirty = true;
                let every = self.cl.section(section).and_then(|s| s.every_months);
                match every {
                    Some(m) => self.ok(format!(
                        "Review recorded on {date}. Next due {}.",
                        schedule::add_months(date, m)
                    )),
                    None => self.ok(format!("Re-check recorded on {date}.")),
                }
            }
            Ok(None) => {
                self.dirty = true;
                if self.cursor + 1 < self.rows() {
                    self.cursor += 1;
                }
            }
            Err(e) => self.err(e.to_string()),
        }
    }

    pub(super) fn snooze(&mut self) {
        let Screen::Review { section } = self.screen().clone() else {
            return;
        };
        let (now, today) = (self.now, self.today);
        match self
            .op(|a, cl| schedule::snooze(a, cl, &section, schedule::MAX_SNOOZE_DAYS, today, now))
        {
            Ok(s) => {
                self.dirty = true;
                self.ok(format!(
                    "Reminder snoozed until {}; the schedule itself did not move. Z undoes it.",
                    s.until
                ));
            }
            Err(OpError::NotDue { .. }) => {
                self.err("Nothing to snooze: this review is not due yet.")
            }
            Err(e) => self.err(e.to_string()),
        }
    }

    pub(super) fn unsnooze(&mut self) {
        let section = match self.screen() {
            Screen::Review { section } => section.clone(),
            // On the dashboard: the selected row's review.
            Screen::Dashboard => match self.cl.sections.get(self.cursor) {
                Some(s) if self.summary.review(&s.id).is_some() => s.id.clone(),
                _ => {
                    return self.err(
                        "Z shows a snoozed review's reminder again: select that review's row first.",
                    );
                }
            },
            _ => return,
        };
        let now = self.now;
        match self.op(|a, cl| schedule::unsnooze(a, cl, &section, now)) {
            Ok(()) => {
                self.dirty = true;
                self.ok("Snooze undone: the reminder shows again.");
            }
            Err(OpError::NotSnoozed(_)) => self.err("This reminder is not snoozed."),
            Err(e) => self.err(e.to_string()),
        }
    }

    pub(super) fn update_input(&mut self, action: Action) {
        let Some(input) = &mut self.input else { return };
        match action {
            Action::Edit(req) => input.edit(req),
            Action::InputChar(c) => input.edit(InputRequest::InsertChar(c)),
            Action::InputCancel | Action::Back => {
                self.input = None;
                self.flash = None;
            }
            Action::InputSubmit => {
                let input = self.input.take().expect("checked above");
                self.submit(input);
            }
            _ => {}
        }
    }

    pub(super) fn submit(&mut self, input: Input) {
        let now = self.now;
        let text = input.text().trim().to_string();
        // Clearing a note removes its text everywhere, history and backups included.
        if let InputKind::Note { step } = &input.kind
            && text.is_empty()
            && self.acct().note(step).is_some()
        {
            let step = step.clone();
            return self.forget_note(&step);
        }
        let result = self.op(|acct, cl| match &input.kind {
            InputKind::Note { step } => acct
                .set_note(cl, step, &text, now)
                .map(|_| "Note saved.".to_string()),
            InputKind::Skip { step } => acct.skip(cl, step, &text, now).map(|_| {
                "Skipped; it stays in the total until you do it or mark it not applicable.".into()
            }),
            InputKind::IncidentNote => acct
                .incident_note(&text, None, now)
                .map(|_| "Logged.".into()),
            InputKind::Ticket => acct
                .incident_note("", Some(&text), now)
                .map(|_| format!("Ticket {text} logged.")),
            InputKind::CloseIncident => acct
                .close_incident(&text, now)
                .map(|id| format!("Incident #{id} closed. Re-verify the reopened setup steps.")),
            InputKind::FalseAlarm { .. } => acct.cancel_incident(&text, now).map(|(id, r)| {
                format!(
                    "Incident #{id} cancelled as a false alarm: {} setup step{} got {} status back.",
                    r.len(),
                    if r.len() == 1 { "" } else { "s" },
                    if r.len() == 1 { "its" } else { "their" }
                )
            }),
        });
        match result {
            Ok(msg) => {
                self.dirty = true;
                match input.kind {
                    InputKind::Skip { .. } => self.update_screen(Action::Next),
                    InputKind::CloseIncident | InputKind::FalseAlarm { .. } => {
                        self.back();
                        self.quit = false;
                    }
                    _ => {}
                }
                self.ok(msg);
            }
            Err(e) => {
                // Keep what was typed so it can be fixed (a refused secret too: it is only on
                // screen, never saved).
                self.input = Some(input);
                self.err_op(&e);
            }
        }
    }
}
