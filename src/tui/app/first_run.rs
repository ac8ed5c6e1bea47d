//! The first run of a new account: which checklist it follows, when there is a choice (a user
//! file that shares an id with a bundled checklist or another file asks first and shows its path).

use super::{Action, App, Screen};
use crate::checklist::{Loaded, Origin, Resolved};
use crate::ids::AccountName;

impl App {
    /// A key on the first-run choice of a checklist.
    pub(super) fn on_checklists(&mut self, action: Action) {
        if self.move_in_list(action) {
            return;
        }
        match action {
            Action::Confirm => self.pick_checklist(),
            // Leaving the first question quits without creating anything (see `back_quits`).
            Action::Back => self.quit = true,
            _ => {}
        }
    }

    /// A key on the confirmation that a user file is to be followed.
    pub(super) fn on_confirm_checklist(&mut self, action: Action) {
        let Screen::ConfirmChecklist { choice } = *self.screen() else {
            return;
        };
        match action {
            Action::Yes => self.choose_checklist(choice),
            Action::Back => self.back(),
            _ => {}
        }
    }

    /// First run of a new account: offer these checklists before anything else (if more than one).
    pub fn offer_checklists(&mut self, choices: Vec<Loaded>) {
        if choices.len() > 1 {
            let at = choices
                .iter()
                .position(|c| c.checklist.id == self.cl.id && c.origin == self.origin)
                .unwrap_or(0);
            self.push(Screen::Checklists {
                choices,
                cursor: at,
            });
        }
    }

    /// True when choice `i` is a user file whose id is a bundled checklist's or another
    /// choice's: following it needs a confirmation that shows its path.
    pub fn choice_needs_confirmation(&self, i: usize) -> bool {
        let Some(c) = self.choices().get(i) else {
            return false;
        };
        let id = &c.checklist.id;
        c.origin.path().is_some()
            && (crate::checklist::is_bundled(id.as_str())
                || self
                    .choices()
                    .iter()
                    .filter(|x| &x.checklist.id == id)
                    .count()
                    > 1)
    }

    /// Enter on the first-run choice: a plain choice is taken at once, a user file that shares an
    /// id asks first.
    fn pick_checklist(&mut self) {
        let i = self.cursor();
        if self.choice_needs_confirmation(i) {
            self.push(Screen::ConfirmChecklist { choice: i });
        } else {
            self.choose_checklist(i);
        }
    }

    /// The new account follows choice `i`. Only before any progress.
    fn choose_checklist(&mut self, i: usize) {
        let Some(chosen) = self.choices().get(i).cloned() else {
            return;
        };
        let fresh = self.acct().new_events.len() <= 1 && self.acct().steps.is_empty();
        // Choosing is what creates the account on disk (leaving the question saves nothing).
        self.dirty = true;
        if fresh && (chosen.checklist.id != self.cl.id || chosen.origin != self.origin) {
            let id = chosen.checklist.id.clone();
            let (name, now) = (self.account.clone(), self.now);
            let Loaded { checklist, origin } = chosen;
            let file = origin.path().map(|p| p.to_path_buf());
            self.cl = checklist;
            self.op(|a, cl| {
                a.checklist = id.clone();
                a.checklist_file = file;
                a.seen = Some(crate::state::Seen::default());
                if let Some(crate::state::Event {
                    kind: crate::state::EventKind::AccountCreated { checklist },
                    ..
                }) = a.new_events.first_mut()
                {
                    *checklist = id;
                }
                a.observe(&name, cl, &origin, &[], now);
            });
            self.origin = origin;
            let resolved = Resolved {
                loaded: Loaded {
                    checklist: self.cl.clone(),
                    origin: self.origin.clone(),
                },
                unused: Vec::new(),
            };
            self.checklists
                .insert(AccountName::from(self.account.clone()), Ok(resolved));
        }
        while matches!(
            self.screen(),
            Screen::Checklists { .. } | Screen::ConfirmChecklist { .. }
        ) && self.stack.len() > 1
        {
            self.back();
        }
        if let Some(Screen::Personas { selected, .. }) = self.stack.last_mut() {
            // Persona ids may differ between checklists.
            *selected = vec![false; self.cl.personas.len()];
        } else if !self.acct().personas_chosen && !self.cl.personas.is_empty() {
            self.open_personas(true);
        }
        let from = match &self.origin {
            Origin::Bundled => String::new(),
            Origin::File { path, .. } => format!(" from your file {}", path.display()),
        };
        self.ok(format!("Following: {}{from}.", self.cl.title));
    }
}
