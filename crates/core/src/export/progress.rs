//! Markdown and JSON progress exports.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value, json};

use super::{md, md_code, md_quote, persona_titles, ts};
use crate::checklist::{Checklist, Origin, Section, SectionKind, Step, link, staleness};
use crate::schedule;
use crate::score;
use crate::state::{Account, Status};

/// Progress report as Markdown: account, checklist, personas, score (or the open incident),
/// per setup section a checkbox list with notes, and per recurring review its last completion,
/// state and next due date. Only steps that apply to the account's personas are listed.
pub fn markdown(
    cl: &Checklist,
    origin: &Origin,
    account_name: &str,
    account: &Account,
    today: NaiveDate,
) -> String {
    let sc = score::score(cl, account, today);
    let mut out = String::new();
    let _ = writeln!(out, "# lockstep progress: {}", md(&cl.title));
    out.push('\n');
    let _ = writeln!(
        out,
        "- Account: {}",
        md(&account.label_and_name(account_name))
    );
    let _ = writeln!(
        out,
        "- Checklist: {} ({}, updated {})",
        md(&cl.title),
        md_code(cl.id.as_str()),
        cl.updated
    );
    let _ = writeln!(out, "- Source: {}", md(&origin.describe(cl)));
    if let Some(w) = staleness(cl, today) {
        let _ = writeln!(out, "- Note: {}", md(&w));
    }
    let personas = persona_titles(cl, account);
    if personas.is_empty() {
        let _ = writeln!(out, "- Personas: none (general steps only)");
    } else {
        let _ = writeln!(out, "- Personas: {}", md(&personas.join(", ")));
    }
    match (sc.value, account.open_incident()) {
        (Some(v), _) => {
            let minus = sc.penalty;
            if minus > 0 {
                let n = sc.penalties.len();
                let _ = writeln!(
                    out,
                    "- Score: {v}/100 (setup {}/100, -{minus} for {n} overdue review{})",
                    sc.base,
                    if n == 1 { "" } else { "s" }
                );
            } else {
                let _ = writeln!(out, "- Score: {v}/100");
            }
        }
        (None, Some(inc)) => {
            let _ = writeln!(
                out,
                "- Score: none, open incident #{} since {} (`lockstep incident report`)",
                inc.id,
                ts(inc.opened)
            );
        }
        (None, None) => {
            let _ = writeln!(out, "- Score: none");
        }
    }
    let _ = writeln!(out, "- Date: {today}");

    setup_sections(&mut out, cl, account, &sc);
    reviews_markdown(&mut out, cl, account, today);
    out
}

/// Per setup section a heading with its count and one list of its applicable steps (notes as
/// quotes, links after them).
fn setup_sections(out: &mut String, cl: &Checklist, account: &Account, sc: &score::Score) {
    for section in cl.sections_of(SectionKind::Setup) {
        let steps: Vec<&Step> = account.applicable(section).collect();
        let (done, counted) = sc
            .section(section.id.as_str())
            .map_or((0, 0), |x| (x.done, x.applicable));
        out.push('\n');
        let _ = writeln!(out, "## {} ({done}/{counted} done)", md(&section.title));
        out.push('\n');
        if steps.is_empty() {
            let _ = writeln!(out, "No steps for your personas.");
            continue;
        }
        for step in steps {
            let title = md(&step.title);
            let _ = match account.status(step.id.as_str()) {
                Status::Todo => writeln!(out, "- [ ] {title}"),
                Status::Done { .. } => writeln!(out, "- [x] {title}"),
                // `[-]` and `[?]` are no task-list markers: escaped, they stay text in the same
                // list (GitHub shows a box only for `[ ]` and `[x]`).
                Status::Skipped { reason, .. } => {
                    writeln!(out, "- \\[-\\] {title} (skipped: {})", md(reason))
                }
                Status::Reverify { .. } => writeln!(out, "- \\[?\\] {title} (re-verify)"),
                Status::NotApplicable { .. } => writeln!(out, "- ~~{title}~~ (not applicable)"),
            };
            if let Some(note) = account.note(step.id.as_str()) {
                md_quote(out, "  ", note);
            }
            links(out, step);
        }
    }
}

/// Per recurring review its last completion, state, next due date and the notes on its steps.
fn reviews_markdown(out: &mut String, cl: &Checklist, account: &Account, today: NaiveDate) {
    let reviews = schedule::reviews(cl, account, today);
    if !reviews.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "## Recurring reviews");
        for r in &reviews {
            out.push('\n');
            let every = match r.every_months {
                1 => "every month".to_string(),
                n => format!("every {n} months"),
            };
            let _ = writeln!(out, "### {} ({every})", md(&r.title));
            out.push('\n');
            let last = r
                .last
                .map_or_else(|| "never".to_string(), |d| d.to_string());
            let _ = writeln!(out, "- Last done: {last}");
            let snoozed = r.snooze_suffix();
            let _ = writeln!(out, "- State: {}{snoozed}", r.due.describe());
            let next = r
                .due
                .next()
                .map_or_else(|| "not scheduled yet".to_string(), |d| d.to_string());
            let _ = writeln!(out, "- Next due: {next}");
            if let Some(w) = &r.clock_warning {
                let _ = writeln!(out, "- Warning: {}", w.describe());
            }
            if let Some(section) = cl.section(r.section.as_str()) {
                for step in account.applicable(section) {
                    if let Some(note) = account.note(step.id.as_str()) {
                        let _ = writeln!(out, "- Note on {}:", md(&step.title));
                        md_quote(out, "  ", note);
                    }
                }
            }
        }
    }
}

