//! The incident report: an incident's timeline and emergency steps as Markdown for support.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::{md, ts};
use crate::checklist::{Checklist, Origin};
use crate::state::{Account, Event, EventKind, Incident};

/// Why a report could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("this account has no incidents (`lockstep compromised` opens one)")]
    NoIncidents,
    #[error("no incident #{id} (this account has {})", .known.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join(", "))]
    NoSuchIncident { id: u32, known: Vec<u32> },
}

fn step_title(cl: &Checklist, id: &str) -> String {
    crate::checklist::step_by_any_id(cl, id)
        .map_or_else(|| id.to_string(), |(_, s)| s.title.clone())
}

fn pick_incident(account: &Account, incident: Option<u32>) -> Result<&Incident, ReportError> {
    if account.incidents.is_empty() {
        return Err(ReportError::NoIncidents);
    }
    match incident {
        Some(id) => account
            .incidents
            .iter()
            .find(|i| i.id == id)
            .ok_or_else(|| ReportError::NoSuchIncident {
                id,
                known: account.incidents.iter().map(|i| i.id).collect(),
            }),
        None => Ok(account
            .open_incident()
            .or_else(|| account.incidents.iter().max_by_key(|i| (i.opened, i.id)))
            .expect("not empty")),
    }
}

/// Incident timeline as Markdown, ready to paste to support. `account_name` is the tracked
/// account's name (`--account`). `incident`: `None` = the open incident, or else the most recent
/// one. Errors when the account has no incidents or the id does not exist.
pub fn incident_report(
    cl: &Checklist,
    origin: &Origin,
    account_name: &str,
    account: &Account,
    history: &[Event],
    incident: Option<u32>,
    now: DateTime<Utc>,
) -> Result<String, ReportError> {
    let inc = pick_incident(account, incident)?;
    let mut out = String::new();
    let _ = writeln!(out, "# Incident #{}", inc.id);
    out.push('\n');
    let _ = writeln!(
        out,
        "- Account: {}",
        md(&account.label_and_name(account_name))
    );
    let _ = writeln!(out, "- Service: {} ({})", md(&cl.service), md(&cl.title));
    let _ = writeln!(out, "- Checklist: {}", md(&origin.describe(cl)));
    let _ = writeln!(out, "- Opened: {}", ts(inc.opened));
    match &inc.closed {
        Some(c) => {
            let _ = writeln!(
                out,
                "- Status: closed at {}: {}",
                ts(c.at),
                md(&c.resolution)
            );
            let _ = writeln!(out, "- Elapsed: {}", elapsed(inc.opened, c.at));
        }
        None => {
            let _ = writeln!(out, "- Status: open");
            let _ = writeln!(
                out,
                "- Elapsed: {} (still open at {})",
                elapsed(inc.opened, now),
                ts(now)
            );
        }
    }

    let events = timeline(cl, account, inc, history);

    out.push('\n');
    let _ = writeln!(out, "## Timeline");
    out.push('\n');
    for (at, _, text) in &events {
        let _ = writeln!(out, "- {} (+{}) {text}", ts(*at), elapsed(inc.opened, *at));
    }

    emergency_steps(&mut out, cl, inc);
    Ok(out)
}

/// The incident's timeline, in order: opened, each emergency step marked (and un-marked), each
/// log entry, closed.
fn timeline(
    cl: &Checklist,
    account: &Account,
    inc: &Incident,
    history: &[Event],
) -> Vec<(DateTime<Utc>, u8, String)> {
    // (time, rank, text): rank keeps "opened" first and "closed" last at equal times.
    let mut events: Vec<(DateTime<Utc>, u8, String)> =
        vec![(inc.opened, 0, "Incident opened".into())];
    let em_order = |id: &str| {
        cl.emergency()
            .and_then(|e| e.steps.iter().position(|t| t.id == id))
            .unwrap_or(usize::MAX)
    };
    // Emergency steps from the history, which keeps un-marked steps and earlier marks of steps
    // marked again; plus any current mark the history lacks (older or hand-edited state files).
    let mut marks: Vec<(DateTime<Utc>, usize, &'static str, &str)> = Vec::new();
    for e in history.iter().chain(&account.new_events) {
        if !e.kind.is_about(inc) {
            continue;
        }
        match &e.kind {
            EventKind::IncidentStepDone { step, .. } => {
                marks.push((e.at, em_order(step.as_str()), "Done", step.as_str()));
            }
            EventKind::IncidentStepUndone { step, .. } => {
                marks.push((
                    e.at,
                    em_order(step.as_str()),
                    "Marked not done again",
                    step.as_str(),
                ));
            }
            _ => {}
        }
    }
    for (id, at) in &inc.steps {
        if !marks
            .iter()
            .any(|(t, _, what, s)| t == at && *what == "Done" && s == id)
        {
            marks.push((*at, em_order(id.as_str()), "Done", id.as_str()));
        }
    }
    // Stable sort: a step done and undone at the same instant keeps its recorded order.
    marks.sort_by_key(|(at, order, _, _)| (*at, *order));
    for (at, _, what, id) in marks {
        events.push((at, 1, format!("{what}: {}", md(&step_title(cl, id)))));
    }
    for entry in &inc.log {
        events.push((entry.at, 1, md(&entry.describe())));
    }
    if let Some(c) = &inc.closed {
        events.push((c.at, 2, format!("Closed: {}", md(&c.resolution))));
    }
    events.sort_by_key(|(at, rank, _)| (*at, *rank));
    events
}

/// The emergency steps with what was done and when.
fn emergency_steps(out: &mut String, cl: &Checklist, inc: &Incident) {
    out.push('\n');
    let _ = writeln!(out, "## Emergency steps");
    out.push('\n');
    match cl.emergency() {
        Some(em) => {
            for step in &em.steps {
                match inc.steps.get(&step.id) {
                    Some(at) => {
                        let _ = writeln!(
                            out,
                            "- [x] {} (done {}, +{})",
                            md(&step.title),
                            ts(*at),
                            elapsed(inc.opened, *at)
                        );
                    }
                    None => {
                        let _ = writeln!(out, "- [ ] {}", md(&step.title));
                    }
                }
            }
        }
        None => {
            let _ = writeln!(out, "This checklist has no emergency steps.");
        }
    }
}

/// Human duration like "45s", "12m", "2h 5m", "3d 4h" (rounded down; negative spans are "0s").
pub fn elapsed(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let secs = (to - from).num_seconds().max(0);
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3_600,
        secs % 3_600 / 60,
        secs % 60,
    );
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}
