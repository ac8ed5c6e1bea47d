//! The shell side of the daily reminder's one-time offer: when the app wants to ask, it plans
//! the install (nothing is written); after a yes it installs; then it records the answer in the
//! data directory so that the question is not asked again.

use std::path::PathBuf;

use super::app::{App, ReminderResult};
use crate::app;
use crate::reminders::{self, Environment, Plan, ReminderError, SystemRunner};
use crate::store::Paths;

pub struct OfferShell {
    /// The `--data-dir` given (the job passes it on), None for the default.
    data_dir: Option<PathBuf>,
    /// The machine as tests describe it; None: looked at when asking.
    env: Option<Environment>,
    runner: SystemRunner,
    /// What the question showed, installed after a yes.
    asked: Option<(Environment, Plan)>,
}

impl OfferShell {
    pub fn new(data_dir: Option<PathBuf>) -> OfferShell {
        OfferShell {
            data_dir,
            env: None,
            runner: SystemRunner::new(),
            asked: None,
        }
    }

    /// For tests: this machine description and a runner whose programs are fakes.
    pub fn with(data_dir: Option<PathBuf>, env: Environment, runner: SystemRunner) -> OfferShell {
        OfferShell {
            data_dir,
            env: Some(env),
            runner,
            asked: None,
        }
    }

    /// Asks when the app wants to: shows the plan. Does not ask in this session (and records
    /// nothing) when no daily job can be installed here (no systemd, cron or launchd), or when a
    /// lockstep job is already installed (a yes would replace it, e.g. the job of another data
    /// directory or one installed with another time). Returns true when the question is shown.
    pub fn prepare(&mut self, app: &mut App) -> bool {
        if !app.wants_reminder_offer() {
            return false;
        }
        let planned = match &self.env {
            Some(env) => Ok(env.clone()),
            None => Environment::detect(),
        }
        .and_then(|env| Ok((app::offer_plan(&env, self.data_dir.as_deref())?, env)));
        match planned {
            Ok((plan, env)) if reminders::installed_jobs(&env, &self.runner, None).is_empty() => {
                app.ask_reminder_offer(&plan.preview());
                self.asked = Some((env, plan));
                true
            }
            Ok(_) => {
                app.reminder_offer_unavailable();
                false
            }
            // No scheduler works here: the shell-start alternative instead (nothing recorded).
            Err(e) => {
                match app::shell_line(self.data_dir.as_deref()) {
                    Ok(shell) => app.reminder_shell_alternative(&e.to_string(), &shell),
                    // Not even this binary's path can be named: say why nothing is offered.
                    Err(_) => app.reminder_offer_unavailable(),
                }
                false
            }
        }
    }

    /// Acts on an answer: a yes installs what was shown (`before_install` lets the shell draw
    /// "Installing..." first), then the answer is recorded. A failed install records nothing, so
    /// the question comes back next time. Returns true when programs were run (the shell then
    /// redraws the whole screen and drops keys typed meanwhile).
    pub fn act(
        &mut self,
        app: &mut App,
        paths: &Paths,
        before_install: impl FnOnce(&mut App),
    ) -> bool {
        let Some(yes) = app.take_offer_answer() else {
            return false;
        };
        if !yes {
            if let Err(e) = app::record_offer(paths, false) {
                app.offer_not_recorded(&e);
            }
            return false;
        }
        let Some((env, plan)) = self.asked.take() else {
            return false;
        };
        before_install(app);
        match reminders::install(&plan, &env, &self.runner) {
            Ok(report) if report.not_scheduled.is_some() => {
                let shell = app::shell_line_for(&plan.job);
                app.reminder_installed(not_scheduled(&report, &shell));
            }
            Ok(report) => {
                app.reminder_installed(installed(&plan, &report));
                if let Err(e) = app::record_offer(paths, true) {
                    app.offer_not_recorded(&e);
                }
            }
            Err(e) => app.reminder_installed(failed(&e)),
        }
        true
    }
}

/// What the result screen says after a successful install of `plan`: warnings first (e.g. a
/// systemd timer that could not be enabled), then what was done.
pub fn installed(plan: &Plan, report: &crate::reminders::InstallReport) -> ReminderResult {
    let mut lines = Vec::new();
    for w in &report.warnings {
        lines.extend(format!("Warning: {w}").lines().map(String::from));
        lines.push(String::new());
    }
    for d in &report.done {
        lines.extend(capitalized(d).lines().map(String::from));
    }
    if !report.changed {
        lines.push("It was already installed exactly so: nothing changed.".into());
    }
    lines.push(String::new());
    lines.push(format!(
        "Every day at {} (local time) lockstep checks whether a review is due or an incident is \
         open, and sends a desktop notification (when no notification server answers, it is \
         printed and shown by a later run).",
        plan.job.at
    ));
    lines.push(
        "`lockstep reminders status` shows it; `lockstep reminders remove` takes it away.".into(),
    );
    for n in plan.notes.iter().filter(|n| !report.warnings.contains(n)) {
        lines.push(String::new());
        lines.extend(format!("Note: {n}").lines().map(String::from));
    }
    ReminderResult {
        ok: true,
        warned: !report.warnings.is_empty(),
        lines,
    }
}

/// What the result screen says when the job was written but will not run (no systemd user
/// manager): not "installed", what is missing, and the shell-start line instead.
pub fn not_scheduled(report: &crate::reminders::InstallReport, shell: &str) -> ReminderResult {
    let mut lines = vec!["The daily reminder is NOT running:".to_string()];
    if let Some(why) = &report.not_scheduled {
        lines.extend(capitalized(why).lines().map(String::from));
    }
    lines.push(String::new());
    lines.push(
        "To be reminded at every shell start instead, add this line to ~/.bashrc or ~/.zshrc:"
            .into(),
    );
    lines.push(format!("    {shell}"));
    lines.push(String::new());
    lines.push("Nothing was recorded: lockstep asks again next time.".into());
    ReminderResult {
        ok: false,
        warned: true,
        lines,
    }
}

/// What the result screen says when the install failed.
pub fn failed(e: &ReminderError) -> ReminderResult {
    let mut lines: Vec<String> = e.to_string().lines().map(capitalized).collect();
    lines.push(String::new());
    lines.push(
        "Nothing was recorded: lockstep asks again next time. In a shell, `lockstep reminders \
         install` shows what it would do and asks first."
            .into(),
    );
    ReminderResult {
        ok: false,
        warned: false,
        lines,
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
