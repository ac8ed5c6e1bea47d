//! Every account on one page (`lockstep status --all` and the TUI's accounts screen): each with
//! its label, checklist, score, open setup steps, due or overdue reviews and open incident, the
//! worst first.

use std::cmp::Reverse;

use chrono::NaiveDate;
use serde::Serialize;

use crate::checklist::{Loaded, Origin, SectionKind};
use crate::guard::line;
use crate::ids::{ChecklistId, PersonaId};
use crate::schedule::{self, Due};
use crate::score;
use crate::state::{Account, Status};

/// Said wherever scores of accounts stand side by side and could mislead.
pub const NOT_COMPARABLE: &str = "Scores from different checklists or personas are not \
     comparable: each measures its own checklist's steps for how the account is used.";

/// One review that needs doing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DueReview {
    pub title: String,
    pub due: Due,
}

/// A review with records dated after today (a wrong clock), ignored for scheduling.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClockFlag {
    pub title: String,
    #[serde(flatten)]
    pub warning: schedule::ClockWarning,
}

/// One account's line in the overview.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountRow {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub checklist: ChecklistId,
    /// The checklist's title, when it could be loaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// "bundled" or "your file PATH".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// None while an incident is open (or the checklist cannot be used).
    pub score: Option<u32>,
    /// Setup steps to do, skipped or to re-verify.
    pub setup_open: usize,
    /// Reviews due or overdue (and not snoozed).
    pub due: Vec<DueReview>,
    pub incident: Option<u32>,
    /// Reviews with records dated after today, whether or not they are due.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clock_warnings: Vec<ClockFlag>,
    /// Why the checklist cannot be used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken: Option<String>,
    #[serde(skip)]
    personas: Vec<PersonaId>,
}

impl AccountRow {
    /// The label, or else the name.
    pub fn display(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }

    /// Bigger is worse: an unusable checklist, an open incident, the longest overdue review, the
    /// number of reviews due, a lower score, more open setup steps.
    fn badness(&self) -> (bool, bool, i64, usize, Reverse<u32>, usize) {
        let overdue = self
            .due
            .iter()
            .filter_map(|r| match r.due {
                Due::Overdue { days, .. } => Some(days),
                _ => None,
            })
            .max()
            .unwrap_or(-1);
        (
            self.broken.is_some(),
            self.incident.is_some(),
            overdue,
            self.due.len(),
            Reverse(self.score.unwrap_or(100)),
            self.setup_open,
        )
    }

    /// A short account of where it stands: "score 46/100, 12 setup steps open, Monthly review
    /// overdue by 3 days".
    pub fn summary(&self) -> String {
        if let Some(b) = &self.broken {
            return format!("checklist unavailable: {b}");
        }
        let mut parts = Vec::new();
        if let Some(i) = self.incident {
            parts.push(format!("INCIDENT #{i} OPEN"));
        }
        match self.score {
            Some(s) => parts.push(format!("score {s}/100")),
            None if self.incident.is_some() => parts.push("no score".into()),
            None => {}
        }
        parts.push(match self.setup_open {
            0 => "setup done".into(),
            1 => "1 setup step open".into(),
            n => format!("{n} setup steps open"),
        });
        for r in &self.due {
            parts.push(format!("{} {}", r.title, r.due.describe()));
        }
        for c in &self.clock_warnings {
            parts.push(format!("{}: {}", c.title, c.warning.describe()));
        }
        parts.join(", ")
    }
}

/// Every account, worst first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    pub accounts: Vec<AccountRow>,
    /// False when the accounts follow different checklists or personas: their scores cannot be
    /// compared (see [`NOT_COMPARABLE`]).
    pub comparable: bool,
}

/// The overview of these accounts (name, account, its checklist or why it cannot be used) on
/// `today`.
pub fn overview<'a>(
    accounts: impl IntoIterator<Item = (&'a str, &'a Account, Result<&'a Loaded, String>)>,
    today: NaiveDate,
) -> Overview {
    let mut rows: Vec<AccountRow> = accounts
        .into_iter()
        .map(|(name, a, checklist)| row(name, a, checklist, today))
        .collect();
    rows.sort_by_key(|r| Reverse(r.badness()));
    let mut kinds: Vec<(&str, Option<&str>, Vec<&PersonaId>)> = rows
        .iter()
        .filter(|r| r.broken.is_none())
        .map(|r| {
            let mut p: Vec<&PersonaId> = r.personas.iter().collect();
            p.sort();
            (r.checklist.as_str(), r.source.as_deref(), p)
        })
        .collect();
    kinds.dedup();
    let comparable = kinds.windows(2).all(|w| w[0] == w[1]);
    Overview {
        accounts: rows,
        comparable,
    }
}

fn row(
    name: &str,
    a: &Account,
    checklist: Result<&Loaded, String>,
    today: NaiveDate,
) -> AccountRow {
    let mut r = AccountRow {
        name: name.to_string(),
        label: a.label.clone(),
        checklist: a.checklist.clone(),
        title: None,
        source: None,
        score: None,
        setup_open: 0,
        due: Vec::new(),
        incident: a.open_incident().map(|i| i.id),
        clock_warnings: Vec::new(),
        broken: None,
        personas: a.personas.clone(),
    };
    let l = match checklist {
        Ok(l) => l,
        Err(e) => {
            r.broken = Some(e);
            return r;
        }
    };
    let cl = &l.checklist;
    r.title = Some(cl.title.clone());
    r.source = Some(match &l.origin {
        Origin::Bundled => "bundled".into(),
        Origin::File { path, .. } => format!("your file {}", path.display()),
    });
    r.score = score::score(cl, a, today).value;
    r.setup_open = cl
        .sections_of(SectionKind::Setup)
        .flat_map(|s| a.applicable(s))
        .filter(|t| {
            matches!(
                a.status(t.id.as_str()),
                Status::Todo | Status::Skipped { .. } | Status::Reverify { .. }
            )
        })
        .count();
    for s in schedule::reviews(cl, a, today) {
        if let Some(w) = s.clock_warning {
            r.clock_warnings.push(ClockFlag {
                title: s.title.clone(),
                warning: w,
            });
        }
        if s.remind() {
            r.due.push(DueReview {
                title: s.title,
                due: s.due,
            });
        }
    }
    r
}

/// `lockstep status --all` as text.
pub fn overview_text(o: &Overview) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "{} account{}, worst first:\n",
        o.accounts.len(),
        if o.accounts.len() == 1 { "" } else { "s" }
    ));
    for r in &o.accounts {
        let who = match &r.label {
            Some(l) => format!("{} ({})", line(l), line(&r.name)),
            None => line(&r.name).into_owned(),
        };
        let mark = if r.broken.is_some() || r.incident.is_some() {
            "!!"
        } else if r.due.iter().any(|d| matches!(d.due, Due::Overdue { .. })) {
            " !"
        } else {
            "  "
        };
        let checklist = match (&r.title, &r.source) {
            (Some(t), Some(src)) => format!(
                "{} ({}, {})",
                line(t),
                line(r.checklist.as_str()),
                line(src)
            ),
            _ => line(r.checklist.as_str()).into_owned(),
        };
        s.push_str(&format!("{mark} {who}: {checklist}\n"));
        s.push_str(&format!("     {}\n", line(&r.summary())));
    }
    if !o.comparable {
        s.push_str(&format!("\n{NOT_COMPARABLE}\n"));
    }
    s
}
