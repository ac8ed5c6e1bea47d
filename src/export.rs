//! Exports: iCalendar (RFC 5545) reminders, Markdown and JSON progress, incident reports.
//!
//! Pure functions: the caller passes `now` (UTC) and the user's local `today`; nothing here reads
//! the clock or touches the file system. Every piece of user- or checklist-provided text goes
//! through [`crate::guard::clean`] before it is written, so control and bidi characters arrive as
//! visible `\u{..}` escapes instead of acting on a terminal or a calendar client.

use std::fmt::Write as _;

use chrono::{DateTime, Days, NaiveDate, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::checklist::{Checklist, Section, SectionKind, Step};
use crate::guard::clean;
use crate::schedule::{self, Due, ReviewStatus};
use crate::score;
use crate::state::{Account, EventKind, Incident, Status};

/// The sentence every calendar reminder ends with.
pub const ICS_HINT: &str = "Run `lockstep` and open the review to check items off.";

/// Longest physical line of an iCalendar file in octets, without the CRLF (RFC 5545 §3.1).
pub const ICS_LINE_OCTETS: usize = 75;

// ---------------------------------------------------------------------------------------------
// iCalendar
// ---------------------------------------------------------------------------------------------

/// RFC 5545 calendar with one all-day VEVENT per recurring review of the account, dated on its
/// next due date. Each event's `SEQUENCE` is the number of completions of its review, so a newer
/// export supersedes the event of an older one (same UID). A review that is due now, overdue,
/// never done since setup started, or not started yet ([`Due::NotStarted`]) is dated `today`.
/// Snoozes are ignored: a snooze moves only the in-app reminder, never the schedule.
pub fn ics(
    cl: &Checklist,
    account_name: &str,
    account: &Account,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> String {
    let mut out = String::new();
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    ics_line(&mut out, "BEGIN:VCALENDAR");
    ics_line(&mut out, "VERSION:2.0");
    ics_line(
        &mut out,
        &format!(
            "PRODID:-//lockstep//lockstep {}//EN",
            env!("CARGO_PKG_VERSION")
        ),
    );
    ics_line(&mut out, "CALSCALE:GREGORIAN");
    ics_line(&mut out, "METHOD:PUBLISH");
    ics_line(
        &mut out,
        &format!(
            "X-WR-CALNAME:{}",
            ics_text(&format!("lockstep ({account_name})"))
        ),
    );
    for review in schedule::reviews(cl, account, today) {
        let Some(section) = cl.section(&review.section) else {
            continue;
        };
        let date = match review.due {
            Due::Scheduled { next } | Due::Soon { next, .. } => next,
            Due::NotStarted | Due::Now { .. } | Due::Overdue { .. } => today,
        };
        let end = date.checked_add_days(Days::new(1)).unwrap_or(date);
        let summary = format!("{}: {}", cl.service, section.title);
        ics_line(&mut out, "BEGIN:VEVENT");
        ics_line(
            &mut out,
            &format!(
                "UID:{}.{}.{}@lockstep",
                uid_part(&section.id),
                uid_part(account_name),
                uid_part(&cl.id)
            ),
        );
        ics_line(&mut out, &format!("DTSTAMP:{stamp}"));
        // One more per completion, so that importing a newer export supersedes the old event.
        let sequence = account
            .reviews
            .get(&section.id)
            .map_or(0, |r| r.completions.len());
        ics_line(&mut out, &format!("SEQUENCE:{sequence}"));
        ics_line(
            &mut out,
            &format!("DTSTART;VALUE=DATE:{}", date.format("%Y%m%d")),
        );
        ics_line(
            &mut out,
            &format!("DTEND;VALUE=DATE:{}", end.format("%Y%m%d")),
        );
        ics_line(&mut out, &format!("SUMMARY:{}", ics_text(&summary)));
        ics_line(
            &mut out,
            &format!(
                "DESCRIPTION:{}",
                ics_text(&review_description(
                    cl,
                    section,
                    &review,
                    account_name,
                    account
                ))
            ),
        );
        ics_line(&mut out, "TRANSP:TRANSPARENT");
        ics_line(&mut out, "BEGIN:VALARM");
        ics_line(&mut out, "ACTION:DISPLAY");
        // All-day events start at local midnight: remind at 09:00 on the day.
        ics_line(&mut out, "TRIGGER;RELATED=START:PT9H");
        ics_line(&mut out, &format!("DESCRIPTION:{}", ics_text(&summary)));
        ics_line(&mut out, "END:VALARM");
        ics_line(&mut out, "END:VEVENT");
    }
    ics_line(&mut out, "END:VCALENDAR");
    out
}

/// The plain-text body of a review reminder (escaped later).
fn review_description(
    cl: &Checklist,
    section: &Section,
    review: &ReviewStatus,
    account_name: &str,
    account: &Account,
) -> String {
    let every = match review.every_months {
        1 => "every month".to_string(),
        n => format!("every {n} months"),
    };
    let last = review
        .last
        .map_or_else(|| "never".to_string(), |d| d.to_string());
    let mut s = format!(
        "{} of your {} account \"{account_name}\" ({every}; last done {last}).\n\nSteps:\n",
        section.title, cl.service
    );
    for step in applicable(section, account) {
        let _ = writeln!(s, "- {}", step.title);
        if let Some(note) = account.note(&step.id) {
            let _ = writeln!(s, "  Note: {note}");
        }
    }
    s.push('\n');
    s.push_str(ICS_HINT);
    s
}

/// Steps of a section that apply to the account's personas, in checklist order.
fn applicable<'c>(section: &'c Section, account: &Account) -> impl Iterator<Item = &'c Step> {
    let personas = account.personas.clone();
    section
        .steps
        .iter()
        .filter(move |t| t.applies_to(&personas))
}

