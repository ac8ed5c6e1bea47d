//! `lockstep due`: the fast shell-start reminder, reading only what it needs; with `--soon` (and
//! always in `--json`) also the reviews due within a week.

use chrono::NaiveDate;

use super::output::{json_out, out};
use super::{AppError, Cli, ExitStatus};
use crate::app::wanted;
use crate::checklist::{self, Catalog, Outline, SectionKind};
use crate::guard::{clean, line};
use crate::schedule::{self, Due};
use crate::state::Account;
use crate::store::{self, Paths};

/// `lockstep due`: every account, or only the one named with `--account` (an error when it is not
/// tracked). Reviews due within [`schedule::SOON_DAYS`] days are listed with `soon` and in JSON;
/// only due and overdue ones count for `--exit-code` and `--quiet`. An account whose checklist
/// cannot be used (a broken file: `file:line:col`) is reported on stderr and makes the exit
/// status 2, after the other accounts are reported as usual: a reminder never goes quiet because
/// of a checklist.
#[allow(clippy::too_many_lines)] // over 100 lines from before the lint: to split (ARCHITECTURE.md)
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
            known: loaded.state.accounts.keys().cloned().collect(),
            creating: false,
        });
    }
    let accounts: Vec<(&String, &Account)> = loaded
        .state
        .accounts
        .iter()
        .filter(|(name, _)| cli.account.as_ref().is_none_or(|w| w == *name))
        .collect();
    let mut lines = String::new();
    let mut items = Vec::new();
    let mut any = false;
    let mut broken = false;
    // Due reviews whose reminder is snoozed (said when nothing else is due).
    let mut hidden: Vec<String> = Vec::new();
    let user_dir = paths.user_checklists();
    let mut outlines: Vec<(crate::checklist::Wanted<'_>, Outline)> = Vec::new();
    // --json needs the full checklists (item progress); the text path only needs outlines.
    let cat = json.then(|| {
        let ids: Vec<&str> = accounts.iter().map(|(_, a)| a.checklist.as_str()).collect();
        Catalog::load_only(&crate::store::DiskFiles, user_dir.as_deref(), &ids)
    });
    let unavailable = |name: &str, e: &dyn std::fmt::Display| {
        eprintln!(
            "lockstep: error: account '{}': {}",
            line(name),
            clean(&e.to_string(), true)
        );
        eprintln!(
            "lockstep: its reviews cannot be checked until this is fixed (`lockstep validate FILE`)"
        );
    };
    for (name, acct) in &accounts {
        let prefix = if accounts.len() > 1 {
            format!("[{}] ", line(acct.display(name)))
        } else {
            String::new()
        };
        if let Some(inc) = acct.open_incident() {
            any = true;
            lines.push_str(&format!(
                "lockstep: {prefix}incident #{} is open: run `lockstep` and press ! to continue\n",
                inc.id
            ));
            items.push(serde_json::json!({
                "account": name,
                "incident": inc.id,
                "opened": inc.opened,
            }));
        }
        if let Some(cat) = &cat {
            let cl = match cat.resolve(&crate::store::DiskFiles, wanted(acct)) {
                Ok(r) => r.loaded.checklist,
                Err(e) => {
                    broken = true;
                    unavailable(name, &e);
                    items.push(serde_json::json!({"account": name, "error": e.to_string()}));
                    continue;
                }
            };
            let mut acct = (*acct).clone();
            acct.follow_aliases(&cl, chrono::DateTime::UNIX_EPOCH);
            for r in schedule::reviews(&cl, &acct, today)
                .into_iter()
                // A snoozed due review stays listed, with "snoozed": true.
                .filter(|r| r.due.is_due() || matches!(r.due, Due::Soon { .. }))
            {
                any |= r.remind();
                items.push(serde_json::json!({"account": name, "review": r}));
            }
            continue;
        }
        // Accounts that follow the same checklist share its outline (read once).
        let want = wanted(acct);
        let outline = match outlines.iter().position(|(w, _)| *w == want) {
            Some(i) => &outlines[i].1,
            None => match Outline::resolve(&crate::store::DiskFiles, user_dir.as_deref(), want) {
                Ok(o) => {
                    outlines.push((want, o));
                    &outlines[outlines.len() - 1].1
                }
                Err(e) => {
                    broken = true;
                    unavailable(name, &e);
                    continue;
                }
            },
        };
        let started = acct.setup_started_on();
        let renames = outline.renames();
        for s in outline
            .sections
            .iter()
            .filter(|s| s.kind == SectionKind::Recurring)
        {
            let every = s.every_months.unwrap_or(1);
            // Completions recorded under a former id of the section count for it.
            let former = checklist::former_ids(&renames, &s.id);
            let (review, d, snoozed) = schedule::review_due(acct, &s.id, &former, every, today);
            let review = review.as_ref();
            if d.is_due()
                && snoozed
                && let schedule::SnoozeState::Until(until) = schedule::snooze_state(review, today)
            {
                hidden.push(format!("{} snoozed until {until}", s.title.to_lowercase()));
            }
            let shown = schedule::reminds(&d, snoozed) || (soon && matches!(d, Due::Soon { .. }));
            if !shown {
                continue;
            }
            any |= schedule::reminds(&d, snoozed);
            let warning = schedule::clock_warning(review, started, today)
                .map(|w| format!(" ({})", w.describe()))
                .unwrap_or_default();
            lines.push_str(&format!(
                "lockstep: {prefix}{} {}: {}{warning}\n",
                line(&outline.service),
                line(&s.title),
                d.describe()
            ));
        }
    }
    if json {
        json_out(&serde_json::Value::Array(items))?;
    } else if !lines.is_empty() {
        out(&lines)?;
    } else if !quiet && !broken && hidden.is_empty() {
        out("lockstep: nothing due\n")?;
    } else if !quiet && !broken {
        // Nothing is shown, but something is only hidden for now: say what and until when.
        out(&format!(
            "lockstep: nothing due ({})\n",
            line(&hidden.join("; "))
        ))?;
    }
    Ok(if broken {
        2
    } else if exit_code && any {
        1
    } else {
        0
    })
}
