//! Integration tests of `lockstep::export`: iCalendar golden file and parse-back, Markdown, JSON
//! and incident reports, control-character neutralisation.
//!
//! Regenerate the golden file with `UPDATE_GOLDEN=1 cargo test --test export`, then review the diff.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use lockstep::checklist::{self, Checklist, Origin};
use lockstep::export;
use lockstep::state::Account;

const GOLDEN_ICS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/crypto-com.ics");
const VERSION_PLACEHOLDER: &str = "{VERSION}";

fn bundled() -> Checklist {
    checklist::parse("crypto-com.json", checklist::BUNDLED[0].1).unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(y: i32, mo: u32, day: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, day, h, mi, 0).unwrap()
}

/// The fixture of the golden file. On `today` (2026-11-30) the monthly review, done on
/// 2026-11-01, is due soon (2026-12-01) and the quarterly one, done today, is due three months
/// later, clamped to the end of February (2027-02-28): both are dated on their next due date and
/// carry an alarm.
fn golden_account(cl: &Checklist) -> Account {
    let mut a = Account::new("crypto-com", at(2026, 10, 1, 8, 0));
    a.set_personas(vec!["holder".into()], at(2026, 10, 1, 8, 1));
    a.check(cl, "totp-2fa", at(2026, 10, 1, 8, 5)).unwrap();
    a.settle(d(2026, 10, 1));
    a.complete_review(cl, "monthly", at(2026, 11, 1, 18, 0), d(2026, 11, 1))
        .unwrap();
    a.complete_review(cl, "quarterly", at(2026, 11, 30, 7, 0), d(2026, 11, 30))
        .unwrap();
    a.set_note(
        cl,
        "m-dust-test",
        "send 1 USDC first; then check, twice",
        at(2026, 11, 1, 18, 5),
    )
    .unwrap();
    a
}

const GOLDEN_TODAY: (i32, u32, u32) = (2026, 11, 30);

fn golden_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 8, 30, 15).unwrap()
}

fn golden_ics() -> String {
    let cl = bundled();
    let a = golden_account(&cl);
    let (y, m, day) = GOLDEN_TODAY;
    export::ics(
        &cl,
        &Origin::Bundled,
        "Ana's CDC",
        &a,
        d(y, m, day),
        golden_now(),
    )
}

// ----- two iCalendar readers: a small strict one, and the maintained `icalendar` crate ----------

/// One unfolded content line: name with parameters (e.g. `DTSTART;VALUE=DATE`) and raw value.
#[derive(Debug, Clone)]
struct Prop {
    name: String,
    value: String,
}

/// Checks the physical format (CRLF only, lines <= 75 octets, folds start with one space) and
/// returns the unfolded content lines. Every export read here is also parsed by the `icalendar`
/// crate, and both readers must find the same events (see [`cross_check`]).
fn read_ics(text: &str) -> Vec<Prop> {
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
fn unescape(v: &str) -> String {
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
fn events(props: &[Prop]) -> Vec<Vec<Prop>> {
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

fn get<'p>(ev: &'p [Prop], name: &str) -> &'p str {
    &ev.iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("missing {name}"))
        .value
}

fn date(v: &str) -> NaiveDate {
    NaiveDate::parse_from_str(v, "%Y%m%d").unwrap()
}

/// One VEVENT as the `icalendar` crate reads it.
#[derive(Debug, Clone, PartialEq)]
struct Ev {
    uid: String,
    sequence: u32,
    start: NaiveDate,
    end: Option<NaiveDate>,
    stamp: DateTime<Utc>,
    summary: String,
    description: String,
    /// VALARM components inside the event.
    alarms: usize,
}

fn as_date(v: icalendar::DatePerhapsTime, what: &str) -> NaiveDate {
    match v {
        icalendar::DatePerhapsTime::Date(d) => d,
        other => panic!("{what} is not a DATE: {other:?}"),
    }
}

