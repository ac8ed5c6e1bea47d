//! `lockstep notify`: what the daily job runs. Reads the state without the writer lock, sends one
//! desktop notification per account with a review due or an incident open (or whose checklist
//! cannot be read), and refreshes the calendar file named with `--ics`. Only an unreadable state
//! or checklist is an error.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{AppError, Cli, Clock, ExitStatus};
use crate::app::ics_feed;
use crate::app::resolve_all;
use crate::checklist::Checklist;
use crate::guard::{clean, line};
use crate::notify::{
    self, AccountDue, Delivery, DueItem, DueState, Notification, Notifier, OpenCommand,
};
use crate::schedule::{self, Due};
use crate::state::{Account, DEFAULT_ACCOUNT};
use crate::store::{self, Paths};

/// What the notification says about one account's reviews and incident on `today`, and the
/// clock warnings of its reviews (records dated after today, ignored).
pub fn account_due(
    name: &str,
    cl: &Checklist,
    account: &Account,
    today: NaiveDate,
) -> (AccountDue, Vec<String>) {
    let mut warnings = Vec::new();
    let mut items = Vec::new();
    for r in schedule::reviews(cl, account, today) {
        if let Some(w) = &r.clock_warning {
            warnings.push(format!("{}: {}", r.title, w.describe()));
        }
        let (state, since) = match r.due {
            Due::Overdue { next, days } if !r.snoozed => (DueState::Overdue { days }, next),
            Due::Now { next } if !r.snoozed => (DueState::Due, next),
            Due::Soon { next, days } => (DueState::Soon { days }, next),
            _ => continue,
        };
        items.push(DueItem {
            key: r.section.to_string(),
            label: r.title.clone(),
            section_title: r.title.clone(),
            state,
            since,
        });
    }
    let incident = account.open_incident().map(|i| notify::OpenIncident {
        id: i.id,
        opened: i.opened,
        since: i.opened.with_timezone(&chrono::Local).date_naive(),
        what: Some(format!("incident #{}", i.id)),
    });
    let due = AccountDue {
        account: name.to_string(),
        label: Some(account.label.clone().unwrap_or_else(|| cl.service.clone())),
        items,
        incident,
        notes: warnings.clone(),
    };
    (due, warnings)
}

/// The notification for an account whose checklist cannot be used: sent on every run (the daily
/// job), so the reminder never goes quiet because of a checklist.
fn unavailable_notification(name: &str, error: &str, open: &OpenCommand) -> Notification {
    Notification {
        account: name.to_string(),
        summary: format!(
            "lockstep: {}: its checklist cannot be read, reviews are not checked",
            line(name)
        ),
        body: format!(
            "{}\nFix the file (`lockstep validate FILE` shows what is wrong), then run: {}",
            line(error),
            line(&open.for_account(name))
        ),
        keys: Vec::new(),
        urgency: notify::Urgency::Normal,
    }
}

/// Sends the accounts' notifications and the notices of checklists that cannot be read, and says
/// on stderr what could only be printed (a reminder printed stays pending for the next run).
fn send(
    paths: &Paths,
    accounts: &[AccountDue],
    broken: &[Notification],
    open: &OpenCommand,
    today: NaiveDate,
) {
    let mut stdout = io::stdout().lock();
    let notifier = Notifier::system();
    let report = notify::run(
        &paths.data_dir,
        accounts,
        today,
        open,
        &notifier,
        &mut stdout,
    );
    let mut sent = Vec::new();
    for n in broken {
        match notifier.deliver(n, &mut stdout) {
            Ok(d) => sent.push((n.account.clone(), d)),
            Err(e) => eprintln!(
                "lockstep: warning: cannot print the reminder for {}: {e}",
                line(&n.account)
            ),
        }
    }
    let _ = stdout.flush();
    drop(stdout);
    for (account, reason) in report.pending() {
        eprintln!(
            "lockstep: the reminder for '{}' was not shown ({}): printed instead, and kept \
             pending; the next `lockstep notify` that reaches a notification server shows it",
            line(account),
            line(reason)
        );
    }
    for (account, delivery) in &sent {
        if let Delivery::Printed { reason } = delivery {
            eprintln!(
                "lockstep: the notice for '{}' was not shown ({}): printed instead",
                line(account),
                line(reason)
            );
        }
    }
    for w in &report.warnings {
        eprintln!("lockstep: warning: {}", line(w));
    }
}