/// Keeps `[A-Za-z0-9-_.]` and replaces every other character with `_`, for UIDs.
fn uid_part(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() { "_".into() } else { out }
}

/// A TEXT value (RFC 5545 §3.3.11): neutralised with [`clean`] (newlines and tabs kept), then
/// backslash, semicolon, comma and newline escaped.
pub fn ics_text(text: &str) -> String {
    let text = clean(text, true);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded at [`ICS_LINE_OCTETS`] octets (CRLF + one space), never
/// inside a UTF-8 character, and terminated with CRLF.
fn ics_line(out: &mut String, line: &str) {
    let mut rest = line;
    // The first physical line holds 75 octets; continuation lines start with a space.
    let mut room = ICS_LINE_OCTETS;
    while rest.len() > room {
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        room = ICS_LINE_OCTETS - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

// ---------------------------------------------------------------------------------------------
// Markdown and JSON progress
// ---------------------------------------------------------------------------------------------

/// Single-line Markdown text: control and bidi characters (newlines too) neutralised.
fn md(text: &str) -> String {
    clean(text, false).into_owned()
}

/// A note as a Markdown quote, one `>` line per line of the note, each line neutralised.
fn md_quote(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        let line = md(line);
        if line.trim().is_empty() {
            let _ = writeln!(out, "{indent}>");
        } else {
            let _ = writeln!(out, "{indent}> {line}");
        }
    }
}

fn persona_titles(cl: &Checklist, account: &Account) -> Vec<String> {
    account
        .personas
        .iter()
        .map(|id| {
            cl.personas
                .iter()
                .find(|p| &p.id == id)
                .map_or_else(|| id.clone(), |p| p.title.clone())
        })
        .collect()
}

fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Progress report as Markdown: account, checklist, personas, score (or the open incident),
/// per setup section a checkbox list with notes, and per recurring review its last completion,
/// state and next due date. Only steps that apply to the account's personas are listed.
pub fn markdown(cl: &Checklist, account_name: &str, account: &Account, today: NaiveDate) -> String {
    let sc = score::score(cl, account, today);
    let mut out = String::new();
    let _ = writeln!(out, "# lockstep progress: {}", md(&cl.title));
    out.push('\n');
    let _ = writeln!(out, "- Account: {}", md(account_name));
    let _ = writeln!(
        out,
        "- Checklist: {} (`{}`, updated {})",
        md(&cl.title),
        md(&cl.id),
        cl.updated
    );
    let personas = persona_titles(cl, account);
    if personas.is_empty() {
        let _ = writeln!(out, "- Personas: none (general steps only)");
    } else {
        let _ = writeln!(out, "- Personas: {}", md(&personas.join(", ")));
    }
    match (sc.value, account.open_incident()) {
        (Some(v), _) => {
            let minus: u32 = sc.penalties.iter().map(|p| p.points).sum();
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

    for section in cl.sections_of(SectionKind::Setup) {
        let steps: Vec<&Step> = applicable(section, account).collect();
        let (done, counted) = sc
            .section(&section.id)
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
            let _ = match account.status(&step.id) {
                Status::Todo => writeln!(out, "- [ ] {title}"),
                Status::Done { .. } => writeln!(out, "- [x] {title}"),
                Status::Skipped { reason, .. } => {
                    writeln!(out, "- [-] {title} (skipped: {})", md(reason))
                }
                Status::Reverify { .. } => writeln!(out, "- [?] {title} (re-verify)"),
                Status::NotApplicable { .. } => writeln!(out, "- ~~{title}~~ (not applicable)"),
            };
            if let Some(note) = account.note(&step.id) {
                md_quote(&mut out, "  ", note);
            }
        }
    }

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
            let snoozed = if r.snoozed { " (reminder snoozed)" } else { "" };
            let _ = writeln!(out, "- State: {}{snoozed}", r.due.describe());
            let next = r
                .due
                .next()
                .map_or_else(|| "not scheduled yet".to_string(), |d| d.to_string());
            let _ = writeln!(out, "- Next due: {next}");
            if let Some(section) = cl.section(&r.section) {
                for step in applicable(section, account) {
                    if let Some(note) = account.note(&step.id) {
                        let _ = writeln!(out, "- Note on {}:", md(&step.title));
                        md_quote(&mut out, "  ", note);
                    }
                }
            }
        }
    }
    out
}

/// The state of one step as (status, at, reason, incident) for JSON.
fn step_json(section: &Section, step: &Step, account: &Account) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(step.id));
    m.insert("title".into(), json!(step.title));
    let (status, at): (&str, Option<DateTime<Utc>>) = match section.kind {
        SectionKind::Setup => match account.status(&step.id) {
            Status::Todo => ("todo", None),
            Status::Done { at } => ("done", Some(*at)),
            Status::Skipped { at, reason } => {
                m.insert("reason".into(), json!(reason));
                ("skipped", Some(*at))
            }
            Status::NotApplicable { at } => ("not_applicable", Some(*at)),
            Status::Reverify { since, incident } => {
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
    if let Some(note) = account.note(&step.id) {
        m.insert("note".into(), json!(note));
    }
    Value::Object(m)
}

/// The progress report as JSON:
/// `{"account", "checklist", "checklist_title", "service", "date", "personas", "score",
/// "sections": [{"id", "title", "kind", "steps": [{"id", "title", "status", "at"?, "reason"?,
/// "incident"?, "note"?}]}], "reviews": [..], "open_incident": id | null}`.
///
/// `status` is `todo`, `done`, `skipped`, `not_applicable` or `reverify` for setup steps; review
/// items are `done` while checked in an unfinished run, emergency steps while done in the open
/// incident. Only steps that apply to the account's personas are listed.
pub fn json(cl: &Checklist, account_name: &str, account: &Account, today: NaiveDate) -> Value {
    let sections: Vec<Value> = cl
        .sections
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "title": s.title,
                "kind": s.kind.label(),
                "steps": applicable(s, account).map(|t| step_json(s, t, account)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "account": account_name,
        "checklist": cl.id,
        "checklist_title": cl.title,
        "service": cl.service,
        "date": today,
        "personas": account.personas,
        "score": score::score(cl, account, today),
        "sections": sections,
        "reviews": schedule::reviews(cl, account, today),
        "open_incident": account.open_incident().map(|i| i.id),
    })
}

/// [`json`] as pretty-printed text ready to print or write, ending with a newline. Bidi and C1
/// control characters, which serde_json leaves raw, are escaped as `\uXXXX` by
/// [`crate::guard::json_safe`]: the JSON value is unchanged.
pub fn json_text(
    cl: &Checklist,
    account_name: &str,
    account: &Account,
    today: NaiveDate,
) -> String {
    let v = json(cl, account_name, account, today);
    let text = serde_json::to_string_pretty(&v).expect("a JSON value always serialises");
    let mut out = crate::guard::json_safe(&text);
    out.push('\n');
    out
}

// ---------------------------------------------------------------------------------------------
// Incident report
// ---------------------------------------------------------------------------------------------

fn step_title(cl: &Checklist, id: &str) -> String {
    cl.step(id)
        .map_or_else(|| id.to_string(), |(_, s)| s.title.clone())
}

fn pick_incident(account: &Account, incident: Option<u32>) -> Result<&Incident, String> {
    if account.incidents.is_empty() {
        return Err("this account has no incidents (`lockstep compromised` opens one)".into());
    }
    match incident {
        Some(id) => account
            .incidents
            .iter()
            .find(|i| i.id == id)
            .ok_or_else(|| {
                let known: Vec<String> = account
                    .incidents
                    .iter()
                    .map(|i| format!("#{}", i.id))
                    .collect();
                format!("no incident #{id} (this account has {})", known.join(", "))
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
    account_name: &str,
    account: &Account,
    incident: Option<u32>,
    now: DateTime<Utc>,
) -> Result<String, String> {
    let inc = pick_incident(account, incident)?;
    let mut out = String::new();
    let _ = writeln!(out, "# Incident #{}", inc.id);
    out.push('\n');
    let _ = writeln!(out, "- Account: {}", md(account_name));
    let _ = writeln!(out, "- Service: {} ({})", md(&cl.service), md(&cl.title));
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
    for e in &account.history {
        match &e.kind {
            EventKind::IncidentStepDone { incident, step } if *incident == inc.id => {
                marks.push((e.at, em_order(step), "Done", step));
            }
            EventKind::IncidentStepUndone { incident, step } if *incident == inc.id => {
                marks.push((e.at, em_order(step), "Undone", step));
            }
            _ => {}
        }
    }
    for (id, at) in &inc.steps {
        if !marks
            .iter()
            .any(|(t, _, what, s)| t == at && *what == "Done" && s == id)
        {
            marks.push((*at, em_order(id), "Done", id));
        }
    }
    // Stable sort: a step done and undone at the same instant keeps its recorded order.
    marks.sort_by_key(|(at, order, _, _)| (*at, *order));
    for (at, _, what, id) in marks {
        events.push((at, 1, format!("{what}: {}", md(&step_title(cl, id)))));
    }
    for entry in &inc.log {
        let text = match (&entry.ticket, entry.text.is_empty()) {
            (Some(t), true) => format!("Support ticket: {}", md(t)),
            (Some(t), false) => format!("Support ticket: {}; note: {}", md(t), md(&entry.text)),
            (None, _) => format!("Note: {}", md(&entry.text)),
        };
        events.push((entry.at, 1, text));
    }
    if let Some(c) = &inc.closed {
        events.push((c.at, 2, format!("Closed: {}", md(&c.resolution))));
    }
    events.sort_by_key(|(at, rank, _)| (*at, *rank));

    out.push('\n');
    let _ = writeln!(out, "## Timeline");
    out.push('\n');
    for (at, _, text) in &events {
        let _ = writeln!(out, "- {} (+{}) {text}", ts(*at), elapsed(inc.opened, *at));
    }

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
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, h, m, s).unwrap()
    }

    #[test]
    fn elapsed_formats() {
        assert_eq!(elapsed(t(9, 0, 0), t(9, 0, 0)), "0s");
        assert_eq!(elapsed(t(9, 0, 0), t(9, 0, 45)), "45s");
        assert_eq!(elapsed(t(9, 0, 0), t(9, 12, 59)), "12m");
        assert_eq!(elapsed(t(9, 0, 0), t(11, 5, 0)), "2h 5m");
        assert_eq!(elapsed(t(9, 0, 0), t(11, 0, 30)), "2h");
        let later = Utc.with_ymd_and_hms(2026, 11, 28, 13, 30, 0).unwrap();
        assert_eq!(elapsed(t(9, 0, 0), later), "3d 4h");
        let later = Utc.with_ymd_and_hms(2026, 11, 26, 9, 59, 0).unwrap();
        assert_eq!(elapsed(t(9, 0, 0), later), "1d");
        assert_eq!(
            elapsed(t(10, 0, 0), t(9, 0, 0)),
            "0s",
            "clock skew never goes negative"
        );
    }

    #[test]
    fn text_escaping() {
        assert_eq!(ics_text("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        assert_eq!(ics_text("colon: \"quoted\""), "colon: \"quoted\"");
        // Control characters are neutralised first, then the backslash of the escape is escaped.
        assert_eq!(ics_text("x\x1by"), "x\\\\u{1b}y");
        assert_eq!(ics_text("x\u{202E}y"), "x\\\\u{202e}y");
        assert_eq!(ics_text("a\r\nb"), "a\\\\u{d}\\nb");
    }

    #[test]
    fn folding_counts_octets_and_keeps_characters_whole() {
        let mut out = String::new();
        ics_line(&mut out, &"a".repeat(75));
        assert_eq!(out, format!("{}\r\n", "a".repeat(75)), "75 octets fit");
        let mut out = String::new();
        ics_line(&mut out, &"a".repeat(76));
        assert_eq!(out, format!("{}\r\n a\r\n", "a".repeat(75)));
        // 74 ASCII + a 2-octet é would end at 76: the é moves to the next line whole.
        let mut out = String::new();
        ics_line(&mut out, &format!("{}é{}", "a".repeat(74), "b".repeat(80)));
        let lines: Vec<&str> = out.split("\r\n").collect();
        assert_eq!(lines[0], "a".repeat(74));
        assert!(lines[1].starts_with(" éb"));
        assert!(lines.iter().all(|l| l.len() <= ICS_LINE_OCTETS));
        let unfolded = out.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, format!("{}é{}", "a".repeat(74), "b".repeat(80)));
    }

    #[test]
    fn uid_parts_are_sanitised() {
        assert_eq!(uid_part("default"), "default");
        assert_eq!(uid_part("My Main@CDC/ü.v2_x-y"), "My_Main_CDC__.v2_x-y");
        assert_eq!(uid_part(""), "_");
    }
}
