//! The walkthrough screens (a setup section's steps, and the section's end): their keys, moving
//! between steps, and a step's changes (done, skipped, not applicable).

use super::{Action, App, InputKind, Screen, is_open};
use crate::checklist::{Section, SectionKind, Step};
use crate::ids::SectionId;
use crate::state::Status;

impl App {
    /// A key on a step of the walkthrough or at the section's end.
    pub(super) fn on_walk(&mut self, action: Action) {
        let _ = self.move_between_steps(action) || self.change_step(action);
    }

    /// Moving between the steps, to the next section, and back. False when the action is not
    /// one of them.
    fn move_between_steps(&mut self, action: Action) -> bool {
        let rows = self.rows();
        match action {
            // The mouse wheel moves between steps.
            Action::Up => self.update_screen(Action::Prev),
            Action::Down => self.update_screen(Action::Next),
            Action::Select(i) => self.go_step(i),
            Action::Prev => match self.screen().clone() {
                Screen::SectionEnd { .. } => self.go_step(rows.saturating_sub(2)),
                Screen::Walkthrough { index, .. } => self.go_step(index.saturating_sub(1)),
                _ => {}
            },
            Action::Next => {
                if let Some((_, _, i, n)) = self.current_step() {
                    if i + 1 < n {
                        self.go_step(i + 1);
                    } else {
                        self.section_end();
                    }
                }
            }
            Action::First => self.go_step(0),
            Action::Last => self.go_step(rows.saturating_sub(1)),
            Action::Jump(i) if i < rows => self.go_step(i),
            Action::Jump(_) => {
                self.err(format!(
                    "This section has {} steps.",
                    rows.saturating_sub(1)
                ));
            }
            Action::PageDown | Action::PageUp => {
                let page = self
                    .hits
                    .list
                    .map_or(5, |l| usize::from(l.area.height).max(1));
                let at = match self.screen() {
                    Screen::Walkthrough { index, .. } => (*index).min(rows.saturating_sub(1)),
                    _ => rows.saturating_sub(1),
                };
                let to = if action == Action::PageDown {
                    (at + page).min(rows.saturating_sub(1))
                } else {
                    at.saturating_sub(page)
                };
                self.go_step(to);
            }
            Action::ToggleList => {
                let shown = Some(!self.hits.list_shown);
                if let Screen::Walkthrough { list, .. } | Screen::SectionEnd { list, .. } =
                    self.screen_mut()
                {
                    *list = shown;
                }
            }
            Action::NextSection => match self.next_unfinished().map(|s| s.id.clone()) {
                Some(id) => self.walk(id.as_str(), true),
                None => self.ok("Every setup section is done. q: back to the dashboard."),
            },
            Action::Back => self.back(),
            _ => return false,
        }
        true
    }

    /// A setup step: done, skipped, not applicable, its note. False when the action is not one
    /// of them.
    fn change_step(&mut self, action: Action) -> bool {
        match action {
            Action::Done => self.step_done(),
            Action::Skip => {
                if let Some((_, st, _, _)) = self.current_step() {
                    let step = st.id.clone();
                    self.start_input(InputKind::Skip { step }, "");
                }
            }
            Action::NotApplicable => self.not_applicable(),
            Action::Note => self.note_prompt(),
            Action::ForgetNote => self.forget_selected_note(),
            _ => return false,
        }
        true
    }

    /// The walkthrough's section (on its steps or at its end).
    pub fn walk_section(&self) -> Option<&Section> {
        match self.screen() {
            Screen::Walkthrough { section, .. } | Screen::SectionEnd { section, .. } => {
                self.cl.section(section.as_str())
            }
            _ => None,
        }
    }

    /// Whether the walkthrough's list of steps was shown or hidden with Tab (None: as wide as
    /// the terminal is).
    fn walk_list(&self) -> Option<bool> {
        match self.screen() {
            Screen::Walkthrough { list, .. } | Screen::SectionEnd { list, .. } => *list,
            _ => None,
        }
    }

    /// The current walkthrough section and step, if on a step.
    pub fn current_step(&self) -> Option<(&Section, &Step, usize, usize)> {
        let Screen::Walkthrough { section, index, .. } = self.screen() else {
            return None;
        };
        let s = self.cl.section(section.as_str())?;
        let steps = self.visible_steps(s);
        let i = (*index).min(steps.len().checked_sub(1)?);
        Some((s, steps[i], i, steps.len()))
    }

