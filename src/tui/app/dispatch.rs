//! Which change an action makes on the current screen, one group of actions at a time: moving
//! (lists, steps, scrolling), going between screens, a setup step, an incident, a review.
//! [`App::update_screen`] tries each group in turn.

use ratatui::layout::Position;

use super::{Action, App, InputKind, MAX_SCROLL, Screen, ScreenKind};

impl App {
    pub(super) fn update_screen(&mut self, action: Action) {
        if !matches!(action, Action::Select(_) | Action::Click { .. }) {
            self.flash = None;
        }
        if !matches!(action, Action::ScrollDown | Action::ScrollUp) {
            self.scroll = 0;
        }
        let _ = self.go_between_screens(action)
            || self.move_around(action)
            || self.change_step(action)
            || self.change_incident(action)
            || self.change_review(action);
    }

    /// Scrolling, lists and the steps of a walkthrough. False when the action is not one of them.
    fn move_around(&mut self, action: Action) -> bool {
        let rows = self.rows();
        let kind = self.kind();
        let steps = matches!(kind, ScreenKind::Walkthrough | ScreenKind::SectionEnd);
        match action {
            Action::ScrollDown => {
                self.scroll = (self.scroll + 5).min(self.hits.scroll_max).min(MAX_SCROLL)
            }
            Action::ScrollUp => self.scroll = self.scroll.saturating_sub(5),
            // The score screen is one long page: arrows scroll it.
            Action::Down if kind == ScreenKind::Score => {
                self.scroll = (self.cursor as u16 + 1).min(MAX_SCROLL);
                self.cursor = self.scroll as usize;
            }
            Action::Up if kind == ScreenKind::Score => {
                self.cursor = self.cursor.saturating_sub(1);
                self.scroll = self.cursor as u16;
            }
            // The mouse wheel in the walkthrough moves between steps.
            Action::Up if steps => self.update_screen(Action::Prev),
            Action::Down if steps => self.update_screen(Action::Next),
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => self.cursor = (self.cursor + 1).min(rows.saturating_sub(1)),
            Action::Select(i) if steps => self.go_step(i),
            Action::Select(i) if i < rows => self.cursor = i,
            Action::Click { column, row } => {
                if let Some(l) = self.hits.list
                    && l.area.contains(Position::new(column, row))
                {
                    let i = l.offset + usize::from(row - l.area.y);
                    if i < rows {
                        self.update_screen(Action::Select(i));
                    }
                }
            }
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
            Action::First if steps => self.go_step(0),
            Action::Last if steps => self.go_step(rows.saturating_sub(1)),
            Action::Jump(i) if steps && i < rows => self.go_step(i),
            Action::Jump(_) if steps => {
                self.err(format!(
                    "This section has {} steps.",
                    rows.saturating_sub(1)
                ));
            }
            Action::PageDown | Action::PageUp if steps => {
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
            Action::ToggleList => self.show_list = Some(!self.hits.list_shown),
            _ => return false,
        }
        true
    }

    /// Opening, leaving and answering screens. False when the action is not one of them.
    fn go_between_screens(&mut self, action: Action) -> bool {
        let kind = self.kind();
        match action {
            Action::Confirm if kind == ScreenKind::Checklists => self.pick_checklist(),
            Action::Yes => match *self.screen() {
                Screen::ConfirmChecklist { choice } => self.choose_checklist(choice),
                Screen::Reminder { result: None, .. } => self.answer_reminder_offer(true),
                _ => {}
            },
            Action::No => self.answer_reminder_offer(false),
            Action::Back if kind == ScreenKind::ReminderOffer => self.reminder_offer_later(),
            Action::Open if kind == ScreenKind::Accounts => self.open_account(),
            Action::Accounts => self.show_accounts(),
            Action::Help => self.help = true,
            // Leaving the first question quits without creating anything.
            Action::Back if kind == ScreenKind::Checklists => self.quit = true,
            Action::Back => {
                if let Screen::Personas { .. } = self.screen()
                    && !self.acct().personas_chosen
                {
                    // First run: back to the dashboard, nothing recorded; the question comes
                    // back next time (p asks it now).
                    self.back();
                    self.quit = false;
                    self.ok(
                        "Personas not chosen yet: showing the steps for everyone. p chooses them.",
                    );
                    return true;
                }
                if matches!(self.screen(), Screen::Emergency) {
                    // Left without starting an incident: the finding is not kept for later.
                    self.finding = None;
                }
                self.back()
            }
            Action::NextSection => match self.next_unfinished().map(|s| s.id.clone()) {
                Some(id) => self.walk(&id, true),
                None => self.ok("Every setup section is done. q: back to the dashboard."),
            },
            Action::Open => self.open_section(),
            Action::History => self.push(Screen::History),
            Action::Score => self.push(Screen::Score),
            Action::Personas => self.open_personas(false),
            Action::Confirm => self.confirm_personas(),
            _ => return false,
        }
        true
    }

    /// A setup step: done, skipped, not applicable, its note. False when the action is not one of them.
    fn change_step(&mut self, action: Action) -> bool {
        match action {
            Action::Done => self.done(),
            Action::Skip => {
                if let Some((_, st, _, _)) = self.current_step() {
                    let step = st.id.clone();
                    self.start_input(InputKind::Skip { step }, "");
                }
            }
            Action::NotApplicable => self.not_applicable(),
            Action::Note => match self.screen() {
                Screen::Emergency => self.start_input(InputKind::IncidentNote, ""),
                _ => {
                    if let Some((_, st)) = self.selected_step() {
                        let step = st.id.clone();
                        let existing = self.acct().note(&step).unwrap_or_default().to_string();
                        self.start_input(InputKind::Note { step }, &existing);
                    }
                }
            },
            Action::ForgetNote => {
                if let Some((_, st)) = self.selected_step() {
                    let step = st.id.clone();
                    self.forget_note(&step);
                }
            }
            _ => return false,
        }
        true
    }

    /// The incident: its log, its steps, starting, closing or cancelling it. False when the action is not one of them.
    fn change_incident(&mut self, action: Action) -> bool {
        match action {
            Action::Ticket => self.start_input(InputKind::Ticket, ""),
            Action::NeedsIncident => self.err(
                "Nothing is recorded yet: press S to start the incident first. Then Space marks \
                 a step done, t logs a support ticket and n a note.",
            ),
            Action::UndoStep => self.undo_emergency_step(),
            Action::LooksWrong => self.looks_wrong(),
            Action::StartIncident => self.start_incident(),
            Action::CloseIncident => {
                if self.acct().open_incident().is_some() {
                    let open = self.summary.next.emergency.len();
                    self.start_input(InputKind::CloseIncident, "");
                    if open > 0 {
                        self.err(format!(
                            "{open} emergency step{} still open. Esc to go back, or type how it was resolved.",
                            if open == 1 { " is" } else { "s are" }
                        ));
                    }
                } else {
                    self.err("No incident is open.");
                }
            }
            Action::FalseAlarm => {
                if self.acct().open_incident().is_some() {
                    let restores = self.reverify_count();
                    self.start_input(InputKind::FalseAlarm { restores }, "");
                } else {
                    self.err("No incident is open.");
                }
            }
            _ => return false,
        }
        true
    }

    /// A recurring review: snoozing its reminder. False when the action is not one of them.
    fn change_review(&mut self, action: Action) -> bool {
        match action {
            Action::Snooze => self.snooze(),
            Action::Unsnooze => self.unsnooze(),
            _ => return false,
        }
        true
    }
}
