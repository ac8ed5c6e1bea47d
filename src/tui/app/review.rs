//! A review's keys: ticking its items (recording the review once all are done), a finding that
//! looks wrong, notes, and snoozing its reminder.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Action, App, Screen};
use crate::schedule;
use crate::state::OpError;

impl App {
    /// A key on a review.
    pub(super) fn on_review(&mut self, action: Action) {
        if self.move_in_list(action) {
            return;
        }
        let Screen::Review { section, .. } = self.screen() else {
            return;
        };
        let section = section.clone();
        match action {
            Action::Done => self.review_item(section.as_str(), self.now, self.today),
            Action::LooksWrong => self.looks_wrong(),
            Action::Note => self.note_prompt(),
            Action::ForgetNote => self.forget_selected_note(),
            Action::Snooze => self.snooze(section.as_str()),
            Action::Unsnooze => self.unsnooze(section.as_str()),
            Action::Back => self.back(),
            _ => {}
        }
    }

    /// `w` on a review finding: something looks wrong. The emergency steps open for this account;
    /// the finding becomes the incident's first log entry once it is started (or is logged at
    /// once when an incident is already open).
    fn looks_wrong(&mut self) {
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
        self.compromised();
        if let Screen::Compromise { finding, .. } = self.screen_mut() {
            *finding = Some(text);
        }
        self.ok("Something looks wrong: secure the account now. S starts the incident and logs the finding first.");
    }

    fn review_item(&mut self, section: &str, now: DateTime<Utc>, today: NaiveDate) {
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
        if let Some(setup) = self.summary.set_up_first(section, step.as_str()) {
            return self.ok(format!(
                "Set up first: {setup}. Until then this item has nothing to check, and the \
                 review is recorded without it."
            ));
        }
        match self.op(|a, cl| a.toggle_review_item(cl, section, step.as_str(), now, today)) {
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
                if self.cursor() + 1 < self.rows() {
                    self.set_cursor(self.cursor() + 1);
                }
            }
            Err(e) => self.err(e.to_string()),
        }
    }

    fn snooze(&mut self, section: &str) {
        let (now, today) = (self.now, self.today);
        match self
            .op(|a, cl| schedule::snooze(a, cl, section, schedule::MAX_SNOOZE_DAYS, today, now))
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

    /// `Z` on a review (or on its row of the dashboard): its reminder shows again.
    pub(super) fn unsnooze(&mut self, section: &str) {
        let now = self.now;
        match self.op(|a, cl| schedule::unsnooze(a, cl, section, now)) {
            Ok(()) => {
                self.dirty = true;
                self.ok("Snooze undone: the reminder shows again.");
            }
            Err(OpError::NotSnoozed(_)) => self.err("This reminder is not snoozed."),
            Err(e) => self.err(e.to_string()),
        }
    }
}
