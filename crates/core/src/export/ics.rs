//! iCalendar (RFC 5545) export: one all-day event per recurring review, on the day it is due,
//! for one account or for every account of a data directory (the calendar feed); the SEQUENCE
//! each event gets (derived from its date, or kept rising by a [`SequenceRecord`]); and how a
//! calendar lockstep wrote is recognised.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::checklist::{Checklist, Origin, Section};
use crate::guard::clean;
use crate::schedule::{self, Due, ReviewStatus};
use crate::state::Account;

/// The sentence every calendar reminder ends with.
pub const ICS_HINT: &str = "Run `lockstep` and open the review to check items off.";

/// Longest physical line of an iCalendar file in octets, without the CRLF (RFC 5545 §3.1).
pub const ICS_LINE_OCTETS: usize = 75;

/// SEQUENCE counts days from this date to the event's date.
const SEQUENCE_EPOCH: NaiveDate = NaiveDate::from_ymd_opt(2020, 1, 1).expect("valid date");
/// Added to SEQUENCE per incident ever opened on the account: more than an incident can move an
/// event back (to today, from at most `every_months` ≤ 24 months ahead).
const SEQUENCE_PER_INCIDENT: i64 = 1000;

/// The start of the PRODID value of every calendar lockstep writes (the version follows).
pub const PRODID_PREFIX: &str = "-//lockstep//lockstep ";

/// True when `bytes` are a calendar lockstep wrote: they start with `BEGIN:VCALENDAR` and carry
/// lockstep's PRODID before the first event. Anything else (the user's notes, another program's
/// calendar) is not lockstep's to overwrite.
pub fn is_lockstep_calendar(bytes: &[u8]) -> bool {
    let mut lines = bytes
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    if lines.next() != Some(b"BEGIN:VCALENDAR".as_slice()) {
        return false;
    }
    let prodid = format!("PRODID:{PRODID_PREFIX}");
    lines
        .take_while(|l| !l.starts_with(b"BEGIN:"))
        .any(|l| l.starts_with(prodid.as_bytes()))
}

/// What SEQUENCE each event of a calendar kept current gets: per UID the last date written and
/// its SEQUENCE. An event whose date changed (in either direction) gets one more than before, and
/// never less than its date-derived [`sequence`]; an unchanged one keeps its SEQUENCE; a new one
/// starts from the derived value. So a subscribed calendar always takes the newer event, even
/// after a wrong clock was corrected. The empty record gives every event its derived value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceRecord {
    pub events: BTreeMap<String, SeenEvent>,
}

/// The date and SEQUENCE last written for one UID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenEvent {
    pub date: NaiveDate,
    pub sequence: i32,
}

impl SequenceRecord {
    /// The SEQUENCE of event `uid` dated `date` (its derived value `derived`), remembered.
    pub fn next(&mut self, uid: &str, date: NaiveDate, derived: i32) -> i32 {
        let sequence = match self.events.get(uid) {
            Some(seen) if seen.date == date => seen.sequence,
            Some(seen) => seen.sequence.saturating_add(1).max(derived),
            None => derived,
        };
        self.events
            .insert(uid.to_string(), SeenEvent { date, sequence });
        sequence
    }
}

/// One account of a calendar feed.
#[derive(Debug, Clone, Copy)]
pub struct IcsAccount<'a> {
    pub name: &'a str,
    pub checklist: &'a Checklist,
    pub origin: &'a Origin,
    pub account: &'a Account,
}

