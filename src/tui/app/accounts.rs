//! The accounts screen: every account worst first, and switching to one (which meets its
//! checklist, like the CLI does at a change, and shows what changed once).

use super::{Action, App, Screen};
use crate::export::{self, Overview};

impl App {
    /// A key on the accounts screen (`!` is for the selected account: see `App::compromised`).
    pub(super) fn on_accounts(&mut self, action: Action) {
        if self.move_in_list(action) {
            return;
        }
        match action {
            Action::Open => self.open_account(),
            Action::Back => self.back(),
            _ => {}
        }
    }

    /// The accounts screen, its cursor on `cursor`.
    fn accounts_screen(&self, cursor: usize) -> Screen {
        Screen::Accounts {
            overview: self.compute_overview(),
            cursor,
        }
    }

    /// The overview of every account with its checklist (or why it cannot be used).
    pub(super) fn compute_overview(&self) -> Overview {
        export::overview(
            self.state.accounts.iter().map(|(name, a)| {
                let c = match self.checklists.get(name) {
                    Some(Ok(r)) => Ok(&r.loaded),
                    Some(Err(e)) => Err(e.clone()),
                    None => Err("its checklist was not loaded".to_string()),
                };
                (name.as_str(), a, c)
            }),
            self.today,
        )
    }

    /// Opens the accounts screen on top (the cursor on the current account).
    pub(super) fn show_accounts(&mut self) {
        let screen = self.accounts_screen(0);
        self.push(screen);
        self.set_cursor(self.overview_position(&self.account.clone()));
    }

    fn overview_position(&self, name: &str) -> usize {
        self.overview()
            .and_then(|o| o.accounts.iter().position(|r| r.name == name))
            .unwrap_or(0)
    }

    /// Starts on the accounts screen (when several accounts are tracked and none was named).
    /// `notices` for the current account wait until it is opened.
    pub fn start_with_accounts(&mut self) {
        let notices = match self.stack.last() {
            Some(Screen::Notices { lines }) => lines.clone(),
            _ => Vec::new(),
        };
        if !notices.is_empty() {
            self.pending_notices.insert(self.account.clone(), notices);
        }
        self.stack = vec![self.accounts_screen(0)];
        self.refresh();
    }

    /// Enter on the accounts screen: switch to the selected account.
    pub(super) fn open_account(&mut self) {
        let Some(name) = self
            .overview()
            .and_then(|o| o.accounts.get(self.cursor()))
            .map(|r| r.name.clone())
        else {
            return;
        };
        self.switch_to(&name);
    }

    /// Makes `name` the current account, on its dashboard above the accounts screen. Its
    /// checklist meets the account (progress under former ids follows them, a changed file is
    /// recorded) and what changed is shown once.
    pub fn switch_to(&mut self, name: &str) {
        let resolved = match self.checklists.get(name) {
            Some(Ok(r)) => r.clone(),
            Some(Err(e)) => {
                return self.err(format!("Account {name}: its checklist cannot be used: {e}"));
            }
            None => return self.err(format!("No account {name}.")),
        };
        if !self.state.accounts.contains_key(name) {
            return self.err(format!("No account {name}."));
        }
        let at = self.overview_position(name);
        self.account = name.to_string();
        self.cl = resolved.loaded.checklist;
        self.origin = resolved.loaded.origin;
        self.saved_history.clear();
        self.history_loaded = false;
        let before = self.acct().clone();
        let (origin, unused, now) = (self.origin.clone(), resolved.unused, self.now);
        let mut notices = self.pending_notices.remove(name).unwrap_or_default();
        let account = name.to_string();
        notices.extend(self.op(|a, cl| a.observe(&account, cl, &origin, &unused, now)));
        if *self.acct() != before {
            self.dirty = true;
        }
        self.stack = vec![self.accounts_screen(at), Screen::dashboard()];
        self.refresh();
        if !self.acct().personas_chosen && !self.cl.personas.is_empty() {
            self.open_personas(true);
        }
        if !notices.is_empty() {
            self.push(Screen::Notices { lines: notices });
        }
        self.ok(format!(
            "Now on {}.",
            self.acct().label_and_name(&self.account)
        ));
    }
}
