//! Unit tests of the progress model and its operations.

use super::time::parse_utc_fast;
use super::*;
use crate::checklist::Checklist;
use crate::checklist::{BUNDLED, parse};
use chrono::TimeZone;
use chrono::{DateTime, NaiveDate, Utc};

fn cl() -> Checklist {
    parse("crypto-com.json", BUNDLED[0].1).unwrap()
}
fn t(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, h, 0, 0).unwrap()
}
fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn check_uncheck_skip_and_history() {
    let c = cl();
    let mut a = Account::new("crypto-com", t(0));
    assert!(!a.setup_started());
    assert!(a.check(&c, "totp-2fa", t(1)).unwrap());
    assert!(!a.check(&c, "totp-2fa", t(2)).unwrap(), "idempotent");
    assert!(a.status("totp-2fa").is_done());
    assert!(a.setup_started());
    assert!(a.uncheck(&c, "totp-2fa", t(3)).unwrap());
    assert_eq!(a.status("totp-2fa"), &Status::Todo);
    assert_eq!(
        a.skip(&c, "totp-2fa", "  ", t(4)),
        Err(OpError::EmptyReason)
    );
    a.skip(&c, "totp-2fa", "no phone", t(4)).unwrap();
    assert_eq!(a.status("totp-2fa").label(), "skipped");
    assert_eq!(a.new_events.len(), 4);
    assert!(matches!(
        a.check(&c, "nope", t(5)),
        Err(OpError::UnknownStep(_))
    ));
    let em = c.emergency().unwrap().steps[0].id.clone();
    assert!(matches!(
        a.check(&c, em.as_str(), t(5)),
        Err(OpError::NotSetupStep { .. })
    ));
}

#[test]
fn review_completes_when_all_items_checked() {
    let c = cl();
    let mut a = Account::new("crypto-com", t(0));
    let monthly = c.section("monthly").unwrap();
    // Items that check a setup step count once that step is done (else they wait for it).
    for s in &monthly.steps {
        if let Some(req) = &s.requires {
            a.check(&c, req.as_str(), t(0)).unwrap();
        }
    }
    let n = monthly.steps.len();
    for (i, s) in monthly.steps.iter().enumerate() {
        let r = a
            .toggle_review_item(&c, "monthly", s.id.as_str(), t(1), d(2026, 11, 25))
            .unwrap();
        assert_eq!(r.is_some(), i == n - 1);
    }
    let r = &a.reviews["monthly"];
    assert_eq!(r.completions.len(), 1);
    assert!(r.in_progress.is_empty());
    // Untoggling an item in progress.
    let first = &monthly.steps[0].id;
    a.toggle_review_item(&c, "monthly", first.as_str(), t(2), d(2026, 11, 26))
        .unwrap();
    a.toggle_review_item(&c, "monthly", first.as_str(), t(3), d(2026, 11, 26))
        .unwrap();
    assert!(a.reviews["monthly"].in_progress.is_empty());
    assert!(
        a.toggle_review_item(&c, "essentials", "totp-2fa", t(1), d(2026, 1, 1))
            .is_err()
    );
}

#[test]
fn compromise_reopens_without_losing_history() {
    let c = cl();
    let mut a = Account::new("crypto-com", t(0));
    a.check(&c, "totp-2fa", t(1)).unwrap();
    a.check(&c, "anti-phishing-code", t(1)).unwrap();
    a.complete_review(&c, "monthly", t(1), d(2026, 11, 25))
        .unwrap();
    let before = a.new_events.clone();
    let id = a.open_compromise(&c, t(2)).unwrap();
    assert_eq!(id, 1);
    assert_eq!(
        a.open_compromise(&c, t(3)).unwrap(),
        1,
        "one open incident at a time"
    );
    assert!(a.new_events.starts_with(&before), "history is append-only");
    assert!(matches!(
        a.status("totp-2fa"),
        Status::Reverify { incident: 1, .. }
    ));
    assert!(a.reviews["monthly"].due_now_since.is_some());
    assert_eq!(a.reviews["monthly"].completions.len(), 1);
    let em = c.emergency().unwrap();
    assert!(
        a.toggle_emergency_step(&c, em.steps[0].id.as_str(), t(2))
            .unwrap()
    );
    a.incident_note("chat opened", Some("#12345"), t(2))
        .unwrap();
    assert!(a.incident_note("", None, t(2)).is_err());
    a.close_incident("account recovered", t(5)).unwrap();
    assert!(a.open_incident().is_none());
    assert_eq!(
        a.incident_note("x", None, t(6)),
        Err(OpError::NoOpenIncident)
    );
    // Re-verify, then a new incident gets id 2.
    a.check(&c, "totp-2fa", t(6)).unwrap();
    assert!(a.status("totp-2fa").is_done());
    assert_eq!(a.open_compromise(&c, t(7)).unwrap(), 2);
}

