//! Exports: iCalendar (RFC 5545) reminders, Markdown and JSON progress, the plain-text status
//! report, the overview of every account, and incident reports. Each says whose checklist it
//! follows (bundled, or the user's file with its sha256).
//!
//! Pure functions: the caller passes `now` (UTC) and the user's local `today`; nothing here reads
//! the clock or touches the file system. Every piece of user- or checklist-provided text goes
//! through [`crate::guard::clean`] before it is written, so control and bidi characters arrive as
//! visible `\u{..}` escapes instead of acting on a terminal or a calendar client; in Markdown it
//! is also escaped for CommonMark ([`md_text`]), so it renders as written.

mod card;
mod commonmark;
mod ics;
mod overview;
mod progress;
mod report;
mod text;

pub use card::{CARD_WIDTH, card};
pub use commonmark::{md_code, md_text};
pub use ics::{
    ICS_HINT, ICS_LINE_OCTETS, IcsAccount, PRODID_PREFIX, SeenEvent, SequenceRecord, event_date,
    ics, ics_feed, ics_feed_sequenced, ics_sequenced, ics_text, is_lockstep_calendar, sequence,
};
pub use overview::{AccountRow, DueReview, NOT_COMPARABLE, Overview, overview, overview_text};
pub use progress::{json, json_text, markdown};
pub use report::{ReportError, elapsed, incident_report};
pub use text::status_text;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::checklist::Checklist;
use crate::state::Account;

pub(crate) use commonmark::md_quote;

/// User or checklist text in Markdown: see [`md_text`].
pub(crate) fn md(text: &str) -> String {
    md_text(text)
}

pub(crate) fn persona_titles(cl: &Checklist, account: &Account) -> Vec<String> {
    account
        .personas
        .iter()
        .map(|id| {
            cl.personas
                .iter()
                .find(|p| &p.id == id)
                .map_or_else(|| id.to_string(), |p| p.title.clone())
        })
        .collect()
}

pub(crate) fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::ics::ics_line;
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
}
