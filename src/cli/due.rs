//! `lockstep due`: the fast shell-start reminder, reading only what it needs; with `--soon` (and
//! always in `--json`) also the reviews due within a week.

use chrono::NaiveDate;

use super::output::{json_out, out};
use super::{AppError, Cli, ExitStatus};
use crate::app::wanted;
use crate::checklist::{self, Catalog, Outline, SectionKind};
use crate::guard::{clean, line};
use crate::ids::AccountName;
use crate::schedule::{self, Due};
use crate::state::Account;
use crate::store::{self, Paths};

/// `lockstep due`: every account, or only the one named with `--account` (an error when it is not
/// tracked). Reviews due within [`schedule::SOON_DAYS`] days are listed with `soon` and in JSON;
/// only due and overdue ones count for `--exit-code` and `--quiet`. An account whose checklist
/// cannot be used (a broken file: `file:line:col`) is reported on stderr and makes the exit
/// status 2, after the other accounts are reported as usual: a reminder never goes quiet because
/// of a checklist.
pub(super) fn due(
    cli: &Cli,
    paths: &Paths,
    today: NaiveDate,
    quiet: bool,
    exit_code: bool,
    soon: bool,
    json: bool,
) -> Result<ExitStatus, AppError> {
    // The text output needs only schedules: the due index spares reading the whole state.
    let loaded = if json {
        store::load(paths)?
    } else {
        store::load_for_due(paths, today)?
    };
    // What came in from another machine is told once, even here (no other warning is).
    for n in &loaded.merged {
        eprintln!("lockstep: {}", crate::guard::line(n));
    }
    if let Some(wanted) = &cli.account
        && !loaded.state.accounts.contains_key(wanted)
    {
        return Err(AppError::UnknownAccount {
            name: wanted.clone(),
            known: loaded
                .state
                .accounts
                .keys()
                .map(ToString::to_string)
                .collect(),
            creating: false,
        });
    }
    let accounts: Vec<(&AccountName, &Account)> = loaded
        .state
        .accounts
        .iter()
        .filter(|(name, _)| cli.account.as_ref().is_none_or(|w| w == *name))
        .collect();
    let mut report = Report::default();
    let user_dir = paths.user_checklists();
    let mut outlines: Vec<(crate::checklist::Wanted<'_>, Outline)> = Vec::new();
    // --json needs the full checklists (item progress); the text path only needs outlines.
    let cat = json.then(|| {
        let ids: Vec<&str> = accounts.iter().map(|(_, a)| a.checklist.as_str()).collect();
        Catalog::load_only(&crate::store::DiskFiles, user_dir.as_deref(), &ids)
    });
    for (name, acct) in &accounts {
        let prefix = if accounts.len() > 1 {
            format!("[{}] ", line(acct.display(name.as_str())))
        } else {
            String::new()
        };
        report.incident(&prefix, name.as_str(), acct);
        if let Some(cat) = &cat {
            report.json_account(cat, name.as_str(), acct, today);
            continue;
        }
        // Accounts that follow the same checklist share its outline (read once).
        let want = wanted(acct);
        let outline = match outlines.iter().position(|(w, _)| *w == want) {
            Some(i) => &outlines[i].1,
            None => match Outline::resolve_cached(
                &crate::store::DiskFiles,
                user_dir.as_deref(),
                want,
                loaded.outlines.get(want.id),
            ) {
                Ok(o) => {
                    outlines.push((want, o));
                    &outlines[outlines.len() - 1].1
                }
                Err(e) => {
                    report.unavailable(name.as_str(), &e);
                    continue;
                }
            },
        };
        report.text_account(outline, acct, &prefix, today, soon);
    }
    report.finish(json, quiet, exit_code)
}

/// What `due` found, account by account.
#[derive(Default)]
struct Report {
    /// The text output.
    lines: String,
    /// The `--json` output.
    items: Vec<serde_json::Value>,
    /// Something is due (or an incident is open): `--exit-code` exits 1.
    any: bool,
    /// An account's checklist cannot be used: exit 2, after the others are reported.
    broken: bool,
    /// Due reviews whose reminder is snoozed (said when nothing else is due).
    hidden: Vec<String>,
}

impl Report {
    /// An account's checklist cannot be used: said on stderr, and the exit status is 2.
    fn unavailable(&mut self, name: &str, e: &dyn std::fmt::Display) {
        self.broken = true;
        eprintln!(
            "lockstep: error: account '{}': {}",
            line(name),
            clean(&e.to_string(), true)
        );
        eprintln!(
            "lockstep: its reviews cannot be checked until this is fixed (`lockstep validate FILE`)"
        );
    }

    /// An open incident comes first.
    fn incident(&mut self, prefix: &str, name: &str, acct: &Account) {
        if let Some(inc) = acct.open_incident() {
            self.any = true;
            self.lines.push_str(&format!(
                "lockstep: {prefix}incident #{} is open: run `lockstep` and press ! to continue\n",
                inc.id
            ));
            self.items.push(serde_json::json!({
                "account": name,
                "incident": inc.id,
                "opened": inc.opened,
            }));
        }
    }

    /// `--json`: every review of the account that is due or due soon, from the full checklist.
    fn json_account(&mut self, cat: &Catalog, name: &str, acct: &Account, today: NaiveDate) {
        let cl = match cat.resolve(&crate::store::DiskFiles, wanted(acct)) {
            Ok(r) => r.loaded.checklist,
            Err(e) => {
                self.unavailable(name, &e);
                self.items
                    .push(serde_json::json!({"account": name, "error": e.to_string()}));
                return;
            }
        };
        let mut acct = acct.clone();
        acct.follow_aliases(&cl, chrono::DateTime::UNIX_EPOCH);
        for r in schedule::reviews(&cl, &acct, today)
            .into_iter()
            // A snoozed due review stays listed, with "snoozed": true.
            .filter(|r| r.due.is_due() || matches!(r.due, Due::Soon { .. }))
        {
            self.any |= r.remind();
            self.items
                .push(serde_json::json!({"account": name, "review": r}));
        }
    }

    /// The text output of one account: a line per review that reminds (or is due soon, with
    /// `--soon`), from the checklist's outline.
    fn text_account(
        &mut self,
        outline: &Outline,
        acct: &Account,
        prefix: &str,
        today: NaiveDate,
        soon: bool,
    ) {
        let started = acct.setup_started_on();
        let renames = outline.renames();
        for s in outline
            .sections
            .iter()
            .filter(|s| s.kind == SectionKind::Recurring)
        {
            let every = s.every_months.unwrap_or(1);
            // Completions recorded under a former id of the section count for it.
            let former = checklist::former_ids(&renames, s.id.as_str());
            let (review, d, snoozed) =
                schedule::review_due(acct, s.id.as_str(), &former, every, today);
            let review = review.as_ref();
            if d.is_due()
                && snoozed
                && let Some(until) = schedule::snoozed_until(review, today)
            {
                self.hidden.push(format!(
                    "{} {}",
                    s.title.to_lowercase(),
                    schedule::snoozed_words(until)
                ));
            }
            let shown = schedule::reminds(&d, snoozed) || (soon && matches!(d, Due::Soon { .. }));
            if !shown {
                continue;
            }
            self.any |= schedule::reminds(&d, snoozed);
            let warning = schedule::clock_warning(review, started, today)
                .map(|w| format!(" ({})", w.describe()))
                .unwrap_or_default();
            self.lines.push_str(&format!(
                "lockstep: {prefix}{} {}: {}{warning}\n",
                line(&outline.service),
                line(&s.title),
                d.describe()
            ));
        }
    }

    /// Prints the report; the exit status.
    fn finish(self, json: bool, quiet: bool, exit_code: bool) -> Result<ExitStatus, AppError> {
        if json {
            json_out(&serde_json::Value::Array(self.items))?;
        } else if !self.lines.is_empty() {
            out(&self.lines)?;
        } else if !quiet && !self.broken && self.hidden.is_empty() {
            out("lockstep: nothing due\n")?;
        } else if !quiet && !self.broken {
            // Nothing is shown, but something is only hidden for now: say what and until when.
            out(&format!(
                "lockstep: nothing due ({})\n",
                line(&self.hidden.join("; "))
            ))?;
        }
        Ok(if self.broken {
            2
        } else if exit_code && self.any {
            1
        } else {
            0
        })
    }
}
