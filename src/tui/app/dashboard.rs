//! The dashboard's keys: opening a section or a Next up entry, the other screens it leads to
//! (history, score, personas, accounts), and undoing a snooze from a review's row.

use super::{Action, App, NextItem, Screen};
use crate::checklist::SectionKind;
use crate::ids::SectionId;

impl App {
    /// A key on the dashboard.
    pub(super) fn on_dashboard(&mut self, action: Action) {
        if self.move_in_list(action) {
            return;
        }
        match action {
            Action::Open => self.open_section(),
            Action::History => self.push(Screen::History { cursor: 0 }),
            Action::Score => self.push(Screen::Score {
                cursor: 0,
                scroll: 0,
            }),
            Action::Personas => self.open_personas(false),
            Action::Accounts => self.show_accounts(),
            Action::Unsnooze => self.unsnooze_row(),
            Action::Back => self.back(),
            _ => {}
        }
    }

    fn open_section(&mut self) {
        let Some(s) = self.cl.sections.get(self.cursor()) else {
            return self.open_next_item();
        };
        let id = s.id.clone();
        match s.kind {
            SectionKind::Setup => self.walk(id.as_str(), false),
            SectionKind::Recurring | SectionKind::Event => self.open_review(id),
            SectionKind::Emergency => self.compromised(),
        }
    }

    /// `Enter` on a Next up entry: the incident's steps, the review, or the walkthrough at the
    /// step.
    fn open_next_item(&mut self) {
        let i = self.cursor() - self.cl.sections.len();
        let Some(item) = self.summary.next.items.get(i).cloned() else {
            return;
        };
        match item {
            NextItem::Incident => self.compromised(),
            NextItem::Review(section) => self.open_review(section),
            NextItem::Setup { section, step } => {
                let Some(s) = self.cl.section(section.as_str()) else {
                    return;
                };
                let index = self
                    .visible_steps(s)
                    .iter()
                    .position(|t| t.id == step)
                    .unwrap_or(0);
                self.push(Screen::Walkthrough {
                    section,
                    index,
                    list: None,
                    scroll: 0,
                });
            }
        }
    }

    fn open_review(&mut self, section: SectionId) {
        self.push(Screen::Review {
            section,
            cursor: 0,
            scroll: 0,
        });
    }

    /// `Z` on the dashboard: the selected row's review shows its reminder again.
    fn unsnooze_row(&mut self) {
        match self.cl.sections.get(self.cursor()) {
            Some(s) if self.summary.review(s.id.as_str()).is_some() => {
                let section = s.id.clone();
                self.unsnooze(section.as_str());
            }
            _ => self
                .err("Z shows a snoozed review's reminder again: select that review's row first."),
        }
    }
}
