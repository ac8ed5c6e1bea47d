//! Integration tests of `lockstep::export`, the calendar: the iCalendar golden file and
//! parse-back, SEQUENCE, folding and escaping, control-character neutralisation (the Markdown,
//! JSON and incident reports are in `tests/reports.rs`).
//!
//! Regenerate the golden file with `UPDATE_GOLDEN=1 cargo test --test export`, then review the diff.

mod common;

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use common::ics::{Prop, crate_events, date, events, get, parsed, read_ics, unescape};
use common::{EVIL, at, bundled, d};
use lockstep::checklist::{self, Checklist, Origin};
use lockstep::export;
use lockstep::state::Account;

const GOLDEN_ICS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/crypto-com.ics");
const VERSION_PLACEHOLDER: &str = "{VERSION}";

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
