//! iCalendar (RFC 5545) export: one all-day event per recurring review, on its next due date.

use std::fmt::Write as _;

use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::checklist::{Checklist, Section};
use crate::guard::clean;
use crate::schedule::{self, Due, ReviewStatus};
use crate::state::Account;

/// The sentence every calendar reminder ends with.
pub const ICS_HINT: &str = "Run `lockstep` and open the review to check items off.";

/// Longest physical line of an iCalendar file in octets, without the CRLF (RFC 5545 §3.1).
pub const ICS_LINE_OCTETS: usize = 75;

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
    let every = schedule::interval_label(review.every_months);
    let last = review
        .last
        .map_or_else(|| "never".to_string(), |d| d.to_string());
    let mut s = format!(
        "{} of your {} account \"{account_name}\" (repeats {every}; last done {last}).\n\nSteps:\n",
        section.title, cl.service
    );
    for step in account.applicable(section) {
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
pub(super) fn uid_part(s: &str) -> String {
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
pub(super) fn ics_line(out: &mut String, line: &str) {
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