/// The events of an export, as parsed by the `icalendar` crate (which must accept it).
fn crate_events(text: &str) -> Vec<Ev> {
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
fn cross_check(text: &str, props: &[Prop]) {
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
fn parsed(
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

// ----- iCalendar ---------------------------------------------------------------------------------

#[test]
fn ics_matches_golden_file() {
    let out = golden_ics().replace(
        &format!("lockstep {}//EN", env!("CARGO_PKG_VERSION")),
        &format!("lockstep {VERSION_PLACEHOLDER}//EN"),
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(GOLDEN_ICS, &out).unwrap();
    }
    let golden = std::fs::read_to_string(GOLDEN_ICS).expect("tests/golden/crypto-com.ics");
    assert!(
        golden.contains("\r\n"),
        "the golden file keeps its CRLF line endings"
    );
    assert_eq!(
        out, golden,
        "run with UPDATE_GOLDEN=1 to regenerate, then review the diff"
    );
    // The golden file itself is a calendar the icalendar crate reads.
    read_ics(&golden);
}

#[test]
fn ics_parses_back() {
    let text = golden_ics();
    let props = read_ics(&text);
    let head: Vec<(&str, &str)> = props
        .iter()
        .take(6)
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect();
    let prodid = format!("-//lockstep//lockstep {}//EN", env!("CARGO_PKG_VERSION"));
    assert_eq!(
        head,
        vec![
            ("BEGIN", "VCALENDAR"),
            ("VERSION", "2.0"),
            ("PRODID", prodid.as_str()),
            ("CALSCALE", "GREGORIAN"),
            ("METHOD", "PUBLISH"),
            ("X-WR-CALNAME", "lockstep (Ana's CDC)"),
        ]
    );
    let last = props.last().unwrap();
    assert_eq!(
        (last.name.as_str(), last.value.as_str()),
        ("END", "VCALENDAR")
    );

    let evs = events(&props);
    assert_eq!(evs.len(), 2, "one event per recurring review");
    let cl = bundled();
    let expected = [
        ("monthly", d(2026, 12, 1), "Crypto.com: Monthly review"),
        ("quarterly", d(2027, 2, 28), "Crypto.com: Quarterly review"),
    ];
    for (ev, (section, due, summary)) in evs.iter().zip(expected) {
        assert_eq!(
            get(ev, "UID"),
            format!("{section}.Ana%27s%20CDC.crypto-com@lockstep")
        );
        assert_eq!(get(ev, "DTSTAMP"), "20261130T083015Z");
        // SEQUENCE: days from 2020-01-01 to the event's date (no incident).
        assert_eq!(
            get(ev, "SEQUENCE"),
            (due - d(2020, 1, 1)).num_days().to_string()
        );
        assert_eq!(get(ev, "SEQUENCE"), export::sequence(due, 0).to_string());
        let start = date(get(ev, "DTSTART;VALUE=DATE"));
        let end = date(get(ev, "DTEND;VALUE=DATE"));
        assert_eq!(start, due);
        assert_eq!(end, start + Days::new(1));
        assert_eq!(unescape(get(ev, "SUMMARY")), summary);
        assert_eq!(get(ev, "TRANSP"), "TRANSPARENT");
        assert_eq!(get(ev, "ACTION"), "DISPLAY");
        assert_eq!(get(ev, "TRIGGER;RELATED=START"), "PT9H");
        // The first DESCRIPTION is the event's, the second the alarm's.
        let descs: Vec<&Prop> = ev.iter().filter(|p| p.name == "DESCRIPTION").collect();
        assert_eq!(descs.len(), 2);
        assert_eq!(unescape(&descs[1].value), summary);
        let desc = unescape(&descs[0].value);
        for step in &cl.section(section).unwrap().steps {
            assert!(desc.contains(&format!("- {}\n", step.title)), "{desc}");
        }
        assert!(desc.ends_with(export::ICS_HINT), "{desc}");
    }
    let monthly = unescape(get(&evs[0], "DESCRIPTION"));
    assert!(monthly.contains("last done 2026-11-01"), "{monthly}");
    assert!(
        monthly.contains(
            "- Dust-test new whitelisted addresses\n  Note: send 1 USDC first; then check, twice\n"
        ),
        "{monthly}"
    );
    let theirs = crate_events(&text);
    assert_eq!(theirs[0].stamp, golden_now());
    assert_eq!(theirs.iter().map(|e| e.alarms).collect::<Vec<_>>(), [1, 1]);
}

/// Exports of `a` on successive days and changes: for every event, a later export with another
/// date must have a higher SEQUENCE, and SEQUENCE never goes down.
struct SequenceWatch {
    last: std::collections::BTreeMap<String, (NaiveDate, u32)>,
    date_changes: usize,
}

impl SequenceWatch {
    fn new() -> SequenceWatch {
        SequenceWatch {
            last: Default::default(),
            date_changes: 0,
        }
    }

    fn export(&mut self, cl: &Checklist, a: &Account, today: NaiveDate, why: &str) {
        let now = Utc.from_utc_datetime(&today.and_hms_opt(12, 0, 0).unwrap());
        for ev in parsed(cl, "main", a, today, now) {
            if let Some((date, seq)) = self.last.get(&ev.uid) {
                assert!(
                    ev.sequence >= *seq,
                    "{why}: SEQUENCE went down for {}",
                    ev.uid
                );
                if ev.start != *date {
                    self.date_changes += 1;
                    assert!(
                        ev.sequence > *seq,
                        "{why}: {} moved from {date} to {} with SEQUENCE {seq} -> {}",
                        ev.uid,
                        ev.start,
                        ev.sequence
                    );
                }
            }
            self.last.insert(ev.uid, (ev.start, ev.sequence));
        }
    }
}

#[test]
fn ics_sequence_rises_whenever_an_events_date_changes() {
    let cl = bundled();
    let mut a = Account::new("crypto-com", at(2026, 10, 1, 8, 0));
    a.check(&cl, "totp-2fa", at(2026, 10, 1, 8, 5)).unwrap();
    a.settle(d(2026, 10, 1));
    let mut w = SequenceWatch::new();
    let mut today = d(2026, 10, 1);
    w.export(&cl, &a, today, "setup started");
    // Days pass: first due (one interval after setup started), then overdue and dated today.
    for _ in 0..40 {
        today = today + Days::new(1);
        w.export(&cl, &a, today, "a day passes");
    }
    let noon = |day: NaiveDate| Utc.from_utc_datetime(&day.and_hms_opt(12, 0, 0).unwrap());
    a.complete_review(&cl, "monthly", noon(today), today)
        .unwrap();
    w.export(&cl, &a, today, "monthly done");
    // Done early, the same day as the previous completion, and again the next day.
    a.complete_review(&cl, "monthly", noon(today), today)
        .unwrap();
    w.export(&cl, &a, today, "monthly done twice");
    today = today + Days::new(1);
    a.complete_review(&cl, "monthly", noon(today), today)
        .unwrap();
    w.export(&cl, &a, today, "monthly done early");
    // An incident moves both events back to today, far from their scheduled dates.
    a.open_compromise(&cl, noon(today)).unwrap();
    w.export(&cl, &a, today, "incident opened");
    a.close_incident("phone replaced", noon(today)).unwrap();
    today = today + Days::new(3);
    w.export(&cl, &a, today, "incident closed, reviews still due");
    a.complete_review(&cl, "quarterly", noon(today), today)
        .unwrap();
    a.complete_review(&cl, "monthly", noon(today), today)
        .unwrap();
    w.export(&cl, &a, today, "both done");
    // A second incident right after: back to today again.
    a.open_compromise(&cl, noon(today)).unwrap();
    w.export(&cl, &a, today, "second incident");
    assert!(w.date_changes >= 8, "{} date changes", w.date_changes);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// Random days, completions and incidents: a date change always raises SEQUENCE.
    #[test]
    fn ics_sequence_rises_with_every_date_change(
        steps in proptest::collection::vec((0u64..50, 0u8..6), 1..25)
    ) {
        let cl = bundled();
        let mut a = Account::new("crypto-com", at(2026, 10, 1, 8, 0));
        a.check(&cl, "totp-2fa", at(2026, 10, 1, 8, 5)).unwrap();
        a.settle(d(2026, 10, 1));
        let mut w = SequenceWatch::new();
        let mut today = d(2026, 10, 1);
        for (days, what) in steps {
            today = today + Days::new(days);
            let now = Utc.from_utc_datetime(&today.and_hms_opt(12, 0, 0).unwrap());
            let why = match what {
                0 => {
                    a.complete_review(&cl, "monthly", now, today).unwrap();
                    "monthly done"
                }
                1 => {
                    a.complete_review(&cl, "quarterly", now, today).unwrap();
                    "quarterly done"
                }
                2 => {
                    a.open_compromise(&cl, now).unwrap();
                    "incident"
                }
                3 => {
                    let _ = a.close_incident("fixed", now);
                    "incident closed"
                }
                _ => "time passes",
            };
            w.export(&cl, &a, today, why);
        }
    }
}

/// A minimal checklist with one recurring review whose texts the tests choose.
fn custom(service: &str, section_title: &str, steps: &[&str]) -> Checklist {
    let steps: Vec<serde_json::Value> = steps
        .iter()
        .enumerate()
        .map(|(i, t)| serde_json::json!({"id": format!("r{i}"), "title": t, "why": "w", "how": ["h"]}))
        .collect();
    let doc = serde_json::json!({
        "schema": 1, "id": "custom", "title": "Custom", "service": service, "updated": "2026-01-01",
        "personas": [{"id": "trader", "title": "Trader"}],
        "sections": [
            {"id": "setup", "title": "Setup", "kind": "setup", "steps": [
                {"id": "a", "title": "A", "why": "w", "how": ["h"]}]},
            {"id": "rev", "title": section_title, "kind": "recurring", "every_months": 1, "steps": steps},
            {"id": "trade", "title": "Trader review", "kind": "recurring", "every_months": 3, "steps": [
                {"id": "tr", "title": "Trader only", "why": "w", "how": ["h"], "personas": ["trader"]},
                {"id": "all", "title": "Everyone", "why": "w", "how": ["h"]}]}
        ]
    });
    checklist::parse("custom.json", &doc.to_string()).unwrap()
}

/// An account of the custom checklist whose setup started on 2026-01-01.
fn started_custom(cl: &Checklist) -> Account {
    let mut a = Account::new("custom", at(2026, 1, 1, 0, 0));
    a.check(cl, "a", at(2026, 1, 1, 0, 5)).unwrap();
    a.settle(d(2026, 1, 1));
    a
}

#[test]
fn ics_long_multibyte_description_folds_whole_characters() {
    let long = "Vérifiez les appareils 🔐 et les clés é🙂é ".repeat(6);
    let cl = custom(
        "Échange 🚀",
        "Revue mensuelle — sécurité 🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒",
        &[&long, "ß∑"],
    );
    let mut a = Account::new("custom", at(2026, 1, 1, 0, 0));
    a.complete_review(&cl, "rev", at(2026, 1, 10, 9, 0), d(2026, 1, 10))
        .unwrap();
    let text = export::ics(
        &cl,
        &Origin::Bundled,
        "é",
        &a,
        d(2026, 1, 12),
        at(2026, 1, 12, 7, 0),
    );
    // `read_ics` checks the 75-octet limit; `&str` guarantees no character was split (a split
    // would be caught by the byte-level check below too).
    let props = read_ics(&text);
    for line in text.split("\r\n") {
        assert!(std::str::from_utf8(line.as_bytes()).is_ok());
    }
    assert!(
        text.split("\r\n")
            .any(|l| l.len() < 75 && l.len() > 71 && l.starts_with(' ')),
        "some folds had to stop early before a multi-byte character"
    );
    let evs = events(&props);
    let rev = &evs[0];
    let desc = unescape(get(rev, "DESCRIPTION"));
    assert!(desc.contains(&format!("- {long}\n")), "{desc}");
    assert!(desc.contains("- ß∑\n"));
    assert_eq!(
        unescape(get(rev, "SUMMARY")),
        "Échange 🚀: Revue mensuelle — sécurité 🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒🔒"
    );
    assert_eq!(date(get(rev, "DTSTART;VALUE=DATE")), d(2026, 2, 10));
    assert_eq!(get(rev, "UID"), "rev.%C3%A9.custom@lockstep");
}

#[test]
fn ics_escapes_text_values() {
    let cl = custom(
        "Ex;change, Inc\\",
        "Review; monthly, really",
        &["Check a\\b; c, d"],
    );
    let mut a = started_custom(&cl);
    a.set_note(
        &cl,
        "r0",
        "line one;\nline two, \\ three",
        at(2026, 1, 1, 1, 0),
    )
    .unwrap();
    let text = export::ics(
        &cl,
        &Origin::Bundled,
        "x,y;z",
        &a,
        d(2026, 1, 12),
        at(2026, 1, 12, 7, 0),
    );
    let props = read_ics(&text);
    let calname = props.iter().find(|p| p.name == "X-WR-CALNAME").unwrap();
    assert_eq!(calname.value, "lockstep (x\\,y\\;z)");
    let ev = &events(&props)[0];
    assert_eq!(
        get(ev, "SUMMARY"),
        "Ex\\;change\\, Inc\\\\: Review\\; monthly\\, really"
    );
    assert_eq!(
        unescape(get(ev, "SUMMARY")),
        "Ex;change, Inc\\: Review; monthly, really"
    );
    let raw = get(ev, "DESCRIPTION");
    assert!(raw.contains("- Check a\\\\b\\; c\\, d\\n"), "{raw}");
    assert!(!raw.contains('\n'));
    let desc = unescape(raw);
    assert!(
        desc.contains("- Check a\\b; c, d\n  Note: line one;\nline two, \\ three\n"),
        "{desc}"
    );
    assert_eq!(get(ev, "UID"), "rev.x%2Cy%3Bz.custom@lockstep");
}

#[test]
fn ics_has_no_events_before_setup_starts_then_dates_each_review() {
    let cl = bundled();
    let today = d(2026, 12, 5);
    let now = at(2026, 12, 5, 10, 0);
    let starts = |a: &Account| -> Vec<NaiveDate> {
        parsed(&cl, "default", a, today, now)
            .iter()
            .map(|e| e.start)
            .collect()
    };
    // Nothing done yet: no events at all, and the calendar is still valid.
    let mut a = Account::new("crypto-com", at(2026, 10, 1, 8, 0));
    assert_eq!(starts(&a), Vec::<NaiveDate>::new());
    let text = export::ics(&cl, &Origin::Bundled, "default", &a, today, now);
    assert!(!text.contains("BEGIN:VEVENT"));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    // Setup started on 2026-11-20: the first reviews are due one interval later.
    a.check(&cl, "totp-2fa", at(2026, 11, 20, 8, 0)).unwrap();
    a.settle(d(2026, 11, 20));
    assert_eq!(starts(&a), vec![d(2026, 12, 20), d(2027, 2, 20)]);
    // Monthly overdue (done 2026-10-20, due 2026-11-20): dated today.
    a.complete_review(&cl, "monthly", at(2026, 10, 20, 9, 0), d(2026, 10, 20))
        .unwrap();
    assert_eq!(starts(&a), vec![today, d(2027, 2, 20)]);
    // Quarterly done: scheduled three months later; a snooze changes nothing.
    a.complete_review(&cl, "quarterly", at(2026, 12, 1, 9, 0), d(2026, 12, 1))
        .unwrap();
    a.set_snooze(&cl, "monthly", Some((d(2026, 12, 5), d(2026, 12, 8))), now)
        .unwrap();
    assert_eq!(starts(&a), vec![today, d(2027, 3, 1)]);
    // An incident makes every review due now.
    a.complete_review(&cl, "monthly", at(2026, 12, 2, 9, 0), d(2026, 12, 2))
        .unwrap();
    assert_eq!(starts(&a), vec![d(2027, 1, 2), d(2027, 3, 1)]);
    a.open_compromise(&cl, now).unwrap();
    assert_eq!(starts(&a), vec![today, today]);
}

#[test]
fn ics_alarms_are_never_already_past() {
    let cl = bundled();
    let today = d(2026, 12, 5);
    let mut a = Account::new("crypto-com", at(2026, 10, 1, 8, 0));
    a.check(&cl, "totp-2fa", at(2026, 10, 1, 8, 5)).unwrap();
    a.settle(d(2026, 10, 1));
    // Monthly overdue (dated today: its 09:00 alarm may be past), quarterly in the future.
    let evs = parsed(&cl, "main", &a, today, at(2026, 12, 5, 6, 0));
    assert_eq!(
        evs.iter().map(|e| (e.start, e.alarms)).collect::<Vec<_>>(),
        [(today, 0), (d(2027, 1, 1), 1)]
    );
    assert!(
        evs[0]
            .description
            .contains("Due since 2026-11-01: overdue by 34 days.")
    );
    // Due exactly today: no alarm either; due tomorrow: an alarm at 09:00 tomorrow.
    let evs = parsed(&cl, "main", &a, d(2027, 1, 1), at(2027, 1, 1, 6, 0));
    assert_eq!(evs[1].alarms, 0);
    let evs = parsed(&cl, "main", &a, d(2026, 12, 31), at(2026, 12, 31, 23, 0));
    assert_eq!((evs[1].start, evs[1].alarms), (d(2027, 1, 1), 1));
}

#[test]
fn ics_uids_are_unique_per_account_in_one_calendar() {
    let cl = bundled();
    let mut a = Account::new("crypto-com", at(2026, 10, 1, 8, 0));
    a.check(&cl, "totp-2fa", at(2026, 10, 1, 8, 5)).unwrap();
    a.settle(d(2026, 10, 1));
    let names = ["a@b", "a_b", "a.b", "a%40b", "default"];
    let accounts: Vec<export::IcsAccount<'_>> = names
        .iter()
        .map(|name| export::IcsAccount {
            origin: &Origin::Bundled,
            name,
            checklist: &cl,
            account: &a,
        })
        .collect();
    let text = export::ics_feed(&accounts, d(2026, 10, 2), at(2026, 10, 2, 8, 0));
    let props = read_ics(&text);
    assert_eq!(
        props
            .iter()
            .find(|p| p.name == "X-WR-CALNAME")
            .unwrap()
            .value,
        "lockstep"
    );
    let evs = crate_events(&text);
    assert_eq!(evs.len(), 2 * names.len());
    let uids: std::collections::BTreeSet<&str> = evs.iter().map(|e| e.uid.as_str()).collect();
    assert_eq!(uids.len(), evs.len(), "{uids:?}");
    assert!(uids.contains("monthly.a%40b.crypto-com@lockstep"));
    assert!(uids.contains("monthly.a_b.crypto-com@lockstep"));
    assert!(uids.contains("monthly.a%2Eb.crypto-com@lockstep"));
    assert!(uids.contains("monthly.a%2540b.crypto-com@lockstep"));
    // One account exported alone has the same UIDs as in the feed.
    let one = parsed(&cl, "a@b", &a, d(2026, 10, 2), at(2026, 10, 2, 8, 0));
    assert_eq!(one[0].uid, "monthly.a%40b.crypto-com@lockstep");
}

#[test]
fn ics_never_writes_a_year_past_9999() {
    let cl = bundled();
    let mut a = Account::new("crypto-com", at(2026, 10, 1, 8, 0));
    a.check(&cl, "totp-2fa", at(2026, 10, 1, 8, 5)).unwrap();
    a.settle(d(9999, 9, 30));
    let now = Utc.from_utc_datetime(&d(9999, 12, 20).and_hms_opt(8, 0, 0).unwrap());
    // Quarterly first due 9999-12-30 (the day after is still 9999), monthly done on
    // 9999-12-10 is due 10000-01-10: left out.
    a.complete_review(&cl, "monthly", now, d(9999, 12, 10))
        .unwrap();
    let evs = parsed(&cl, "main", &a, d(9999, 12, 20), now);
    assert_eq!(evs.len(), 1, "{evs:?}");
    assert_eq!(evs[0].start, d(9999, 12, 30));
    assert_eq!(evs[0].end, Some(d(9999, 12, 31)));
    // Due on 9999-12-31: the event has no DTEND (the day after cannot be written).
    let mut b = Account::new("crypto-com", at(2026, 10, 1, 8, 0));
    b.check(&cl, "totp-2fa", at(2026, 10, 1, 8, 5)).unwrap();
    b.settle(d(9999, 9, 30));
    b.complete_review(&cl, "monthly", now, d(9999, 11, 30))
        .unwrap();
    let evs = parsed(&cl, "main", &b, d(9999, 12, 31), now);
    let monthly = evs.iter().find(|e| e.uid.starts_with("monthly.")).unwrap();
    assert_eq!((monthly.start, monthly.end), (d(9999, 12, 31), None));
    // A clock past 9999: no event can be written; DTSTAMP stays in range.
    let later = Utc.from_utc_datetime(&d(10001, 1, 1).and_hms_opt(0, 0, 0).unwrap());
    let text = export::ics(&cl, &Origin::Bundled, "main", &b, d(10001, 1, 1), later);
    read_ics(&text);
    assert!(!text.contains("BEGIN:VEVENT"), "{text}");
    let dtstamp = text.lines().find(|l| l.starts_with("DTSTAMP:"));
    assert!(dtstamp.is_none_or(|l| !l.contains('+')), "{text}");
    assert!(
        text.contains("BEGIN:VTIMEZONE"),
        "no event: the one component {text}"
    );
}

#[test]
fn ics_ignores_and_flags_records_dated_in_the_future() {
    let cl = bundled();
    let mut a = Account::new("crypto-com", at(2026, 10, 1, 8, 0));
    a.check(&cl, "totp-2fa", at(2026, 10, 1, 8, 5)).unwrap();
    a.settle(d(2026, 10, 1));
    a.complete_review(&cl, "monthly", at(2026, 10, 20, 9, 0), d(2026, 10, 20))
        .unwrap();
    // Recorded while the clock said 2030.
    a.complete_review(&cl, "monthly", at(2030, 1, 1, 9, 0), d(2030, 1, 1))
        .unwrap();
    let today = d(2026, 11, 25);
    let evs = parsed(&cl, "main", &a, today, at(2026, 11, 25, 9, 0));
    assert_eq!(
        evs[0].start, today,
        "overdue since 2026-11-20, not due in 2030"
    );
    assert!(
        evs[0].description.contains("last done 2026-10-20"),
        "{}",
        evs[0].description
    );
    assert!(
        evs[0].description.contains(
            "Warning: 1 record dated after today (up to 2030-01-01) ignored: check the computer's clock."
        ),
        "{}",
        evs[0].description
    );
    assert!(!evs[1].description.contains("Warning"));
}

#[test]
fn ics_respects_personas() {
    let cl = custom("S", "R", &["x"]);
    let mut a = started_custom(&cl);
    let desc = |a: &Account| {
        let evs = parsed(&cl, "n", a, d(2026, 1, 2), at(2026, 1, 2, 0, 0));
        evs[1].description.clone()
    };
    assert!(!desc(&a).contains("Trader only"));
    assert!(desc(&a).contains("- Everyone\n"));
    a.set_personas(vec!["trader".into()], at(2026, 1, 1, 1, 0));
    assert!(desc(&a).contains("- Trader only\n"));
}

const EVIL: &str = "red \x1b[31mALERT\u{202E}txt.exe";

#[test]
fn control_and_bidi_characters_are_neutralised_in_ics() {
    let cl = custom("S", "R", &["step \u{2066}x\u{2069}"]);
    let mut a = started_custom(&cl);
    a.set_note(&cl, "r0", EVIL, at(2026, 1, 1, 1, 0)).unwrap();
    let text = export::ics(
        &cl,
        &Origin::Bundled,
        "acct\x07\u{202E}",
        &a,
        d(2026, 1, 2),
        at(2026, 1, 2, 0, 0),
    );
    assert!(
        !text
            .chars()
            .any(|c| lockstep::guard::is_dangerous(c, false) && c != '\r' && c != '\n'),
        "no control or bidi characters except the CRLF line ends"
    );
    let props = read_ics(&text);
    let ev = &events(&props)[0];
    let desc = unescape(get(ev, "DESCRIPTION"));
    assert!(
        desc.contains("Note: red \\u{1b}[31mALERT\\u{202e}txt.exe"),
        "{desc}"
    );
    assert!(desc.contains("- step \\u{2066}x\\u{2069}"), "{desc}");
    let calname = props.iter().find(|p| p.name == "X-WR-CALNAME").unwrap();
    assert_eq!(unescape(&calname.value), "lockstep (acct\\u{7}\\u{202e})");
    assert_eq!(get(ev, "UID"), "rev.acct%07%E2%80%AE.custom@lockstep");
}

// ----- Markdown and JSON -------------------------------------------------------------------------

fn progress_account(cl: &Checklist) -> Account {
    let mut a = Account::new("crypto-com", at(2026, 10, 1, 8, 0));
    a.set_personas(vec!["holder".into()], at(2026, 10, 1, 8, 1));
    a.check(cl, "totp-2fa", at(2026, 10, 1, 9, 0)).unwrap();
    a.check(cl, "anti-phishing-code", at(2026, 10, 1, 9, 5))
        .unwrap();
    a.skip(
        cl,
        "withdrawal-whitelist",
        "I only buy and hold",
        at(2026, 10, 1, 9, 10),
    )
    .unwrap();
    a.not_applicable(cl, "api-read-only", at(2026, 10, 1, 9, 15))
        .unwrap();
    a.set_note(
        cl,
        "totp-2fa",
        "Aegis on the old phone\nbackup in the safe",
        at(2026, 10, 1, 9, 20),
    )
    .unwrap();
    a.complete_review(cl, "monthly", at(2026, 10, 20, 18, 0), d(2026, 10, 20))
        .unwrap();
    a
}

#[test]
fn markdown_progress_report() {
    let cl = bundled();
    let a = progress_account(&cl);
    let md = export::markdown(&cl, &Origin::Bundled, "main", &a, d(2026, 11, 25));
    assert!(
        md.starts_with("# lockstep progress: Crypto.com account hardening\n"),
        "{md}"
    );
    assert!(md.contains("- Account: main\n"));
    assert!(md.contains("- Checklist: Crypto.com account hardening (`crypto-com`, updated "));
    assert!(md.contains("- Personas: Long-term holding\n"), "{md}");
    // Score: essentials done weight 17 (2FA 10 + anti-phishing 7) of 53 x 50 = 16.0, advanced
    // (without the not-applicable API keys) and risks nothing done: 16,
    // minus 5 for the monthly review overdue by 5 days (quarterly never done is due now, no
    // penalty). Cross-checked with the score module.
    let sc = lockstep::score::score(&cl, &a, d(2026, 11, 25));
    assert_eq!((sc.base, sc.value), (16, Some(11)));
    assert!(
        md.contains("- Score: 11/100 (setup 16/100, -5 for 1 overdue review)\n"),
        "{md}"
    );
    assert!(md.contains("## 5-Minute Essentials (2/7 done)\n"), "{md}");
    // A note: a block quote after a blank line, its line break kept (a hard break).
    assert!(
        md.contains(
            "- [x] Turn on authenticator-app 2FA\n\n  > Aegis on the old phone\\\n  > backup in the safe\n\n"
        ),
        "{md}"
    );
    assert!(md.contains("- [x] Set an anti-phishing code\n"));
    assert!(md.contains("- [ ] Enable the 24-hour withdrawal lock\n"));
    // `[-]` is no task-list marker: escaped, it stays text.
    assert!(md.contains(
        "- \\[-\\] Whitelist your withdrawal addresses (skipped: I only buy and hold)\n"
    ));
    assert!(
        md.contains("- ~~Restrict API keys (bots, tax or portfolio apps)~~ (not applicable)\n"),
        "{md}"
    );
    // Persona filtering: holder steps shown, trader-only steps not.
    assert!(md.contains("- [ ] Move long-term holdings to cold storage\n"));
    assert!(
        md.contains("Segment funds with sub-accounts"),
        "a step for everyone"
    );
    assert!(!md.contains("Keep derivatives positions small"));
    // Reviews.
    assert!(md.contains(
        "### Monthly review (every month)\n\n- Last done: 2026-10-20\n- State: overdue by 5 days\n- Next due: 2026-11-20\n"
    ), "{md}");
    // Never done: first due one interval after setup started (2026-10-01).
    assert!(md.contains("### Quarterly review (every 3 months)\n\n- Last done: never\n- State: next 2027-01-01\n- Next due: 2027-01-01\n"), "{md}");
}

#[test]
fn markdown_shows_scheduled_review_and_penalty_free_score() {
    let cl = bundled();
    let a = progress_account(&cl);
    let md = export::markdown(&cl, &Origin::Bundled, "main", &a, d(2026, 11, 1));
    assert!(
        md.contains("- State: next 2026-11-20\n- Next due: 2026-11-20\n"),
        "{md}"
    );
    assert!(
        md.contains("- Score: 16/100\n"),
        "no overdue review, no penalty: {md}"
    );
}

#[test]
fn markdown_reverify_and_open_incident_instead_of_score() {
    let cl = bundled();
    let mut a = progress_account(&cl);
    a.open_compromise(&cl, at(2026, 11, 25, 9, 14)).unwrap();
    let md = export::markdown(&cl, &Origin::Bundled, "main", &a, d(2026, 11, 25));
    assert!(
        md.contains("- Score: none, open incident #1 since 2026-11-25T09:14:00Z"),
        "{md}"
    );
    assert!(!md.contains("/100"), "no score while an incident is open");
    assert!(
        md.contains("- \\[?\\] Turn on authenticator-app 2FA (re-verify)\n"),
        "{md}"
    );
    assert!(md.contains("- \\[?\\] Set an anti-phishing code (re-verify)\n"));
    assert!(
        md.contains("(skipped: I only buy and hold)"),
        "skips stay skipped"
    );
}

#[test]
fn control_and_bidi_characters_are_neutralised_in_markdown() {
    let cl = bundled();
    let mut a = progress_account(&cl);
    a.set_note(&cl, "withdrawal-lock", EVIL, at(2026, 10, 2, 0, 0))
        .unwrap();
    a.skip(
        &cl,
        "verify-messages",
        "later\u{202E}gnp",
        at(2026, 10, 2, 0, 0),
    )
    .unwrap();
    let md = export::markdown(&cl, &Origin::Bundled, "m\x1bain", &a, d(2026, 11, 25));
    assert!(
        !md.chars().any(|c| lockstep::guard::is_dangerous(c, true)),
        "{md:?}"
    );
    // Made visible as `\u{..}`, then escaped for Markdown (which then shows `\u{..}`).
    assert!(
        md.contains(r"  > red \\u\{1b\}\[31mALERT\\u\{202e\}txt.exe"),
        "{md}"
    );
    assert!(md.contains(r"(skipped: later\\u\{202e\}gnp)"));
    assert!(md.contains("- Account: m\\\\u\\{1b\\}ain\n"));
}

#[test]
fn json_progress_report() {
    let cl = bundled();
    let mut a = progress_account(&cl);
    let today = d(2026, 11, 25);
    let j = export::json(&cl, &Origin::Bundled, "main", &a, today);
    assert_eq!(j["account"], "main");
    assert_eq!(j["checklist"], "crypto-com");
    assert_eq!(j["personas"], serde_json::json!(["holder"]));
    let sc = lockstep::score::score(&cl, &a, today);
    assert_eq!(j["score"], serde_json::to_value(&sc).unwrap());
    assert_eq!(j["score"]["value"], serde_json::json!(sc.value.unwrap()));
    assert!(j["open_incident"].is_null());
    // The on-demand re-check is listed too (it has no schedule, so it is not in "reviews").
    assert_eq!(
        j["on_demand"],
        serde_json::json!([{
            "section": "after-integration",
            "title": "After each promo or integration",
            "last": null,
            "progress": [0, 2],
        }])
    );
    let sections = j["sections"].as_array().unwrap();
    assert_eq!(sections.len(), cl.sections.len());
    let ess = &sections[0];
    assert_eq!(
        (ess["id"].as_str(), ess["kind"].as_str()),
        (Some("essentials"), Some("setup"))
    );
    let step = |id: &str| {
        sections
            .iter()
            .flat_map(|s| s["steps"].as_array().unwrap())
            .find(|t| t["id"] == id)
            .cloned()
    };
    let totp = step("totp-2fa").unwrap();
    assert_eq!(totp["status"], "done");
    assert_eq!(totp["at"], "2026-10-01T09:00:00Z");
    assert_eq!(totp["note"], "Aegis on the old phone\nbackup in the safe");
    let skipped = step("withdrawal-whitelist").unwrap();
    assert_eq!(skipped["status"], "skipped");
    assert_eq!(skipped["reason"], "I only buy and hold");
    assert_eq!(step("api-read-only").unwrap()["status"], "not_applicable");
    let todo = step("withdrawal-lock").unwrap();
    assert_eq!(todo["status"], "todo");
    assert!(todo.get("at").is_none() && todo.get("reason").is_none() && todo.get("note").is_none());
    assert!(
        step("t-small-derivatives").is_none(),
        "trader-only step left out"
    );
    assert!(step("t-cold-storage").is_some());
    let reviews = j["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 2);
    assert_eq!(reviews[0]["section"], "monthly");
    assert_eq!(reviews[0]["last"], "2026-10-20");
    assert_eq!(reviews[0]["due"]["state"], "overdue");
    assert_eq!(reviews[0]["due"]["days"], 5);

    a.open_compromise(&cl, at(2026, 11, 25, 9, 14)).unwrap();
    a.toggle_emergency_step(&cl, "c-lock", at(2026, 11, 25, 9, 15))
        .unwrap();
    let j = export::json(&cl, &Origin::Bundled, "main", &a, today);
    assert_eq!(j["open_incident"], 1);
    assert!(j["score"]["value"].is_null());
    let totp = j["sections"][0]["steps"][0].clone();
    assert_eq!(
        (totp["status"].as_str(), totp["incident"].as_u64()),
        (Some("reverify"), Some(1))
    );
    let em = j["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "emergency")
        .unwrap();
    assert_eq!(em["steps"][0]["status"], "done");
    assert_eq!(em["steps"][0]["at"], "2026-11-25T09:15:00Z");
    assert_eq!(em["steps"][1]["status"], "todo");
}

// ----- incident report ---------------------------------------------------------------------------

#[test]
fn incident_report_timeline() {
    let cl = bundled();
    let mut a = progress_account(&cl);
    let opened = at(2026, 11, 25, 9, 14);
    assert_eq!(a.open_compromise(&cl, opened).unwrap(), 1);
    // Recorded out of time order on purpose: the report sorts by time.
    a.incident_note(
        "chat opened, agent Sam",
        Some("#12345"),
        at(2026, 11, 25, 9, 30),
    )
    .unwrap();
    a.toggle_emergency_step(&cl, "c-lock", at(2026, 11, 25, 9, 16))
        .unwrap();
    a.toggle_emergency_step(&cl, "c-email", at(2026, 11, 25, 9, 26))
        .unwrap();
    a.incident_note(
        "new password on the mailbox",
        None,
        at(2026, 11, 25, 10, 40),
    )
    .unwrap();
    a.close_incident("account recovered, no funds lost", at(2026, 11, 25, 11, 19))
        .unwrap();

    let report = export::incident_report(
        &cl,
        &Origin::Bundled,
        "Ana's CDC",
        &a,
        &[],
        None,
        at(2026, 11, 26, 0, 0),
    )
    .unwrap();
    assert!(report.starts_with("# Incident #1\n"), "{report}");
    assert!(
        report.contains("\n- Account: Ana's CDC\n- Service: Crypto.com ("),
        "{report}"
    );
    assert!(report.contains("- Opened: 2026-11-25T09:14:00Z\n"));
    assert!(
        report.contains(
            "- Status: closed at 2026-11-25T11:19:00Z: account recovered, no funds lost\n"
        )
    );
    assert!(
        report.contains("- Elapsed: 2h 5m\n"),
        "from opening to closure, not to now"
    );
    let timeline: Vec<&str> = report
        .split("## Timeline\n\n")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .collect();
    assert_eq!(
        timeline,
        vec![
            "- 2026-11-25T09:14:00Z (+0s) Incident opened",
            "- 2026-11-25T09:16:00Z (+2m) Done: Hit the One-Button Lock now",
            "- 2026-11-25T09:26:00Z (+12m) Done: Secure your email before unlocking",
            "- 2026-11-25T09:30:00Z (+16m) Support ticket: #12345; note: chat opened, agent Sam",
            "- 2026-11-25T10:40:00Z (+1h 26m) Note: new password on the mailbox",
            "- 2026-11-25T11:19:00Z (+2h 5m) Closed: account recovered, no funds lost",
        ]
    );
    let steps: Vec<&str> = report
        .split("## Emergency steps\n\n")
        .nth(1)
        .unwrap()
        .lines()
        .collect();
    assert_eq!(
        steps,
        vec![
            "- [x] Hit the One-Button Lock now (done 2026-11-25T09:16:00Z, +2m)",
            "- [ ] Contact support via in-app chat",
            "- [x] Secure your email before unlocking (done 2026-11-25T09:26:00Z, +12m)",
        ]
    );
    // Asking by id gives the same report.
    assert_eq!(
        export::incident_report(
            &cl,
            &Origin::Bundled,
            "Ana's CDC",
            &a,
            &[],
            Some(1),
            at(2026, 11, 26, 0, 0)
        )
        .unwrap(),
        report
    );
}

#[test]
fn incident_report_picks_open_or_latest_and_reports_errors() {
    let cl = bundled();
    let mut a = Account::new("crypto-com", at(2026, 11, 1, 0, 0));
    let err = export::incident_report(
        &cl,
        &Origin::Bundled,
        "main",
        &a,
        &[],
        None,
        at(2026, 11, 1, 0, 0),
    )
    .unwrap_err();
    assert_eq!(err, export::ReportError::NoIncidents);
    assert!(err.to_string().contains("no incidents"), "{err}");
    let err = export::incident_report(
        &cl,
        &Origin::Bundled,
        "main",
        &a,
        &[],
        Some(1),
        at(2026, 11, 1, 0, 0),
    )
    .unwrap_err();
    assert_eq!(err, export::ReportError::NoIncidents);

    a.open_compromise(&cl, at(2026, 11, 2, 8, 0)).unwrap();
    a.close_incident("false alarm", at(2026, 11, 2, 8, 45))
        .unwrap();
    a.open_compromise(&cl, at(2026, 11, 3, 8, 0)).unwrap();
    a.incident_note("", Some("T-9"), at(2026, 11, 3, 8, 1))
        .unwrap();
    let now = at(2026, 11, 4, 12, 30);
    let open = export::incident_report(&cl, &Origin::Bundled, "main", &a, &[], None, now).unwrap();
    assert!(open.starts_with("# Incident #2\n"), "{open}");
    assert!(open.contains("- Status: open\n"));
    assert!(
        open.contains("- Elapsed: 1d 4h (still open at 2026-11-04T12:30:00Z)\n"),
        "{open}"
    );
    assert!(open.contains("- 2026-11-03T08:01:00Z (+1m) Support ticket: T-9\n"));
    assert!(!open.contains("Closed:"));
    assert!(open.contains("- [ ] Hit the One-Button Lock now\n"));

    let first =
        export::incident_report(&cl, &Origin::Bundled, "main", &a, &[], Some(1), now).unwrap();
    assert!(first.starts_with("# Incident #1\n"));
    assert!(first.contains("- Elapsed: 45m\n"));
    assert!(first.contains("(+45m) Closed: false alarm\n"));

    a.close_incident("contained", at(2026, 11, 3, 9, 0))
        .unwrap();
    let latest =
        export::incident_report(&cl, &Origin::Bundled, "main", &a, &[], None, now).unwrap();
    assert!(
        latest.starts_with("# Incident #2\n"),
        "most recent when none is open"
    );

    let err =
        export::incident_report(&cl, &Origin::Bundled, "main", &a, &[], Some(7), now).unwrap_err();
    assert!(
        matches!(err, export::ReportError::NoSuchIncident { id: 7, .. }),
        "{err}"
    );
    let err = err.to_string();
    assert!(
        err.contains("no incident #7") && err.contains("#1, #2"),
        "{err}"
    );
}

#[test]
fn incident_report_shows_undone_steps() {
    let cl = bundled();
    let mut a = Account::new("crypto-com", at(2026, 11, 1, 0, 0));
    a.open_compromise(&cl, at(2026, 11, 2, 8, 0)).unwrap();
    // Done by mistake, undone, then done for real; another step done and undone.
    a.toggle_emergency_step(&cl, "c-lock", at(2026, 11, 2, 8, 1))
        .unwrap();
    a.toggle_emergency_step(&cl, "c-lock", at(2026, 11, 2, 8, 2))
        .unwrap();
    a.toggle_emergency_step(&cl, "c-email", at(2026, 11, 2, 8, 3))
        .unwrap();
    a.toggle_emergency_step(&cl, "c-lock", at(2026, 11, 2, 8, 4))
        .unwrap();
    a.toggle_emergency_step(&cl, "c-email", at(2026, 11, 2, 8, 5))
        .unwrap();
    let r = export::incident_report(
        &cl,
        &Origin::Bundled,
        "main",
        &a,
        &[],
        None,
        at(2026, 11, 2, 9, 0),
    )
    .unwrap();
    let timeline: Vec<&str> = r
        .split("## Timeline\n\n")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .collect();
    assert_eq!(
        timeline,
        vec![
            "- 2026-11-02T08:00:00Z (+0s) Incident opened",
            "- 2026-11-02T08:01:00Z (+1m) Done: Hit the One-Button Lock now",
            "- 2026-11-02T08:02:00Z (+2m) Marked not done again: Hit the One-Button Lock now",
            "- 2026-11-02T08:03:00Z (+3m) Done: Secure your email before unlocking",
            "- 2026-11-02T08:04:00Z (+4m) Done: Hit the One-Button Lock now",
            "- 2026-11-02T08:05:00Z (+5m) Marked not done again: Secure your email before unlocking",
        ]
    );
    assert!(r.contains("- [x] Hit the One-Button Lock now (done 2026-11-02T08:04:00Z, +4m)\n"));
    assert!(
        r.contains("- [ ] Secure your email before unlocking\n"),
        "{r}"
    );
}

#[test]
fn json_text_escapes_bidi_and_c1_and_parses_back() {
    let cl = bundled();
    let mut a = Account::new("crypto-com", at(2026, 11, 1, 0, 0));
    let note = "evil\u{202E}txt.exe \u{2067}x\u{2069} \u{200F}\u{061C} c1:\u{9b}31m del:\u{7f}";
    a.set_note(&cl, "totp-2fa", note, at(2026, 11, 1, 1, 0))
        .unwrap();
    let text = export::json_text(&cl, &Origin::Bundled, "m\u{202E}ain", &a, d(2026, 11, 2));
    assert!(text.ends_with("}\n"));
    assert!(
        !text.chars().any(|c| lockstep::guard::is_dangerous(c, true)),
        "{text}"
    );
    assert!(text.contains("evil\\u202etxt.exe"), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v,
        export::json(&cl, &Origin::Bundled, "m\u{202E}ain", &a, d(2026, 11, 2))
    );
    assert_eq!(v["sections"][0]["steps"][0]["note"], note);
    assert_eq!(v["account"], "m\u{202E}ain");
}

#[test]
fn incident_report_neutralises_control_characters() {
    let cl = bundled();
    let mut a = Account::new("crypto-com", at(2026, 11, 1, 0, 0));
    a.open_compromise(&cl, at(2026, 11, 2, 8, 0)).unwrap();
    a.incident_note(EVIL, Some("T\x1b]0;x\x07"), at(2026, 11, 2, 8, 5))
        .unwrap();
    a.close_incident("done\u{202E}", at(2026, 11, 2, 9, 0))
        .unwrap();
    let r = export::incident_report(
        &cl,
        &Origin::Bundled,
        "m\x1bain",
        &a,
        &[],
        None,
        at(2026, 11, 2, 10, 0),
    )
    .unwrap();
    assert!(r.contains("- Account: m\\\\u\\{1b\\}ain\n"), "{r}");
    assert!(
        !r.chars().any(|c| lockstep::guard::is_dangerous(c, true)),
        "{r:?}"
    );
    assert!(
        r.contains(
            r"Support ticket: T\\u\{1b\}\]0;x\\u\{7\}; note: red \\u\{1b\}\[31mALERT\\u\{202e\}txt.exe"
        ),
        "{r}"
    );
    assert!(r.contains(r"Closed: done\\u\{202e\}"));
}