/// `lockstep notify [--ics FILE]`. Exit status 2 when an account's checklist cannot be used (it
/// is notified about, and the other accounts as usual).
pub(super) fn notify(
    cli: &Cli,
    paths: &Paths,
    ics: Option<&Path>,
    clock: Clock,
) -> Result<ExitStatus, AppError> {
    let loaded = store::load(paths)?;
    for w in &loaded.warnings {
        eprintln!("lockstep: warning: {}", line(w));
    }
    if !paths.state_file().exists() {
        // Likely a job that looks in the wrong place: say so (the job still succeeds).
        eprintln!(
            "lockstep: warning: nothing is tracked in {} yet, so there is nothing to notify; \
             if your progress is elsewhere, install the reminder again from there",
            line(&paths.data_dir.display().to_string())
        );
    }
    let mut state = loaded.state;
    let resolved = resolve_all(paths, &state);
    let open = OpenCommand {
        data_dir: cli
            .data_dir
            .as_deref()
            .map(|d| std::path::absolute(d).unwrap_or_else(|_| d.to_path_buf()))
            .map(|d| d.display().to_string()),
        default_account: DEFAULT_ACCOUNT.to_string(),
    };
    let mut accounts = Vec::new();
    let mut broken = Vec::new();
    for (name, acct) in state
        .accounts
        .iter_mut()
        .filter(|(name, _)| cli.account.as_ref().is_none_or(|w| w == *name))
    {
        let cl = match &resolved[name] {
            Ok(r) => &r.loaded.checklist,
            Err(e) => {
                eprintln!(
                    "lockstep: error: account '{}': {}",
                    line(name.as_str()),
                    clean(&e.to_string(), true)
                );
                broken.push(unavailable_notification(
                    name.as_str(),
                    &e.to_string(),
                    &open,
                ));
                continue;
            }
        };
        acct.follow_aliases(cl, clock.now);
        let (due, warnings) = account_due(name.as_str(), cl, acct, clock.today);
        for w in warnings {
            eprintln!(
                "lockstep: warning: account '{}': {}",
                line(name.as_str()),
                line(&w)
            );
        }
        accounts.push(due);
    }
    send(paths, &accounts, &broken, &open, clock.today);
    if let Some(file) = ics {
        // The same rules as `reminders install --ics`: not inside the data directory, and only
        // over a lockstep calendar or an empty file.
        let written: Result<PathBuf, ics_feed::IcsFeedError> =
            ics_feed::checked_feed_file(paths, file).and_then(|f| {
                ics_feed::write_feed(paths, &f, &state, clock.today, clock.now)?;
                Ok(f)
            });
        if let Err(e) = written {
            eprintln!("lockstep: warning: {}", line(&e.to_string()));
        }
    }
    Ok(if broken.is_empty() { 0 } else { 2 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{BUNDLED, parse};
    use chrono::{TimeZone, Utc};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn due_overdue_and_soon_reviews_become_items_snoozed_ones_do_not() {
        let cl = parse("crypto-com.json", BUNDLED[0].1).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 10, 1, 8, 0, 0).unwrap();
        let mut a = Account::new("crypto-com", now);
        a.check(&cl, "totp-2fa", now).unwrap();
        a.settle(d(2026, 10, 1));
        // Nothing due in the first month; then the monthly review is due soon.
        let (due, w) = account_due("main", &cl, &a, d(2026, 10, 2));
        assert!(due.items.is_empty() && due.incident.is_none() && w.is_empty());
        let (due, _) = account_due("main", &cl, &a, d(2026, 10, 29));
        assert_eq!(due.items.len(), 1);
        assert_eq!(due.items[0].key, "monthly");
        assert_eq!(due.items[0].state, DueState::Soon { days: 3 });
        assert_eq!(due.items[0].since, d(2026, 11, 1));
        assert_eq!(due.label.as_deref(), Some("Crypto.com"));
        // Overdue, then snoozed (left out), then a record from a wrong clock (warned about).
        let today = d(2026, 11, 5);
        let (due, _) = account_due("main", &cl, &a, today);
        assert_eq!(due.items[0].state, DueState::Overdue { days: 4 });
        schedule::snooze(&mut a, &cl, "monthly", 2, today, now).unwrap();
        let (due, _) = account_due("main", &cl, &a, today);
        assert!(due.items.is_empty(), "{due:?}");
        a.complete_review(&cl, "quarterly", now, d(2030, 1, 1))
            .unwrap();
        let (_, w) = account_due("main", &cl, &a, today);
        assert_eq!(w.len(), 1);
        assert!(
            w[0].starts_with("Quarterly review: 1 record dated after today"),
            "{w:?}"
        );
        // An incident: every review due now, and the incident itself.
        a.open_compromise(&cl, now).unwrap();
        let (due, _) = account_due("main", &cl, &a, today);
        assert_eq!(due.items.len(), 2);
        assert!(
            due.items
                .iter()
                .all(|i| matches!(i.state, DueState::Due | DueState::Overdue { .. }))
        );
        assert_eq!(due.incident.unwrap().what.as_deref(), Some("incident #1"));
    }
}
