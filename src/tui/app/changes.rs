//! The text prompt: its editing, and what its submission changes (a note, a skip, the incident's
//! log, closing or cancelling it), each through one domain operation.

use tui_input::InputRequest;

use super::{Action, App, Input, InputKind};

impl App {
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
            && self.acct().note(step.as_str()).is_some()
        {
            let step = step.clone();
            return self.forget_note(step.as_str());
        }
        let result = self.op(|acct, cl| match &input.kind {
            InputKind::Note { step } => acct
                .set_note(cl, step.as_str(), &text, now)
                .map(|_| "Note saved.".to_string()),
            InputKind::Skip { step } => acct.skip(cl, step.as_str(), &text, now).map(|_| {
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