#[test]
fn unmarking_an_emergency_step_is_logged() {
    let c = cl();
    let mut a = Account::new("crypto-com", t(0));
    a.open_compromise(&c, t(1)).unwrap();
    let step = c.emergency().unwrap().steps[0].id.clone();
    assert!(a.toggle_emergency_step(&c, step.as_str(), t(2)).unwrap());
    assert!(!a.toggle_emergency_step(&c, step.as_str(), t(3)).unwrap());
    assert!(a.open_incident().unwrap().steps.is_empty());
    let last = a.new_events.last().unwrap();
    assert_eq!(
        last,
        &Event {
            at: t(3),
            kind: EventKind::IncidentStepUndone {
                uid: String::new(),
                incident: 1,
                step: step.clone()
            }
        }
    );
    let title = &c.emergency().unwrap().steps[0].title;
    assert_eq!(
        last.kind.describe(Some(&c)),
        format!("Incident #1: marked not done again: {title} ({step})")
    );
    // The event round-trips through the state file format.
    let j = serde_json::to_string(&last).unwrap();
    assert!(j.contains(r#""event":"incident_step_undone""#), "{j}");
    assert_eq!(&serde_json::from_str::<Event>(&j).unwrap(), last);
}

#[test]
fn only_recurring_reviews_can_be_snoozed() {
    let c = cl();
    let mut a = Account::new("crypto-com", t(0));
    let until = Some((d(2026, 11, 25), d(2026, 12, 1)));
    a.set_snooze(&c, "monthly", until, t(1)).unwrap();
    let e = a
        .set_snooze(&c, "after-integration", until, t(1))
        .unwrap_err();
    assert_eq!(e, OpError::NoSchedule("after-integration".into()));
    assert!(e.to_string().contains("no schedule"), "{e}");
    assert!(!a.reviews.contains_key("after-integration"));
    assert!(matches!(
        a.set_snooze(&c, "essentials", until, t(1)),
        Err(OpError::NotReview(_))
    ));
}

#[test]
fn notes_refuse_secrets() {
    let c = cl();
    let mut a = Account::new("crypto-com", t(0));
    let err = a
        .set_note(
            &c,
            "totp-2fa",
            "otpauth://totp/X?secret=JBSWY3DPEHPK3PXP",
            t(1),
        )
        .unwrap_err();
    assert!(matches!(err, OpError::Secret(_)));
    a.set_note(&c, "totp-2fa", "using Aegis on the old phone", t(1))
        .unwrap();
    assert_eq!(a.note("totp-2fa"), Some("using Aegis on the old phone"));
}

#[test]
fn fast_timestamp_parser_agrees_with_chrono() {
    for s in [
        "2026-11-25T09:14:00Z",
        "2026-11-25T09:14:00.5Z",
        "2026-11-25T09:14:00.123456789Z",
        "2024-02-29T23:59:59Z",
    ] {
        assert_eq!(
            parse_utc_fast(s),
            Some(s.parse::<DateTime<Utc>>().unwrap()),
            "{s}"
        );
    }
    for bad in [
        "2026-02-30T00:00:00Z",
        "2026-11-25T24:00:00Z",
        "2026-11-25 09:14:00Z",
        "2026-11-25T09:14:00+01:00",
        "x",
    ] {
        assert_eq!(parse_utc_fast(bad), None, "{bad}");
    }
    // Other RFC 3339 forms still load, through chrono.
    let e: Event = serde_json::from_str(
        r#"{"at":"2026-11-25T10:14:00+01:00","what":{"event":"step_done","step":"a"}}"#,
    )
    .unwrap();
    assert_eq!(
        e.at,
        "2026-11-25T09:14:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert!(
        serde_json::from_str::<Event>(
            r#"{"at":"yesterday","what":{"event":"step_done","step":"a"}}"#
        )
        .is_err()
    );
}

proptest::proptest! {
    #[test]
    fn fast_parser_never_disagrees(secs in 0i64..4_102_444_800, nanos in 0u32..1_000_000_000) {
        let t = DateTime::from_timestamp(secs, nanos).unwrap();
        let s = serde_json::to_value(t).unwrap();
        let s = s.as_str().unwrap();
        proptest::prop_assert_eq!(parse_utc_fast(s), Some(t));
    }
}

#[test]
fn state_roundtrips_through_json() {
    let c = cl();
    let mut a = Account::new("crypto-com", t(0));
    a.check(&c, "totp-2fa", t(1)).unwrap();
    a.skip(&c, "passkeys", "later", t(1)).unwrap();
    a.open_compromise(&c, t(2)).unwrap();
    a.incident_note("hi", Some("T-1"), t(2)).unwrap();
    let mut s = State::default();
    s.accounts.insert(DEFAULT_ACCOUNT.into(), a);
    let j = serde_json::to_string_pretty(&s).unwrap();
    let back: State = serde_json::from_str(&j).unwrap();
    // Events are not part of the snapshot: the store appends them to the history log.
    assert!(
        !j.contains("new_events") && !j.contains("incident_opened"),
        "{j}"
    );
    s.accounts
        .get_mut(DEFAULT_ACCOUNT)
        .unwrap()
        .new_events
        .clear();
    assert_eq!(back, s);
}

#[test]
fn a_false_alarm_restores_every_status_the_incident_changed() {
    let c = cl();
    let mut a = Account::new("crypto-com", t(0));
    a.check(&c, "totp-2fa", t(1)).unwrap();
    a.check(&c, "anti-phishing-code", t(1)).unwrap();
    a.skip(&c, "withdrawal-lock", "later", t(1)).unwrap();
    a.not_applicable(&c, "api-read-only", t(1)).unwrap();
    a.toggle_review_item(&c, "monthly", "m-devices", t(1), d(2026, 11, 25))
        .unwrap();
    a.reviews
        .entry("quarterly".into())
        .or_default()
        .snoozed_until = Some(d(2026, 11, 30));
    a.reviews.get_mut("quarterly").unwrap().snoozed_on = Some(d(2026, 11, 25));
    let steps_before = a.steps.clone();
    let reviews_before = a.reviews.clone();
    let id = a.open_compromise(&c, t(2)).unwrap();
    assert!(matches!(a.status("totp-2fa"), Status::Reverify { .. }));
    assert!(a.reviews["monthly"].in_progress.is_empty());
    // Re-verified during the incident: stays done (with its new time).
    a.check(&c, "anti-phishing-code", t(3)).unwrap();
    let (cancelled, restored) = a.cancel_incident("it was my own login", t(4)).unwrap();
    assert_eq!(cancelled, id);
    assert_eq!(restored, ["totp-2fa"]);
    assert_eq!(a.steps["totp-2fa"], steps_before["totp-2fa"]);
    assert_eq!(a.steps["withdrawal-lock"], steps_before["withdrawal-lock"]);
    assert_eq!(a.steps["api-read-only"], steps_before["api-read-only"]);
    assert_eq!(a.status("anti-phishing-code"), &Status::Done { at: t(3) });
    assert_eq!(a.reviews, reviews_before, "reviews as before the incident");
    assert!(a.open_incident().is_none());
    let closed = a.incidents[0].closed.as_ref().unwrap();
    assert!(closed.false_alarm);
    assert_eq!(closed.resolution, "False alarm: it was my own login");
    // History keeps both the opening and the cancellation.
    assert!(
        a.new_events.iter().any(
            |e| matches!(e.kind, EventKind::IncidentOpened { incident, .. } if incident == id)
        )
    );
    assert!(matches!(
        &a.new_events.last().unwrap().kind,
        EventKind::IncidentCancelled { incident, restored, .. } if *incident == id && restored == &["totp-2fa"]
    ));
    assert_eq!(a.cancel_incident("", t(5)), Err(OpError::NoOpenIncident));
    // A reason that is a secret is refused, and nothing changes.
    a.open_compromise(&c, t(6)).unwrap();
    let before = a.clone();
    assert!(matches!(
        a.cancel_incident("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP", t(7)),
        Err(OpError::Secret(_))
    ));
    assert_eq!(a, before);
}

#[test]
fn a_false_alarm_on_an_old_file_restores_done() {
    // Files written before the previous status was kept: a reopened step was done.
    let json = r#"{"state":"reverify","since":"2026-11-25T09:00:00Z","incident":1}"#;
    let s: Status = serde_json::from_str(json).unwrap();
    assert!(matches!(s, Status::Reverify { previous: None, .. }));
    let c = cl();
    let mut a = Account::new("crypto-com", t(0));
    a.open_compromise(&c, t(1)).unwrap();
    a.steps.insert(
        "totp-2fa".into(),
        StepState {
            status: s,
            note: None,
        },
    );
    a.cancel_incident("", t(2)).unwrap();
    assert!(a.status("totp-2fa").is_done());
}

#[test]
fn statuses_read_strictly() {
    let ok = |j: &str| serde_json::from_str::<Status>(j);
    assert_eq!(ok(r#"{"state":"todo"}"#).unwrap(), Status::Todo);
    assert!(
        ok(r#"{"state":"done","at":"2026-11-25T09:00:00Z"}"#)
            .unwrap()
            .is_done()
    );
    let r = ok(r#"{"state":"reverify","since":"2026-11-25T09:00:00Z","incident":2,"previous":{"state":"done","at":"2026-11-24T09:00:00Z"}}"#).unwrap();
    assert!(matches!(
        r,
        Status::Reverify {
            incident: 2,
            previous: Some(_),
            ..
        }
    ));
    for (bad, why) in [
        (r#"{"state":"done"}"#, "missing field `at`"),
        (
            r#"{"state":"skipped","at":"2026-11-25T09:00:00Z"}"#,
            "missing field `reason`",
        ),
        (
            r#"{"state":"todo","at":"2026-11-25T09:00:00Z"}"#,
            "unknown field `at`",
        ),
        (
            r#"{"state":"done","at":"2026-11-25T09:00:00Z","colour":1}"#,
            "unknown field `colour`",
        ),
        (r#"{"state":"finished"}"#, "unknown variant `finished`"),
        (
            r#"{"state":"done","at":"yesterday"}"#,
            "input contains invalid characters",
        ),
    ] {
        let e = ok(bad).unwrap_err().to_string();
        assert!(e.contains(why), "{bad}: {e}");
    }
    // Written as before: the tag and the variant's fields.
    let j = serde_json::to_string(&Status::Skipped {
        at: DateTime::UNIX_EPOCH,
        reason: "later".into(),
    })
    .unwrap();
    assert_eq!(
        j,
        r#"{"state":"skipped","at":"1970-01-01T00:00:00Z","reason":"later"}"#
    );
}

#[test]
fn a_former_id_moves_its_progress_but_never_overwrites_the_current_one() {
    let mut c = cl();
    c.sections[0].steps[0].aliases = vec!["old-2fa".into()];
    let first = c.sections[0].steps[0].id.clone();
    let mut a = Account::new("crypto-com", t(0));
    // Recorded under the former id only: it moves.
    a.steps.insert(
        "old-2fa".into(),
        StepState {
            status: Status::Done { at: t(1) },
            note: Some("app on phone".into()),
        },
    );
    assert_eq!(
        a.follow_aliases(&c, t(2)),
        [("old-2fa".to_string(), first.to_string())]
    );
    assert!(a.status(first.as_str()).is_done());
    assert_eq!(a.note(first.as_str()), Some("app on phone"));
    assert!(!a.steps.contains_key("old-2fa"));
    // Both have a status: the current one stays, the former one is kept (and reported).
    a.steps.insert(
        "old-2fa".into(),
        StepState {
            status: Status::Skipped {
                at: t(3),
                reason: "later".into(),
            },
            note: None,
        },
    );
    a.follow_aliases(&c, t(4));
    assert!(a.status(first.as_str()).is_done());
    assert!(matches!(a.status("old-2fa"), Status::Skipped { .. }));
    let o = a.orphans(&c);
    assert_eq!(o.len(), 1);
    assert_eq!(o[0].describe(), "old-2fa (step: skipped: later)");
    // Reported once: observing again with nothing new says nothing.
    let origin = crate::checklist::Origin::Bundled;
    assert_eq!(a.observe("a", &c, &origin, &[], t(5)).len(), 1);
    assert!(a.observe("a", &c, &origin, &[], t(6)).is_empty());
}

#[test]
fn own_events_follow_renames_and_ignore_an_earlier_holder_of_the_name() {
    let ev = |h: u32| Event {
        at: t(h),
        kind: EventKind::StepDone { step: "x".into() },
    };
    let log = std::collections::BTreeMap::from([
        // "old" held by a removed account at 1, then by this one from 2 until it was renamed
        // at 5; "new" after that.
        ("old".to_string(), vec![ev(1), ev(3), ev(4)]),
        ("new".to_string(), vec![ev(6), ev(7)]),
    ]);
    let mut a = Account::new("crypto-com", t(2));
    a.renamed("old", "new", t(5));
    let of = |n: &str| log.get(n).map_or(&[][..], |v| v.as_slice());
    let hours: Vec<_> = a
        .own_events("new", of)
        .iter()
        .map(|e| e.at.format("%H").to_string())
        .collect();
    assert_eq!(hours, ["03", "04", "06", "07"]);
    // The same rule, one event at a time (the history read backwards).
    let mut owned: Vec<_> = log
        .iter()
        .flat_map(|(n, v)| v.iter().filter(|e| a.owns("new", n, e.at)))
        .map(|e| e.at.format("%H").to_string())
        .collect();
    owned.sort();
    assert_eq!(owned, ["03", "04", "06", "07"]);
}
