//! The simpler screens' keys: personas (picking, saving, leaving the first-run question), the
//! score breakdown (one long page), the history and checklist notices.

use super::{Action, App, MAX_SCROLL, Screen};
use crate::ids::PersonaId;

impl App {
    /// A key on the personas screen.
    pub(super) fn on_personas(&mut self, action: Action) {
        if self.move_in_list(action) {
            return;
        }
        match action {
            Action::Done => {
                if let Screen::Personas {
                    selected, cursor, ..
                } = self.screen_mut()
                    && let Some(v) = selected.get_mut(*cursor)
                {
                    *v = !*v;
                }
            }
            Action::Confirm => self.confirm_personas(),
            Action::Back if !self.acct().personas_chosen => {
                // First run: back to the dashboard, nothing recorded; the question comes
                // back next time (p asks it now).
                self.back();
                self.quit = false;
                self.ok("Personas not chosen yet: showing the steps for everyone. p chooses them.");
            }
            Action::Back => self.back(),
            _ => {}
        }
    }

    /// A key on the score breakdown: the arrows scroll it.
    pub(super) fn on_score(&mut self, action: Action) {
        let Screen::Score { cursor, scroll } = self.screen_mut() else {
            return;
        };
        match action {
            Action::Down => {
                *scroll = (*cursor as u16 + 1).min(MAX_SCROLL);
                *cursor = *scroll as usize;
            }
            Action::Up => {
                *cursor = cursor.saturating_sub(1);
                *scroll = *cursor as u16;
            }
            Action::Back => self.back(),
            _ => {}
        }
    }

    /// A key on the history, or on a page of notices.
    pub(super) fn on_page(&mut self, action: Action) {
        if !self.move_in_list(action) && action == Action::Back {
            self.back();
        }
    }

    pub(super) fn open_personas(&mut self, first_run: bool) {
        let chosen = &self.acct().personas;
        let selected = self
            .cl
            .personas
            .iter()
            .map(|p| chosen.contains(&p.id))
            .collect();
        self.push(Screen::Personas {
            selected,
            first_run,
            cursor: 0,
        });
    }

    fn confirm_personas(&mut self) {
        let Screen::Personas { selected, .. } = self.screen() else {
            return;
        };
        let personas: Vec<PersonaId> = self
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
}
