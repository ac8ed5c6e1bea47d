//! From an action to the current screen's own handler. What every screen does alike (the help,
//! scrolling the details, a click on a row, moving in a list) is here; the rest is in the
//! screen's module (`dashboard.rs`, `walk.rs`, `review.rs`, `emergency.rs`, `pages.rs`,
//! `first_run.rs`, `accounts.rs`, `offer.rs`).

use ratatui::layout::Position;

use super::{Action, App, MAX_SCROLL, ScreenKind};

impl App {
    /// An action on the current screen (no prompt, no help open).
    pub(super) fn update_screen(&mut self, action: Action) {
        if !matches!(action, Action::Select(_) | Action::Click { .. }) {
            self.flash = None;
        }
        if !matches!(action, Action::ScrollDown | Action::ScrollUp) {
            self.set_scroll(0);
        }
        if self.on_any_screen(action) {
            return;
        }
        match self.kind() {
            ScreenKind::Dashboard => self.on_dashboard(action),
            ScreenKind::Walkthrough | ScreenKind::SectionEnd => self.on_walk(action),
            ScreenKind::Review => self.on_review(action),
            ScreenKind::Emergency => self.on_incident(action),
            ScreenKind::Compromise => self.on_compromise(action),
            ScreenKind::Personas => self.on_personas(action),
            ScreenKind::Score => self.on_score(action),
            ScreenKind::History | ScreenKind::Notices => self.on_page(action),
            ScreenKind::Checklists => self.on_checklists(action),
            ScreenKind::ConfirmChecklist => self.on_confirm_checklist(action),
            ScreenKind::Accounts => self.on_accounts(action),
            ScreenKind::ReminderOffer => self.on_reminder_offer(action),
            ScreenKind::ReminderResult => self.on_reminder_result(action),
        }
    }

    /// The help, scrolling the details and a click: the same on every screen. False when the
    /// action is not one of them.
    fn on_any_screen(&mut self, action: Action) -> bool {
        match action {
            Action::Help => self.help = true,
            Action::ScrollDown => {
                let to = (self.scroll() + 5)
                    .min(self.hits.scroll_max)
                    .min(MAX_SCROLL);
                self.set_scroll(to);
            }
            Action::ScrollUp => self.set_scroll(self.scroll().saturating_sub(5)),
            Action::Click { column, row } => {
                if let Some(l) = self.hits.list
                    && l.area.contains(Position::new(column, row))
                {
                    let i = l.offset + usize::from(row - l.area.y);
                    if i < self.rows() {
                        self.update_screen(Action::Select(i));
                    }
                }
            }
            _ => return false,
        }
        true
    }

    /// Moving the cursor of a screen's list (the arrows, the mouse wheel, a row selected). False
    /// when the action is not one of them.
    pub(super) fn move_in_list(&mut self, action: Action) -> bool {
        let rows = self.rows();
        match action {
            Action::Up => self.set_cursor(self.cursor().saturating_sub(1)),
            Action::Down => self.set_cursor((self.cursor() + 1).min(rows.saturating_sub(1))),
            Action::Select(i) if i < rows => self.set_cursor(i),
            _ => return false,
        }
        true
    }
}
