//! Two iCalendar readers for the tests of the calendar export: a small strict one (CRLF, line
//! lengths, folding, TEXT escaping) and the maintained `icalendar` crate; every export read is
//! read by both, which must find the same events.

use chrono::{DateTime, NaiveDate, Utc};
use lockstep::checklist::{Checklist, Origin};
use lockstep::export;
use lockstep::state::Account;

/// One unfolded content line: name with parameters (e.g. `DTSTART;VALUE=DATE`) and raw value.
#[derive(Debug, Clone)]
pub struct Prop {
    pub name: String,
    pub value: String,
}

/// Checks the physical format (CRLF only, lines <= 75 octets, folds start with one space) and
/// returns the unfolded content lines. Every export read here is also parsed by the `icalendar`
/// crate, and both readers must find the same events (see [`cross_check`]).
pub fn read_ics(text: &str) -> Vec<Prop> {
    assert!(text.ends_with("\r\n"), "the file ends with CRLF");
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            assert!(i > 0 && bytes[i - 1] == b'\r', "bare LF at byte {i}");
        }
        if *b == b'\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at byte {i}");
        }
    }
    let physical: Vec<&str> = text[..text.len() - 2].split("\r\n").collect();
    let mut logical: Vec<String> = Vec::new();
    for line in physical {
        assert!(
            line.len() <= 75,
            "physical line of {} octets: {line:?}",
            line.len()
        );
        assert!(!line.is_empty(), "no empty lines");
        if let Some(rest) = line.strip_prefix(' ') {
            logical
                .last_mut()
                .expect("a fold continues a line")
                .push_str(rest);
        } else {
            logical.push(line.to_string());
        }
    }
    let props: Vec<Prop> = logical
        .into_iter()
        .map(|l| {
            let (name, value) = l.split_once(':').expect("NAME:value");
            Prop {
                name: name.to_string(),
                value: value.to_string(),
            }
        })
        .collect();
    cross_check(text, &props);
    props
}

/// Reverses RFC 5545 TEXT escaping; panics on an unknown escape or a bare `;`/`,`.
pub fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(c @ ('\\' | ';' | ',')) => out.push(c),
                other => panic!("bad escape \\{other:?} in {v:?}"),
            },
            ';' | ',' => panic!("unescaped {c:?} in TEXT value {v:?}"),
            c => out.push(c),
        }
    }
    out
}

/// Splits the unfolded lines into VEVENTs (each a list of props, VALARM lines included).
pub fn events(props: &[Prop]) -> Vec<Vec<Prop>> {
    let mut out = Vec::new();
    let mut cur: Option<Vec<Prop>> = None;
    for p in props {
        match (p.name.as_str(), p.value.as_str()) {
            ("BEGIN", "VEVENT") => cur = Some(Vec::new()),
            ("END", "VEVENT") => out.push(cur.take().expect("END without BEGIN")),
            _ => {
                if let Some(c) = cur.as_mut() {
                    c.push(p.clone());
                }
            }
        }
    }
    assert!(cur.is_none(), "unterminated VEVENT");
    out
}

pub fn get<'p>(ev: &'p [Prop], name: &str) -> &'p str {
    &ev.iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("missing {name}"))
        .value
}

pub fn date(v: &str) -> NaiveDate {
    NaiveDate::parse_from_str(v, "%Y%m%d").unwrap()
}

/// One VEVENT as the `icalendar` crate reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ev {
    pub uid: String,
    pub sequence: u32,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
    pub stamp: DateTime<Utc>,
    pub summary: String,
    pub description: String,
    /// VALARM components inside the event.
    pub alarms: usize,
}

pub fn as_date(v: icalendar::DatePerhapsTime, what: &str) -> NaiveDate {
    match v {
        icalendar::DatePerhapsTime::Date(d) => d,
        other => panic!("{what} is not a DATE: {other:?}"),
    }
}

/// The events of an export, as parsed by the `icalendar` crate (which must accept it).
pub fn crate_events(text: &str) -> Vec<Ev> {
    use icalendar::{CalendarComponent, Component};
    let cal: icalendar::Calendar = text
        .parse()
        .unwrap_or_else(|e| panic!("the icalendar crate rejects the export: {e}\n{text}"));
    assert!(
        cal.properties.iter().any(|p| p.key() == "PRODID"),
        "no PRODID in {text}"
    );
    cal.components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .map(|e| Ev {
            uid: e.get_uid().expect("UID").to_string(),
            sequence: e.get_sequence().expect("a numeric SEQUENCE"),
            start: as_date(e.get_start().expect("a valid DTSTART"), "DTSTART"),
            end: e
                .properties()
                .get("DTEND")
                .map(|_| as_date(e.get_end().expect("a valid DTEND"), "DTEND")),
            stamp: e.get_timestamp().expect("a valid DTSTAMP"),
            summary: e.get_summary().expect("SUMMARY").to_string(),
            description: e.get_description().expect("DESCRIPTION").to_string(),
            alarms: e
                .components()
                .iter()
                .filter(|c| c.component_kind() == "VALARM")
                .count(),
        })
        .collect()
}

/// Both readers find the same events with the same values.
pub fn cross_check(text: &str, props: &[Prop]) {
    let ours = events(props);
    let theirs = crate_events(text);
    assert_eq!(ours.len(), theirs.len(), "event count differs:\n{text}");
    for (o, t) in ours.iter().zip(&theirs) {
        assert_eq!(get(o, "UID"), t.uid);
        assert_eq!(get(o, "SEQUENCE"), t.sequence.to_string());
        assert_eq!(date(get(o, "DTSTART;VALUE=DATE")), t.start);
        let end = o
            .iter()
            .find(|p| p.name == "DTEND;VALUE=DATE")
            .map(|p| date(&p.value));
        assert_eq!(end, t.end);
        assert_eq!(unescape(get(o, "SUMMARY")), t.summary);
        assert_eq!(unescape(get(o, "DESCRIPTION")), t.description);
        let alarms = o
            .iter()
            .filter(|p| p.name == "BEGIN" && p.value == "VALARM")
            .count();
        assert_eq!(alarms, t.alarms);
    }
}

/// The events of one account's export, as the `icalendar` crate reads them (after the strict
/// reader's checks).
pub fn parsed(
    cl: &Checklist,
    name: &str,
    a: &Account,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<Ev> {
    let text = export::ics(cl, &Origin::Bundled, name, a, today, now);
    read_ics(&text);
    crate_events(&text)
}