/// A step's links as plain URLs after their host (never a text that hides where a link goes).
fn links(out: &mut String, step: &Step) {
    for url in &step.links {
        let _ = writeln!(out, "  - Link: {}", md(&link(url).describe()));
    }
}

/// The state of one step as (status, at, reason, incident) for JSON.
fn step_json(section: &Section, step: &Step, account: &Account) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(step.id));
    m.insert("title".into(), json!(step.title));
    let (status, at): (&str, Option<DateTime<Utc>>) = match section.kind {
        SectionKind::Setup => match account.status(step.id.as_str()) {
            Status::Todo => ("todo", None),
            Status::Done { at } => ("done", Some(*at)),
            Status::Skipped { at, reason } => {
                m.insert("reason".into(), json!(reason));
                ("skipped", Some(*at))
            }
            Status::NotApplicable { at } => ("not_applicable", Some(*at)),
            Status::Reverify {
                since, incident, ..
            } => {
                m.insert("incident".into(), json!(incident));
                ("reverify", Some(*since))
            }
        },
        // Review items: checked in the current, unfinished run.
        SectionKind::Recurring | SectionKind::Event => {
            match account
                .reviews
                .get(&section.id)
                .and_then(|r| r.in_progress.get(&step.id))
            {
                Some(at) => ("done", Some(*at)),
                None => ("todo", None),
            }
        }
        // Emergency steps: done in the open incident.
        SectionKind::Emergency => match account.open_incident().and_then(|i| i.steps.get(&step.id))
        {
            Some(at) => ("done", Some(*at)),
            None => ("todo", None),
        },
    };
    m.insert("status".into(), json!(status));
    if let Some(at) = at {
        m.insert("at".into(), json!(ts(at)));
    }
    if let Some(note) = account.note(step.id.as_str()) {
        m.insert("note".into(), json!(note));
    }
    Value::Object(m)
}

/// The progress report as JSON:
/// `{"account", "label"?, "checklist", "checklist_title", "service", "updated", "stale",
/// "source": {"kind": "bundled", "lockstep"} | {"kind": "file", "path", "sha256"}, "date",
/// "personas", "score",
/// "sections": [{"id", "title", "kind", "steps": [{"id", "title", "status", "at"?, "reason"?,
/// "incident"?, "note"?}]}], "reviews": [..], "on_demand": [{"section", "title", "last",
/// "progress"}], "open_incident": id | null}`.
///
/// `status` is `todo`, `done`, `skipped`, `not_applicable` or `reverify` for setup steps; review
/// items are `done` while checked in an unfinished run, emergency steps while done in the open
/// incident. Only steps that apply to the account's personas are listed.
pub fn json(
    cl: &Checklist,
    origin: &Origin,
    account_name: &str,
    account: &Account,
    today: NaiveDate,
) -> Value {
    let sections: Vec<Value> = cl
        .sections
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "title": s.title,
                "kind": s.kind.label(),
                "steps": account.applicable(s).map(|t| step_json(s, t, account)).collect::<Vec<_>>(),
            })
        })
        .collect();
    let source = match origin {
        Origin::Bundled => json!({"kind": "bundled", "lockstep": env!("CARGO_PKG_VERSION")}),
        Origin::File { path, sha256 } => {
            json!({"kind": "file", "path": path.display().to_string(), "sha256": sha256})
        }
    };
    let mut v = json!({
        "account": account_name,
        "checklist": cl.id,
        "checklist_title": cl.title,
        "service": cl.service,
        "updated": cl.updated,
        "stale": crate::checklist::is_stale(cl, today),
        "source": source,
        "date": today,
        "personas": account.personas,
        "score": score::score(cl, account, today),
        "sections": sections,
        "reviews": schedule::reviews(cl, account, today),
        "on_demand": on_demand_json(cl, account, today),
        "open_incident": account.open_incident().map(|i| i.id),
    });
    if let Some(l) = &account.label {
        v["label"] = json!(l);
    }
    v
}

/// The on-demand re-checks (event sections, no schedule): `[{"section", "title", "last",
/// "progress": [checked, items]}]`, `last` the latest completion not dated after today (or null).
fn on_demand_json(cl: &Checklist, account: &Account, today: NaiveDate) -> Vec<Value> {
    cl.sections
        .iter()
        .filter(|s| s.kind == crate::checklist::SectionKind::Event)
        .map(|s| {
            let r = account.reviews.get(&s.id);
            let items = account.applicable(s).count();
            let checked = r.map_or(0, |r| {
                account
                    .applicable(s)
                    .filter(|t| r.in_progress.contains_key(&t.id))
                    .count()
            });
            json!({
                "section": s.id,
                "title": s.title,
                "last": schedule::last_completion(r, today).map(|c| c.date),
                "progress": [checked, items],
            })
        })
        .collect()
}

/// [`json`] as pretty-printed text ready to print or write, ending with a newline. Bidi and C1
/// control characters, which serde_json leaves raw, are escaped as `\uXXXX` by
/// [`crate::guard::json_safe`]: the JSON value is unchanged.
pub fn json_text(
    cl: &Checklist,
    origin: &Origin,
    account_name: &str,
    account: &Account,
    today: NaiveDate,
) -> String {
    let v = json(cl, origin, account_name, account, today);
    let text = serde_json::to_string_pretty(&v).expect("a JSON value always serialises");
    let mut out = crate::guard::json_safe(&text);
    out.push('\n');
    out
}
