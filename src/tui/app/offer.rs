//! The one-time offer of the daily reminder: asked when the 5-minute essentials are first all
//! done, never installing anything without a yes, and not asked again after a no. The app only
//! decides when to ask and what was answered; the shell prepares the plan, installs and records
//! the answer (see `tui::run`).

use super::{Action, App, ReminderResult, Screen, ScreenKind};

/// Where the offer stands in this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Offer {
    /// Not asked in this session (already asked in this data directory, or not possible here).
    #[default]
    Off,
    /// Never asked in this data directory: asked once the essentials are all done.
    Waiting,
    /// The question is on screen.
    Asking,
    /// The user answered; the shell acts on it ([`App::take_offer_answer`]).
    Answered(bool),
}

/// Screens the question may appear over: not in the middle of a first-run question, a prompt or
/// the emergency steps.
const ASK_OVER: &[ScreenKind] = &[
    ScreenKind::Dashboard,
    ScreenKind::Walkthrough,
    ScreenKind::SectionEnd,
    ScreenKind::Review,
];

impl App {
    /// A key on the question.
    pub(super) fn on_reminder_offer(&mut self, action: Action) {
        match action {
            Action::Yes => self.answer_reminder_offer(true),
            Action::No => self.answer_reminder_offer(false),
            Action::Back => self.reminder_offer_later(),
            _ => {}
        }
    }

    /// A key on what installing did.
    pub(super) fn on_reminder_result(&mut self, action: Action) {
        if action == Action::Back {
            self.back();
        }
    }

    /// The shell found that this data directory was never asked: ask once the essentials are done.
    pub fn allow_reminder_offer(&mut self) {
        if self.offer == Offer::Off {
            self.offer = Offer::Waiting;
        }
    }

    /// True when the question should be asked now: never asked, the account's 5-minute
    /// essentials all done, no incident open, and nothing else on screen waiting for the user.
    /// The shell then prepares what installing would do and calls [`App::ask_reminder_offer`].
    pub fn wants_reminder_offer(&self) -> bool {
        self.offer == Offer::Waiting
            && self.summary.essentials_done
            && self.acct().open_incident().is_none()
            && self.input.is_none()
            && !self.help
            && ASK_OVER.contains(&self.kind())
    }

    /// Shows the question, with `plan`: what installing writes and runs.
    pub fn ask_reminder_offer(&mut self, plan: &str) {
        let plan = plan
            .lines()
            .map(|l| crate::guard::clean(l, true).into_owned())
            .collect();
        self.offer = Offer::Asking;
        self.help = false;
        // A note about the step just checked is done with; an error (e.g. a calendar file not
        // updated) stays.
        if self.flash.as_ref().is_some_and(|f| !f.error) {
            self.flash = None;
        }
        self.push(Screen::ReminderOffer { plan, scroll: 0 });
    }

    /// No daily job can be installed here (no systemd, cron or launchd): the question is not
    /// asked in this session, and nothing is recorded.
    pub fn reminder_offer_unavailable(&mut self) {
        self.offer = Offer::Off;
    }

    /// No scheduler works here (`why`): instead of the question, the line to paste into a
    /// shell's rc file so that reviews are listed at every shell start. Said once per session;
    /// nothing is recorded.
    pub fn reminder_shell_alternative(&mut self, why: &str, shell: &str) {
        self.offer = Offer::Off;
        let mut lines = vec![
            "Your 5-minute essentials are done. A daily reminder job cannot be installed here:"
                .to_string(),
        ];
        lines.extend(
            why.lines()
                .map(|l| crate::guard::clean(l, true).into_owned()),
        );
        lines.push(String::new());
        lines.push(
            "To see due reviews at every shell start instead, add this line to ~/.bashrc or \
             ~/.zshrc (fish: see README):"
                .into(),
        );
        lines.push(format!("    {}", crate::guard::clean(shell, true)));
        self.push(Screen::ReminderResult {
            result: ReminderResult {
                ok: true,
                warned: true,
                lines,
            },
            scroll: 0,
        });
    }

    /// y or n on the question (`Action::Yes` / `Action::No`).
    fn answer_reminder_offer(&mut self, yes: bool) {
        if self.offer != Offer::Asking {
            return;
        }
        self.offer = Offer::Answered(yes);
        if yes {
            self.ok("Installing the daily reminder...");
        } else {
            self.back();
            self.ok(
                "No daily reminder: lockstep will not ask again. `lockstep reminders install` \
                 sets one up any time.",
            );
        }
    }

    /// Esc or q on the question: not now. Nothing is recorded, so it is asked again the next
    /// time lockstep opens with the essentials done.
    fn reminder_offer_later(&mut self) {
        self.offer = Offer::Off;
        self.back();
        self.ok("Not now: lockstep asks again next time. `lockstep reminders install` sets it up.");
    }

    /// The question goes without an answer (the user pressed `!`): nothing is recorded, so it
    /// comes back the next time lockstep opens.
    pub(super) fn drop_reminder_offer(&mut self) {
        if self.offer == Offer::Asking && matches!(self.screen(), Screen::ReminderOffer { .. }) {
            self.offer = Offer::Off;
            self.back();
        }
    }

    /// The answer to act on, once: the shell installs on a yes, then records the answer.
    pub fn take_offer_answer(&mut self) -> Option<bool> {
        match self.offer {
            Offer::Answered(yes) => {
                self.offer = Offer::Off;
                Some(yes)
            }
            _ => None,
        }
    }

    /// What installing did: shown on the question's screen, which then only says the outcome.
    pub fn reminder_installed(&mut self, result: ReminderResult) {
        self.flash = None;
        if !result.ok {
            self.err("The daily reminder was not installed.");
        }
        let on_question = matches!(
            self.screen(),
            Screen::ReminderOffer { .. } | Screen::ReminderResult { .. }
        );
        if on_question {
            let scroll = self.scroll();
            self.replace(Screen::ReminderResult { result, scroll });
        } else {
            self.push(Screen::ReminderResult { result, scroll: 0 });
        }
    }

    /// The answer could not be written down (the data directory): said, and the question may
    /// come back.
    pub fn offer_not_recorded(&mut self, why: &crate::app::OfferError) {
        self.err(format!(
            "Your answer could not be recorded ({why}): lockstep may ask again."
        ));
    }
}