    /// Steps of the walkthrough section still open (to do, skipped or to re-verify), with their
    /// 0-based position in the section.
    pub fn open_steps(&self) -> Vec<(usize, &Step)> {
        self.walk_section().map_or_else(Vec::new, |s| {
            self.visible_steps(s)
                .into_iter()
                .enumerate()
                .filter(|(_, t)| is_open(self.acct().status(t.id.as_str())))
                .collect()
        })
    }

    /// The next setup section after the walkthrough's one (wrapping around) with open steps.
    pub fn next_unfinished(&self) -> Option<&Section> {
        let current = self.walk_section()?;
        let setup: Vec<&Section> = self.cl.sections_of(SectionKind::Setup).collect();
        let at = setup.iter().position(|s| s.id == current.id)?;
        (1..setup.len())
            .map(|k| setup[(at + k) % setup.len()])
            .find(|s| {
                self.visible_steps(s)
                    .iter()
                    .any(|t| is_open(self.acct().status(t.id.as_str())))
            })
    }

    /// Opens a setup section at its first step not done yet: on top, or (`replace`, the next
    /// section) instead of the current walkthrough.
    pub(super) fn walk(&mut self, id: &str, replace: bool) {
        let Some(s) = self.cl.section(id) else { return };
        let steps = self.visible_steps(s);
        if steps.is_empty() {
            self.err("No steps of this section apply to your personas (press p to change them).");
            return;
        }
        let index = steps
            .iter()
            .position(|st| !self.acct().status(st.id.as_str()).is_done())
            .unwrap_or(0);
        let screen = |list| Screen::Walkthrough {
            section: SectionId::from(id),
            index,
            list,
            scroll: 0,
        };
        if replace {
            self.replace(screen(self.walk_list()));
        } else {
            self.push(screen(None));
        }
    }

    /// Goes to step `i` of the walkthrough section (from a step or from the section's end);
    /// past the last step is the section's end.
    pub(super) fn go_step(&mut self, i: usize) {
        if let Some(s) = self.walk_section() {
            let (section, list) = (s.id.clone(), self.walk_list());
            if i + 1 >= self.rows() {
                self.replace(Screen::SectionEnd {
                    section,
                    list,
                    scroll: 0,
                });
            } else {
                self.replace(Screen::Walkthrough {
                    section,
                    index: i,
                    list,
                    scroll: 0,
                });
            }
        }
    }

    fn section_end(&mut self) {
        if let Some(s) = self.walk_section() {
            let (section, list) = (s.id.clone(), self.walk_list());
            self.replace(Screen::SectionEnd {
                section,
                list,
                scroll: 0,
            });
        }
    }

    /// Space on a step: done, or undone when it was done; a done step moves on.
    fn step_done(&mut self) {
        let now = self.now;
        let Some((_, st, i, n)) = self.current_step() else {
            return;
        };
        let step = st.id.clone();
        if self.acct().status(step.as_str()).is_done() {
            if let Err(e) = self.op(|a, cl| a.uncheck(cl, step.as_str(), now)) {
                return self.err(e.to_string());
            }
            self.dirty = true;
            self.ok("Unchecked.");
        } else {
            if let Err(e) = self.op(|a, cl| a.check(cl, step.as_str(), now)) {
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

    fn not_applicable(&mut self) {
        let Some((_, st, _, _)) = self.current_step() else {
            return;
        };
        let (step, now) = (st.id.clone(), self.now);
        let undo = matches!(
            self.acct().status(step.as_str()),
            Status::NotApplicable { .. }
        );
        let result = if undo {
            self.op(|a, cl| a.uncheck(cl, step.as_str(), now))
                .map(|_| ())
        } else {
            self.op(|a, cl| a.not_applicable(cl, step.as_str(), now))
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

    /// `n` on a step or a review item: its note, to write or edit.
    pub(super) fn note_prompt(&mut self) {
        if let Some((_, st)) = self.selected_step() {
            let step = st.id.clone();
            let existing = self
                .acct()
                .note(step.as_str())
                .unwrap_or_default()
                .to_string();
            self.start_input(InputKind::Note { step }, &existing);
        }
    }

    /// `N` on a step or a review item: its note forgotten everywhere.
    pub(super) fn forget_selected_note(&mut self) {
        if let Some((_, st)) = self.selected_step() {
            let step = st.id.clone();
            self.forget_note(step.as_str());
        }
    }
}