/// RFC 5545 calendar with one all-day VEVENT per recurring review of one account. See
/// [`ics_feed`] for what each event holds.
pub fn ics(
    cl: &Checklist,
    origin: &Origin,
    account_name: &str,
    account: &Account,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> String {
    ics_sequenced(
        cl,
        origin,
        account_name,
        account,
        today,
        now,
        &mut SequenceRecord::default(),
    )
}

/// [`ics`] with the SEQUENCE of each event taken from (and noted in) `record`.
pub fn ics_sequenced(
    cl: &Checklist,
    origin: &Origin,
    account_name: &str,
    account: &Account,
    today: NaiveDate,
    now: DateTime<Utc>,
    record: &mut SequenceRecord,
) -> String {
    let one = IcsAccount {
        name: account_name,
        checklist: cl,
        origin,
        account,
    };
    let name = account.display(account_name);
    calendar(&format!("lockstep ({name})"), &[one], today, now, record)
}

/// RFC 5545 calendar with the events of several accounts (the file `reminders install --ics`
/// keeps current). Each recurring review of an account whose setup has started is one all-day
/// event:
///
/// - its SUMMARY names the account by its label ("Mom's Crypto.com: Monthly review"), else by
///   the service, with the account's name added when another account in the calendar would
///   show the same ("Crypto.com (mom): Monthly review"), so no two accounts share a title;
/// - dated on its next due date, or `today` while it is due, overdue or made due by an incident
///   (so a calendar refreshed daily shows it until it is done); snoozes only hide the in-app
///   reminder and do not move it;
/// - its UID names the review, the account and the checklist, each percent-encoded, so no two
///   accounts share a UID (`a@b` and `a_b` differ);
/// - its SEQUENCE is the number of days from 2020-01-01 to its date, plus 1000 per incident ever
///   opened on the account (see [`sequence`]); [`ics_feed_sequenced`] keeps it rising whichever
///   way the date moves;
/// - it has a 09:00 alarm only when dated after `today` (an alarm on today's date may already be
///   past; `lockstep notify` covers today);
/// - an event whose date cannot be written with a four-digit year is left out;
/// - a calendar without events (nothing started yet) holds a UTC VTIMEZONE instead, since
///   RFC 5545 wants at least one component.
pub fn ics_feed(accounts: &[IcsAccount<'_>], today: NaiveDate, now: DateTime<Utc>) -> String {
    ics_feed_sequenced(accounts, today, now, &mut SequenceRecord::default())
}

/// [`ics_feed`] with the SEQUENCE of each event taken from (and noted in) `record`.
pub fn ics_feed_sequenced(
    accounts: &[IcsAccount<'_>],
    today: NaiveDate,
    now: DateTime<Utc>,
    record: &mut SequenceRecord,
) -> String {
    calendar("lockstep", accounts, today, now, record)
}

fn calendar(
    name: &str,
    accounts: &[IcsAccount<'_>],
    today: NaiveDate,
    now: DateTime<Utc>,
    record: &mut SequenceRecord,
) -> String {
    let mut out = String::new();
    ics_line(&mut out, "BEGIN:VCALENDAR");
    ics_line(&mut out, "VERSION:2.0");
    ics_line(
        &mut out,
        &format!("PRODID:{PRODID_PREFIX}{}//EN", env!("CARGO_PKG_VERSION")),
    );
    ics_line(&mut out, "CALSCALE:GREGORIAN");
    ics_line(&mut out, "METHOD:PUBLISH");
    ics_line(&mut out, &format!("X-WR-CALNAME:{}", ics_text(name)));
    let stamp = stamp(now);
    let mut events = 0;
    for a in accounts {
        // Two accounts that would show the same name get their account names added.
        let shared = accounts
            .iter()
            .filter(|b| base_name(b) == base_name(a))
            .count()
            > 1;
        let who = match (&a.account.label, shared) {
            (None, true) => format!("{} ({})", base_name(a), a.name),
            _ => base_name(a).to_string(),
        };
        for review in schedule::reviews(a.checklist, a.account, today) {
            if let Some(section) = a.checklist.section(review.section.as_str())
                && event(&mut out, a, &who, section, &review, today, &stamp, record)
            {
                events += 1;
            }
        }
    }
    if events == 0 {
        empty_calendar_component(&mut out);
    }
    ics_line(&mut out, "END:VCALENDAR");
    out
}

/// What a calendar without events holds: RFC 5545 (§3.6) wants at least one component in a
/// calendar, and a VTIMEZONE is the one a client shows nothing for. The calendar is still written
/// (a calendar kept current must lose the events it had); its only component says UTC is UTC.
fn empty_calendar_component(out: &mut String) {
    for l in [
        "BEGIN:VTIMEZONE",
        "TZID:UTC",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0000",
        "TZOFFSETTO:+0000",
        "TZNAME:UTC",
        "END:STANDARD",
        "END:VTIMEZONE",
    ] {
        ics_line(out, l);
    }
}

/// The calendar date of a review's event, None when it has none (setup not started).
pub fn event_date(due: &Due, today: NaiveDate) -> Option<NaiveDate> {
    match *due {
        Due::NotStarted => None,
        Due::Scheduled { next } | Due::Soon { next, .. } => Some(next),
        Due::Now { .. } | Due::Overdue { .. } => Some(today),
    }
}

/// The date-derived SEQUENCE of an event dated `date` on an account that has had `incidents`
/// incidents: days from 2020-01-01, plus 1000 per incident, within an iCalendar INTEGER (i32).
pub fn sequence(date: NaiveDate, incidents: usize) -> i32 {
    let days = (date - SEQUENCE_EPOCH).num_days().max(0);
    let incidents = i64::try_from(incidents).unwrap_or(i64::MAX / SEQUENCE_PER_INCIDENT);
    let total = days.saturating_add(incidents.saturating_mul(SEQUENCE_PER_INCIDENT));
    i32::try_from(total).unwrap_or(i32::MAX)
}

/// A DATE value (`YYYYMMDD`), None for years that do not have four digits.
fn ics_date(d: NaiveDate) -> Option<String> {
    (0..=9999)
        .contains(&d.year())
        .then(|| d.format("%Y%m%d").to_string())
}

/// The DTSTAMP value: `now` in UTC, kept within four-digit years.
fn stamp(now: DateTime<Utc>) -> String {
    let min = NaiveDate::from_ymd_opt(0, 1, 1).expect("valid date");
    let max = NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .expect("valid date");
    let t = now
        .naive_utc()
        .clamp(min.and_hms_opt(0, 0, 0).expect("valid time"), max);
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

#[allow(clippy::too_many_arguments)]
fn event(
    out: &mut String,
    a: &IcsAccount<'_>,
    who: &str,
    section: &Section,
    review: &ReviewStatus,
    today: NaiveDate,
    stamp: &str,
    record: &mut SequenceRecord,
) -> bool {
    let Some(date) = event_date(&review.due, today) else {
        return false;
    };
    let Some(start) = ics_date(date) else {
        return false;
    };
    let end = date.checked_add_days(Days::new(1)).and_then(ics_date);
    let cl = a.checklist;
    let summary = format!("{who}: {}", section.title);
    let uid = format!(
        "{}.{}.{}@lockstep",
        uid_part(section.id.as_str()),
        uid_part(a.name),
        uid_part(cl.id.as_str())
    );
    let seq = record.next(&uid, date, sequence(date, a.account.incidents.len()));
    ics_line(out, "BEGIN:VEVENT");
    ics_line(out, &format!("UID:{uid}"));
    ics_line(out, &format!("DTSTAMP:{stamp}"));
    ics_line(out, &format!("SEQUENCE:{seq}"));
    ics_line(out, &format!("DTSTART;VALUE=DATE:{start}"));
    // Without DTEND an all-day event lasts its one day (RFC 5545 §3.6.1): only left out when the
    // day after cannot be written.
    if let Some(end) = end {
        ics_line(out, &format!("DTEND;VALUE=DATE:{end}"));
    }
    ics_line(out, &format!("SUMMARY:{}", ics_text(&summary)));
    ics_line(
        out,
        &format!(
            "DESCRIPTION:{}",
            ics_text(&review_description(a, section, review))
        ),
    );
    ics_line(out, "TRANSP:TRANSPARENT");
    if date > today {
        ics_line(out, "BEGIN:VALARM");
        ics_line(out, "ACTION:DISPLAY");
        // All-day events start at local midnight: remind at 09:00 on the day.
        ics_line(out, "TRIGGER;RELATED=START:PT9H");
        ics_line(out, &format!("DESCRIPTION:{}", ics_text(&summary)));
        ics_line(out, "END:VALARM");
    }
    ics_line(out, "END:VEVENT");
    true
}

/// Who an event is for, as its SUMMARY starts: the account's label, else the service.
fn base_name<'a>(a: &'a IcsAccount<'_>) -> &'a str {
    a.account
        .label
        .as_deref()
        .unwrap_or(a.checklist.service.as_str())
}

/// The plain-text body of a review reminder (escaped later).
fn review_description(a: &IcsAccount<'_>, section: &Section, review: &ReviewStatus) -> String {
    let (cl, account) = (a.checklist, a.account);
    let every = schedule::interval_label(review.every_months);
    let last = review
        .last
        .map_or_else(|| "never".to_string(), |d| d.to_string());
    let mut s = format!(
        "{} of your {} account \"{}\" (repeats {every}; last done {last}).\n",
        section.title,
        cl.service,
        account.label_and_name(a.name)
    );
    match review.due {
        Due::Overdue { next, .. } => {
            let _ = writeln!(s, "Due since {next}: {}.", review.due.describe());
        }
        Due::Now { .. } => {
            let _ = writeln!(s, "Due now.");
        }
        _ => {}
    }
    if let Some(w) = &review.clock_warning {
        let _ = writeln!(s, "Warning: {}.", w.describe());
    }
    s.push_str("\nSteps:\n");
    for step in account.applicable(section) {
        let _ = writeln!(s, "- {}", step.title);
        if let Some(note) = account.note(step.id.as_str()) {
            let _ = writeln!(s, "  Note: {note}");
        }
    }
    let _ = writeln!(s, "\nChecklist: {}", a.origin.describe(cl));
    s.push('\n');
    s.push_str(ICS_HINT);
    s
}

/// One part of a UID: ASCII letters, digits, `-` and `_` as they are, every other byte as `%XX`.
/// Injective, and never contains the `.` that separates the parts, so two different (section,
/// account, checklist) triples never share a UID.
pub(super) fn uid_part(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    if out.is_empty() { "%".into() } else { out }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn uid_parts_are_injective() {
        assert_eq!(uid_part("default"), "default");
        assert_eq!(uid_part("a@b"), "a%40b");
        assert_eq!(uid_part("a_b"), "a_b");
        assert_eq!(uid_part("a.b"), "a%2Eb");
        assert_eq!(uid_part("a%40b"), "a%2540b");
        assert_eq!(uid_part("ü"), "%C3%BC");
        assert_eq!(uid_part(""), "%");
        let names = ["a@b", "a_b", "a.b", "a%40b", "a b", "a/b", "", "%", "ab"];
        let mut seen = std::collections::BTreeSet::new();
        for n in names {
            assert!(seen.insert(uid_part(n)), "{n} collides");
            assert!(!uid_part(n).contains('.'), "{n}");
        }
    }

    #[test]
    fn dates_need_four_digit_years() {
        assert_eq!(ics_date(d(9999, 12, 31)).unwrap(), "99991231");
        assert_eq!(ics_date(d(10000, 1, 1)), None);
        assert_eq!(ics_date(d(-1, 1, 1)), None);
        assert_eq!(ics_date(d(0, 1, 1)).unwrap(), "00000101");
        let far = NaiveDate::MAX.and_hms_opt(0, 0, 0).unwrap().and_utc();
        assert_eq!(stamp(far), "99991231T235959Z");
        let early = NaiveDate::MIN.and_hms_opt(0, 0, 0).unwrap().and_utc();
        assert_eq!(stamp(early), "00000101T000000Z");
    }

    #[test]
    fn sequence_grows_with_the_date_and_each_incident() {
        assert_eq!(sequence(d(2020, 1, 1), 0), 0);
        assert_eq!(sequence(d(2019, 1, 1), 0), 0, "never negative");
        assert_eq!(sequence(d(2020, 1, 11), 2), 2010);
        assert_eq!(sequence(NaiveDate::MAX, usize::MAX), i32::MAX);
        assert_eq!(sequence(d(9999, 12, 31), 3_000_000), i32::MAX, "within i32");
        // An incident moves an event back by at most 24 months: still a higher SEQUENCE.
        let far = schedule::add_months(d(2026, 1, 31), 24);
        assert!(sequence(d(2026, 1, 31), 1) > sequence(far, 0));
    }

    #[test]
    fn a_record_raises_the_sequence_on_every_change_of_date_in_either_direction() {
        let mut r = SequenceRecord::default();
        let uid = "monthly.default.crypto-com@lockstep";
        // A new UID starts from the derived value; an unchanged date keeps its SEQUENCE.
        assert_eq!(r.next(uid, d(2027, 2, 1), 2588), 2588);
        assert_eq!(r.next(uid, d(2027, 2, 1), 2588), 2588);
        // Forward (a wrong clock): the derived value is higher, so it is taken.
        assert_eq!(r.next(uid, d(2031, 6, 10), 4178), 4178);
        // Back (the clock fixed): one more, never the lower derived value.
        assert_eq!(r.next(uid, d(2027, 2, 10), 2597), 4179);
        assert_eq!(r.next(uid, d(2027, 2, 10), 2597), 4179);
        assert_eq!(r.next(uid, d(2027, 3, 10), 2625), 4180);
        // Other UIDs are independent; the top of i32 is never passed.
        assert_eq!(r.next("other", d(2027, 3, 10), 7), 7);
        r.events.get_mut(uid).unwrap().sequence = i32::MAX;
        assert_eq!(r.next(uid, d(2027, 4, 10), 2656), i32::MAX);
    }

    #[test]
    fn lockstep_calendars_are_recognised_by_their_start_and_prodid() {
        let ours = ics_feed(&[], d(2026, 1, 1), DateTime::UNIX_EPOCH);
        assert!(is_lockstep_calendar(ours.as_bytes()));
        assert!(is_lockstep_calendar(ours.replace("\r\n", "\n").as_bytes()));
        assert!(is_lockstep_calendar(
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//lockstep//lockstep 0.1.0//EN\r\n"
        ));
        for other in [
            "",
            "important user data\n",
            "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n",
            // lockstep's PRODID only inside an event (pasted text) does not count.
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nPRODID:-//lockstep//lockstep 1//EN\r\n",
            "notes\nBEGIN:VCALENDAR\nPRODID:-//lockstep//lockstep 1//EN\n",
        ] {
            assert!(!is_lockstep_calendar(other.as_bytes()), "{other:?}");
        }
    }
}
