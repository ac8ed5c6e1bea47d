//! The emergency screens: the steps before an incident is started ([`Screen::Compromise`],
//! nothing recorded until `S`) and during one ([`Screen::Emergency`]: marking steps, the log,
//! closing or cancelling it). Which of the two is on the stack follows the account.

use super::{Action, App, InputKind, Screen};

impl App {
    /// A key on the emergency steps before an incident is started.
    pub(super) fn on_compromise(&mut self, action: Action) {
        if self.move_in_list(action) {
            return;
        }
        match action {
            Action::StartIncident => self.start_incident(),
            Action::NeedsIncident => self.err(
                "Nothing is recorded yet: press S to start the incident first. Then Space marks \
                 a step done, t logs a support ticket and n a note.",
            ),
            // Left without starting an incident: the finding goes with the screen.
            Action::Back => self.back(),
            _ => {}
        }
    }

    /// A key on the emergency steps of the open incident.
    pub(super) fn on_incident(&mut self, action: Action) {
        if self.move_in_list(action) {
            return;
        }
        match action {
            Action::Done => self.emergency_step_done(),
            Action::UndoStep => self.undo_emergency_step(),
            Action::Note => self.start_input(InputKind::IncidentNote, ""),
            Action::Ticket => self.start_input(InputKind::Ticket, ""),
            Action::CloseIncident => {
                let open = self.summary.next.emergency.len();
                self.start_input(InputKind::CloseIncident, "");
                if open > 0 {
                    self.err(format!(
                        "{open} emergency step{} still open. Esc to go back, or type how it was resolved.",
                        if open == 1 { " is" } else { "s are" }
                    ));
                }
            }
            Action::FalseAlarm => {
                let restores = self.reverify_count();
                self.start_input(InputKind::FalseAlarm { restores }, "");
            }
            Action::Back => self.back(),
            _ => {}
        }
    }

    /// The emergency screen for this account as it stands: the incident's if one is open, else
    /// the steps before one is started.
    fn emergency_screen(&self, cursor: usize, scroll: u16) -> Screen {
        if self.acct().open_incident().is_some() {
            Screen::Emergency { cursor, scroll }
        } else {
            Screen::Compromise {
                cursor,
                scroll,
                finding: None,
            }
        }
    }

    /// An incident started or ended (here or by another lockstep): the emergency screens on the
    /// stack become the incident's, or the steps before one, keeping their cursor.
    pub(super) fn follow_incident(&mut self) {
        let open = self.acct().open_incident().is_some();
        for i in 0..self.stack.len() {
            let s = &self.stack[i];
            let turn = match s {
                Screen::Emergency { .. } => !open,
                Screen::Compromise { .. } => open,
                _ => false,
            };
            if turn {
                let turned = self.emergency_screen(s.cursor(), s.scroll());
                self.stack[i] = turned;
            }
        }
    }

    /// `!` or the compromise row: the emergency screen at once. Nothing is recorded: an open
    /// incident is shown, otherwise the steps wait for an explicit start (S).
    pub(super) fn compromised(&mut self) {
        // On the accounts screen, `!` is for the account the person is looking at: the selected
        // row, not the one opened before.
        if self.input.is_none() && !self.help {
            let selected = self
                .overview()
                .and_then(|o| o.accounts.get(self.cursor()))
                .map(|r| r.name.clone());
            if let Some(name) = selected
                && name != self.account
            {
                self.switch_to(&name);
                if self.account != name {
                    // Its checklist cannot be used: switch_to said why.
                    return;
                }
            }
        }
        if self.cl.emergency().is_none() {
            self.err("This checklist has no emergency section.");
            return;
        }
        self.help = false;
        // The reminder question can wait: it goes, unanswered, and comes back next time.
        self.drop_reminder_offer();
        if !matches!(
            self.screen(),
            Screen::Emergency { .. } | Screen::Compromise { .. }
        ) {
            // The cursor starts on the first step not done yet (step 1 before an incident):
            // Space there marks it, and never undoes a done one.
            let screen = self.emergency_screen(self.first_open_emergency_step(), 0);
            self.push(screen);
        }
    }

    /// The first emergency step the open incident has not marked done (0 when none is open, or
    /// every step is done).
    pub fn first_open_emergency_step(&self) -> usize {
        let (Some(em), Some(inc)) = (self.cl.emergency(), self.acct().open_incident()) else {
            return 0;
        };
        em.steps
            .iter()
            .position(|t| !inc.steps.contains_key(&t.id))
            .unwrap_or(0)
    }

    /// `S`: the incident starts (the finding that led here is its first log entry), and the
    /// screen becomes the incident's, on its first step.
    fn start_incident(&mut self) {
        let Screen::Compromise {
            scroll, finding, ..
        } = self.screen().clone()
        else {
            return;
        };
        let now = self.now;
        let id = match self.op(|a, cl| a.open_compromise(cl, now)) {
            Ok(id) => id,
            Err(e) => return self.err(e.to_string()),
        };
        self.dirty = true;
        self.replace(Screen::Emergency { cursor: 0, scroll });
        if let Some(text) = finding
            && let Err(e) = self.op(|a, _| a.incident_note(&text, None, now))
        {
            return self.err(e.to_string());
        }
        let (reopened, reverify) = (
            self.acct().reopened_by(id),
            self.acct().reopened_sentence(id),
        );
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

    /// Space on an emergency step: marked done (a done step stays done: `u` undoes it), and the
    /// cursor moves on.
    fn emergency_step_done(&mut self) {
        let now = self.now;
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
        match self.op(|a, cl| a.toggle_emergency_step(cl, step.as_str(), now)) {
            Ok(true) => {
                self.dirty = true;
                if self.cursor() + 1 < self.rows() {
                    self.set_cursor(self.cursor() + 1);
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

    /// `u` on the emergency screen: a step marked done by mistake is marked not done again (the
    /// incident report says so in those words).
    fn undo_emergency_step(&mut self) {
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
        match self.op(|a, cl| a.toggle_emergency_step(cl, step.as_str(), now)) {
            Ok(_) => {
                self.dirty = true;
                self.ok(format!(
                    "Marked not done again: {title}. The incident report says so; Space marks it done."
                ));
            }
            Err(e) => self.err(e.to_string()),
        }
    }
}
