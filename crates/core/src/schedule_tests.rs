//! Unit tests of the parent module.
use super::*;
use crate::state::Completion;
use chrono::{TimeZone, Utc};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Setup started long ago (irrelevant once a review has been completed).
const S: Option<NaiveDate> = NaiveDate::from_ymd_opt(2020, 1, 1);
/// A "today" after every completion of the tests that only look at due dates.
const FAR: NaiveDate = NaiveDate::from_ymd_opt(2100, 1, 1).unwrap();

/// The reminder shown for one review on `today`, if any: the due date through the one rule.
fn reminder(
    r: Option<&Review>,
    every: u32,
    started: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<Due> {
    let d = due(r, every, started, today);
    reminds(&d, is_snoozed(r, today)).then_some(d)
}

fn done_on_all(dates: &[NaiveDate]) -> Review {
    Review {
        completions: dates
            .iter()
            .map(|&date| Completion {
                at: Utc.from_utc_datetime(&date.and_hms_opt(12, 0, 0).unwrap()),
                date,
            })
            .collect(),
        ..Review::default()
    }
}

#[test]
fn next_due_comes_from_the_last_completion_not_the_previous_due_date() {
    // Due Feb 28 (from Jan 31), done late on Mar 5: next is Apr 5, not Mar 28 or Mar 31.
    let r = done_on_all(&[d(2026, 1, 31), d(2026, 3, 5)]);
    assert_eq!(next_due(Some(&r), 1, FAR), Some(d(2026, 4, 5)));
    // Order of the records does not matter; the latest date wins.
    let r = done_on_all(&[d(2026, 3, 5), d(2026, 1, 31)]);
    assert_eq!(next_due(Some(&r), 1, FAR), Some(d(2026, 4, 5)));
    // 24 monthly reviews, each done on the 31st where the month has one: the schedule
    // follows the completions and never creeps towards the 28th.
    let mut dates = Vec::new();
    let mut month_end_due = Vec::new();
    for i in 0..24u32 {
        let first = add_months(d(2026, 1, 1), i);
        let last_day = add_months(first, 1) - Days::new(1);
        dates.push(last_day);
        let r = done_on_all(&dates);
        month_end_due.push(next_due(Some(&r), 1, FAR).unwrap());
    }
    use chrono::Datelike;
    for (i, due) in month_end_due.iter().enumerate() {
        let done = dates[i];
        assert_eq!(*due, add_months(done, 1), "step {i}");
        if done.day() == 31 && add_months(d(2026, 1, 1), i as u32 + 1).month() != 2 {
            // e.g. done Jan 31 -> due Feb 28; done Mar 31 -> due Apr 30; done Jul 31 -> Aug 31
            assert!(due.day() >= 30, "step {i}: {due}");
        }
    }
    assert_eq!(month_end_due[23], d(2028, 1, 31));
}

#[test]
fn never_done_is_first_due_one_interval_after_setup_started() {
    let start = Some(d(2026, 11, 10));
    // Five minutes into setup: nothing is due.
    assert_eq!(
        due(None, 1, start, d(2026, 11, 10)),
        Due::Scheduled {
            next: d(2026, 12, 10)
        }
    );
    assert_eq!(
        due(None, 1, start, d(2026, 12, 3)),
        Due::Soon {
            next: d(2026, 12, 10),
            days: 7
        }
    );
    assert_eq!(
        due(None, 1, start, d(2026, 12, 10)),
        Due::Now {
            next: d(2026, 12, 10)
        }
    );
    assert_eq!(
        due(None, 1, start, d(2026, 12, 20)),
        Due::Overdue {
            next: d(2026, 12, 10),
            days: 10
        }
    );
    assert_eq!(
        due(None, 3, start, d(2026, 12, 20)),
        Due::Scheduled {
            next: d(2027, 2, 10)
        }
    );
    // An empty review record (e.g. items checked, never completed) counts as never done.
    assert_eq!(
        due(Some(&Review::default()), 3, start, d(2027, 2, 11)),
        Due::Overdue {
            next: d(2027, 2, 10),
            days: 1
        }
    );
    assert_eq!(due(None, 3, None, d(2027, 2, 11)), Due::NotStarted);
}

#[test]
fn a_completion_dated_after_today_is_ignored_and_flagged() {
    // Done on 2026-10-20, then "done" on 2030-01-01 under a wrong clock.
    let r = done_on_all(&[d(2026, 10, 20), d(2030, 1, 1)]);
    let today = d(2026, 11, 25);
    assert_eq!(
        last_completion(Some(&r), today).unwrap().date,
        d(2026, 10, 20)
    );
    assert_eq!(next_due(Some(&r), 1, today), Some(d(2026, 11, 20)));
    assert_eq!(
        due(Some(&r), 1, S, today),
        Due::Overdue {
            next: d(2026, 11, 20),
            days: 5
        },
        "the 2030 record does not hide the reminder"
    );
    assert!(reminder(Some(&r), 1, S, today).is_some());
    let w = clock_warning(Some(&r), S, today).unwrap();
    assert_eq!(
        w,
        ClockWarning {
            records: 1,
            latest: d(2030, 1, 1)
        }
    );
    assert_eq!(
        w.describe(),
        "1 record dated after today (up to 2030-01-01) ignored: check the computer's clock"
    );
    // Once the clock reaches it, it counts like any other completion.
    assert_eq!(next_due(Some(&r), 1, d(2030, 1, 1)), Some(d(2030, 2, 1)));
    assert_eq!(clock_warning(Some(&r), S, d(2030, 1, 1)), None);
    // Only future records: the schedule runs from setup start as if never done.
    let only_future = done_on(d(2030, 1, 1));
    assert_eq!(
        due(Some(&only_future), 3, Some(d(2026, 11, 1)), today),
        Due::Scheduled {
            next: d(2027, 2, 1)
        }
    );
}

#[test]
fn a_snooze_set_after_today_is_ignored_and_flagged() {
    let mut r = done_on(d(2026, 10, 20));
    let today = d(2026, 11, 25);
    // A snooze lasts at most a week: one ending on 2030-01-08 was set in 2030.
    r.snoozed_until = Some(d(2030, 1, 8));
    assert!(!is_snoozed(Some(&r), today));
    assert!(reminder(Some(&r), 1, S, today).is_some());
    assert_eq!(clock_warning(Some(&r), S, today).unwrap().records, 1);
    // A week is fine.
    r.snoozed_until = Some(today + Days::new(MAX_SNOOZE_DAYS));
    assert!(is_snoozed(Some(&r), today));
    assert_eq!(clock_warning(Some(&r), S, today), None);
    r.snoozed_until = Some(today + Days::new(MAX_SNOOZE_DAYS + 1));
    assert!(!is_snoozed(Some(&r), today));
    // Two kinds of future records add up.
    r.completions.push(Completion {
        at: Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap(),
        date: d(2031, 5, 5),
    });
    assert_eq!(
        clock_warning(Some(&r), S, today),
        Some(ClockWarning {
            records: 2,
            latest: d(2031, 5, 5)
        })
    );
}

#[test]
fn a_setup_start_dated_after_today_makes_a_review_never_done_due_now() {
    let today = d(2026, 11, 25);
    let start = Some(d(2030, 1, 1));
    assert_eq!(due(None, 1, start, today), Due::Now { next: today });
    assert_eq!(
        clock_warning(None, start, today).unwrap().latest,
        d(2030, 1, 1)
    );
    // Once the review is done, the setup start no longer matters.
    let r = done_on(d(2026, 11, 20));
    assert_eq!(
        due(Some(&r), 1, start, today),
        Due::Scheduled {
            next: d(2026, 12, 20)
        }
    );
    assert_eq!(clock_warning(Some(&r), start, today), None);
}

#[test]
fn long_overdue_uses_the_reviews_own_interval() {
    // Monthly, due 2026-01-31: the next interval ends 2026-02-28.
    let r = done_on(d(2025, 12, 31));
    let st = |today| due(Some(&r), 1, S, today);
    assert!(!st(d(2026, 2, 28)).overdue_more_than_interval(1));
    assert!(st(d(2026, 3, 1)).overdue_more_than_interval(1));
    // Quarterly, due 2026-03-31: more than a quarter late from 2026-07-01 (not 90 days).
    let r = done_on(d(2025, 12, 31));
    let st = |today| due(Some(&r), 3, S, today);
    assert_eq!(
        st(d(2026, 6, 30)),
        Due::Overdue {
            next: d(2026, 3, 31),
            days: 91
        }
    );
    assert!(!st(d(2026, 6, 30)).overdue_more_than_interval(3));
    assert!(st(d(2026, 7, 1)).overdue_more_than_interval(3));
    assert!(
        !Due::Now {
            next: d(2026, 1, 1)
        }
        .overdue_more_than_interval(1)
    );
    assert!(!Due::NotStarted.overdue_more_than_interval(1));
}

#[test]
fn an_incident_makes_reviews_due_now_but_never_hides_overdue() {
    let mut r = done_on(d(2026, 7, 28));
    r.due_now_since = Some(Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap());
    // Not yet due on its own: due now because of the incident.
    assert_eq!(
        due(Some(&r), 3, S, d(2026, 8, 10)),
        Due::Now {
            next: d(2026, 8, 10)
        }
    );
    // Months later it is plainly overdue, incident flag or not.
    assert_eq!(
        due(Some(&r), 1, S, d(2026, 11, 25)),
        Due::Overdue {
            next: d(2026, 8, 28),
            days: 89
        }
    );
}

fn done_on(date: NaiveDate) -> Review {
    done_on_all(&[date])
}

#[test]
fn month_end_clamping_leap_and_non_leap() {
    assert_eq!(add_months(d(2024, 1, 31), 1), d(2024, 2, 29));
    assert_eq!(add_months(d(2025, 1, 31), 1), d(2025, 2, 28));
    assert_eq!(add_months(d(2026, 1, 31), 1), d(2026, 2, 28));
    assert_eq!(add_months(d(2028, 1, 31), 1), d(2028, 2, 29));
    assert_eq!(
        add_months(d(2100, 1, 31), 1),
        d(2100, 2, 28),
        "2100 is not a leap year"
    );
}

#[test]
fn quarterly_from_november_30() {
    assert_eq!(add_months(d(2026, 11, 30), 3), d(2027, 2, 28));
    assert_eq!(add_months(d(2027, 11, 30), 3), d(2028, 2, 29));
    assert_eq!(
        next_due(Some(&done_on(d(2026, 11, 30))), 3, FAR),
        Some(d(2027, 2, 28))
    );
}

#[test]
fn no_drift_over_24_steps() {
    // Always computed from the last completion: completing on each due date from Jan 31
    // must give Feb 28, Mar 28, ... (the user completed on the 28th), while computing from the
    // original anchor never drifts: 24 months after Jan 31 is Jan 31.
    assert_eq!(add_months(d(2026, 1, 31), 24), d(2028, 1, 31));
    let mut naive = d(2026, 1, 31);
    for _ in 0..24 {
        naive = add_months(naive, 1);
    }
    assert_eq!(
        naive,
        d(2028, 1, 28),
        "repeated +1 month drifts to the 28th"
    );
    // Each due date is computed from the completion actually recorded.
    let mut last = d(2026, 1, 31);
    for i in 1..=24u32 {
        let next = next_due(Some(&done_on(last)), 1, FAR).unwrap();
        assert_eq!(next, add_months(last, 1), "step {i}");
        // The user completes on the due date but, on odd steps, a day late.
        last = if i % 2 == 1 {
            next + Days::new(1)
        } else {
            next
        };
    }
}

#[test]
fn states_over_time() {
    let r = done_on(d(2026, 10, 20));
    assert_eq!(
        due(Some(&r), 1, S, d(2026, 11, 1)),
        Due::Scheduled {
            next: d(2026, 11, 20)
        }
    );
    assert_eq!(
        due(Some(&r), 1, S, d(2026, 11, 13)),
        Due::Soon {
            next: d(2026, 11, 20),
            days: 7
        }
    );
    assert_eq!(
        due(Some(&r), 1, S, d(2026, 11, 20)),
        Due::Now {
            next: d(2026, 11, 20)
        }
    );
    assert_eq!(
        due(Some(&r), 1, S, d(2026, 11, 25)),
        Due::Overdue {
            next: d(2026, 11, 20),
            days: 5
        }
    );
    assert_eq!(
        due(Some(&r), 1, S, d(2026, 11, 25)).describe(),
        "overdue by 5 days"
    );
    assert_eq!(due(None, 1, None, d(2026, 11, 25)), Due::NotStarted);
    assert_eq!(
        due(None, 3, Some(d(2026, 11, 25)), d(2026, 11, 25)),
        Due::Scheduled {
            next: d(2027, 2, 25)
        }
    );
    let mut forced = r.clone();
    forced.due_now_since = Some(Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap());
    assert!(due(Some(&forced), 1, S, d(2026, 11, 1)).is_due());
}

#[test]
fn one_live_instance_no_backlog() {
    // Missing three months gives one overdue review, not three.
    let r = done_on(d(2026, 1, 10));
    let s = due(Some(&r), 1, S, d(2026, 5, 10));
    assert_eq!(
        s,
        Due::Overdue {
            next: d(2026, 2, 10),
            days: 89
        }
    );
    // Completing it once schedules from the completion.
    let r2 = done_on(d(2026, 5, 10));
    assert_eq!(
        due(Some(&r2), 1, S, d(2026, 5, 10)),
        Due::Scheduled {
            next: d(2026, 6, 10)
        }
    );
}

#[test]
fn snooze_policy_only_due_reviews_at_most_a_week() {
    use crate::checklist::{BUNDLED, parse};
    let cl = parse("crypto-com.json", BUNDLED[0].1).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    let mut a = Account::new("crypto-com", now);
    a.complete_review(&cl, "monthly", now, d(2026, 10, 20))
        .unwrap();
    // Not due yet (due 2026-11-20): refused, with where it stands.
    let e = snooze(&mut a, &cl, "monthly", 3, d(2026, 11, 15), now).unwrap_err();
    assert!(matches!(e, OpError::NotDue { .. }), "{e}");
    assert!(e.to_string().contains("due in 5 days"), "{e}");
    // Overdue: a long request is capped at a week and says so.
    let today = d(2026, 11, 25);
    let before = due(a.reviews.get("monthly"), 1, S, today);
    let s = snooze(&mut a, &cl, "monthly", 30, today, now).unwrap();
    assert_eq!((s.until, s.capped), (d(2026, 12, 2), true));
    let s = snooze(&mut a, &cl, "monthly", 0, today, now).unwrap();
    assert_eq!(
        (s.until, s.capped),
        (d(2026, 11, 26), false),
        "at least a day"
    );
    let r = a.reviews.get("monthly");
    assert!(is_snoozed(r, today));
    assert!(!is_snoozed(r, d(2026, 11, 26)));
    assert_eq!(due(r, 1, S, today), before, "schedule unchanged");
    // Undo shows the reminder again; undoing twice is an error that says so.
    unsnooze(&mut a, &cl, "monthly", now).unwrap();
    assert!(!is_snoozed(a.reviews.get("monthly"), today));
    assert!(matches!(
        unsnooze(&mut a, &cl, "monthly", now),
        Err(OpError::NotSnoozed(_))
    ));
    // Event re-checks have no schedule; setup sections are not reviews.
    assert!(matches!(
        snooze(&mut a, &cl, "after-integration", 1, today, now),
        Err(OpError::NoSchedule(_))
    ));
    assert!(matches!(
        snooze(&mut a, &cl, "essentials", 1, today, now),
        Err(OpError::NotReview(_))
    ));
}

#[test]
fn dates_are_local_dates_so_tz_does_not_matter() {
    // The completion's local date is stored; whatever TZ the process runs in, the schedule is
    // computed from that date. (tests/cli.rs also runs `lockstep due` under TZ=America/New_York
    // and TZ=Australia/Lord_Howe across DST changes.)
    let c = Completion {
        at: Utc.with_ymd_and_hms(2026, 3, 8, 6, 30, 0).unwrap(), // 01:30 EST on DST day
        date: d(2026, 3, 8),
    };
    let r = Review {
        completions: vec![c],
        ..Review::default()
    };
    assert_eq!(next_due(Some(&r), 1, FAR), Some(d(2026, 4, 8)));
}

#[test]
fn a_record_dated_tomorrow_counts_a_record_two_days_ahead_is_from_a_wrong_clock() {
    // Recorded at UTC+14, read at UTC-11: the local date of a review done minutes ago is
    // "tomorrow". It counts like any completion, unflagged.
    let today = d(2027, 1, 31);
    assert_eq!(DATE_TOLERANCE_DAYS, 1);
    assert!(!from_wrong_clock(d(2027, 2, 1), today));
    assert!(from_wrong_clock(d(2027, 2, 2), today));
    let r = done_on(d(2027, 2, 1));
    assert_eq!(
        last_completion(Some(&r), today).unwrap().date,
        d(2027, 2, 1)
    );
    assert_eq!(
        due(Some(&r), 1, S, today),
        Due::Scheduled {
            next: d(2027, 3, 1)
        }
    );
    assert_eq!(reminder(Some(&r), 1, S, today), None);
    assert_eq!(clock_warning(Some(&r), S, today), None);
    // Two days ahead: ignored and flagged.
    let r = done_on(d(2027, 2, 2));
    assert_eq!(last_completion(Some(&r), today), None);
    assert!(due(Some(&r), 1, S, today).is_due());
    assert_eq!(
        clock_warning(Some(&r), S, today),
        Some(ClockWarning {
            records: 1,
            latest: d(2027, 2, 2)
        })
    );
    // The setup start alike: tomorrow is a setup that just began; later is a wrong clock.
    let tomorrow = Some(d(2027, 2, 1));
    assert_eq!(
        due(None, 1, tomorrow, today),
        Due::Scheduled {
            next: d(2027, 3, 1)
        }
    );
    assert_eq!(clock_warning(None, tomorrow, today), None);
    let later = Some(d(2027, 2, 2));
    assert_eq!(due(None, 1, later, today), Due::Now { next: today });
    assert_eq!(
        clock_warning(None, later, today).unwrap().latest,
        d(2027, 2, 2)
    );
}

fn snoozed(on: Option<NaiveDate>, until: NaiveDate) -> Review {
    Review {
        snoozed_on: on,
        snoozed_until: Some(until),
        ..done_on(d(2027, 1, 1))
    }
}

#[test]
fn a_snooze_set_after_today_is_ignored_and_flagged_even_when_it_ends_within_a_week() {
    // Set for 3 days under a clock 4 days fast: ends 2027-03-13, a week from today.
    let today = d(2027, 3, 6);
    let r = snoozed(Some(d(2027, 3, 10)), d(2027, 3, 13));
    assert_eq!(
        snooze_state(Some(&r), today),
        SnoozeState::Ignored {
            dated: d(2027, 3, 10)
        }
    );
    assert!(!is_snoozed(Some(&r), today));
    assert!(
        reminder(Some(&r), 1, S, today).is_some(),
        "overdue, never silenced"
    );
    assert_eq!(
        clock_warning(Some(&r), S, today),
        Some(ClockWarning {
            records: 1,
            latest: d(2027, 3, 10)
        })
    );
    // Once the clock reaches it (less the tolerance), it counts.
    assert!(is_snoozed(Some(&r), d(2027, 3, 9)));
    assert_eq!(clock_warning(Some(&r), S, d(2027, 3, 9)), None);
    // Set "tomorrow" (a time-zone move west), a week long: counts, unflagged.
    let r = snoozed(Some(d(2027, 3, 7)), d(2027, 3, 14));
    assert_eq!(
        snooze_state(Some(&r), today),
        SnoozeState::Until(d(2027, 3, 14))
    );
    assert_eq!(clock_warning(Some(&r), S, today), None);
    assert_eq!(reminder(Some(&r), 1, S, today), None);
    // Longer than a snooze can be: ignored; flagged while it would hide the reminder.
    let r = snoozed(Some(d(2027, 3, 6)), d(2027, 3, 14));
    assert_eq!(
        snooze_state(Some(&r), today),
        SnoozeState::Ignored {
            dated: d(2027, 3, 14)
        }
    );
    assert_eq!(snooze_state(Some(&r), d(2027, 3, 14)), SnoozeState::None);
    assert_eq!(clock_warning(Some(&r), S, d(2027, 3, 14)), None);
    // Ended: nothing.
    let r = snoozed(Some(d(2027, 3, 1)), d(2027, 3, 6));
    assert_eq!(snooze_state(Some(&r), today), SnoozeState::None);
}

#[test]
fn a_snooze_without_its_date_keeps_the_previous_rule() {
    // Files written before the date was kept: a snooze ending at most a week from today counts.
    let today = d(2027, 3, 6);
    let r = snoozed(None, d(2027, 3, 13));
    assert!(is_snoozed(Some(&r), today));
    assert_eq!(clock_warning(Some(&r), S, today), None);
    let r = snoozed(None, d(2027, 3, 14));
    assert!(!is_snoozed(Some(&r), today));
    assert_eq!(
        clock_warning(Some(&r), S, today).unwrap().latest,
        d(2027, 3, 14)
    );
    // Such a file still loads.
    let r: Review =
        serde_json::from_str(r#"{"completions":[],"snoozed_until":"2027-03-13"}"#).unwrap();
    assert_eq!(
        (r.snoozed_on, r.snoozed_until),
        (None, Some(d(2027, 3, 13)))
    );
    assert!(
        !serde_json::to_string(&r).unwrap().contains("snoozed_on"),
        "no date invented"
    );
}

#[test]
fn snoozing_records_the_day_and_undo_or_completion_clears_it() {
    use crate::checklist::{BUNDLED, parse};
    let cl = parse("crypto-com.json", BUNDLED[0].1).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    let mut a = Account::new("crypto-com", now);
    a.complete_review(&cl, "monthly", now, d(2026, 10, 20))
        .unwrap();
    let today = d(2026, 11, 25);
    snooze(&mut a, &cl, "monthly", 3, today, now).unwrap();
    let r = &a.reviews["monthly"];
    assert_eq!(
        (r.snoozed_on, r.snoozed_until),
        (Some(today), Some(d(2026, 11, 28)))
    );
    assert!(matches!(
        &a.new_events.last().unwrap().kind,
        crate::state::EventKind::ReviewSnoozed { on: Some(on), .. } if *on == today
    ));
    unsnooze(&mut a, &cl, "monthly", now).unwrap();
    let r = &a.reviews["monthly"];
    assert_eq!((r.snoozed_on, r.snoozed_until), (None, None));
    snooze(&mut a, &cl, "monthly", 3, today, now).unwrap();
    a.complete_review(&cl, "monthly", now, today).unwrap();
    let r = &a.reviews["monthly"];
    assert_eq!((r.snoozed_on, r.snoozed_until), (None, None));
}

proptest::proptest! {
    #[test]
    fn a_record_counts_unless_more_than_the_tolerance_ahead(offset in -400i64..400, every in 1u32..=12) {
        let today = d(2027, 6, 15);
        let date = today + chrono::Duration::days(offset);
        let r = done_on(date);
        let wrong = offset > DATE_TOLERANCE_DAYS;
        proptest::prop_assert_eq!(from_wrong_clock(date, today), wrong);
        proptest::prop_assert_eq!(last_completion(Some(&r), today).is_none(), wrong);
        proptest::prop_assert_eq!(clock_warning(Some(&r), S, today).is_some(), wrong);
        let next = due(Some(&r), every, S, today).next();
        if wrong {
            proptest::prop_assert_eq!(next, Some(add_months(S.unwrap(), every)));
        } else {
            proptest::prop_assert_eq!(next, Some(add_months(date, every)));
        }
        // The setup start of a review never done follows the same rule.
        proptest::prop_assert_eq!(clock_warning(None, Some(date), today).is_some(), wrong);
        if wrong {
            proptest::prop_assert_eq!(due(None, every, Some(date), today), Due::Now { next: today });
        }
    }

    #[test]
    fn a_snooze_hides_a_reminder_only_when_set_by_a_right_clock(
        on_offset in -20i64..20,
        length in -3i64..15,
        with_date in proptest::bool::ANY,
    ) {
        let today = d(2027, 6, 15);
        let on = today + chrono::Duration::days(on_offset);
        let until = on + chrono::Duration::days(length);
        let r = snoozed(with_date.then_some(on), until);
        let counts = if with_date {
            on_offset <= DATE_TOLERANCE_DAYS && length <= MAX_SNOOZE_DAYS as i64
        } else {
            (until - today).num_days() <= MAX_SNOOZE_DAYS as i64
        };
        let hidden = counts && today < until;
        proptest::prop_assert_eq!(is_snoozed(Some(&r), today), hidden);
        // Overdue (done 2027-01-01): the reminder shows unless the snooze counts.
        proptest::prop_assert_eq!(reminder(Some(&r), 1, S, today).is_none(), hidden);
        let flagged = clock_warning(Some(&r), S, today);
        // Never hidden and flagged at once; a snooze set after today is always flagged.
        proptest::prop_assert!(!(hidden && flagged.is_some()));
        if with_date && on_offset > DATE_TOLERANCE_DAYS {
            proptest::prop_assert_eq!(flagged, Some(ClockWarning { records: 1, latest: on }));
        }
        // An ignored snooze that would still hide the reminder is always explained.
        if !counts && today < until {
            proptest::prop_assert!(flagged.is_some());
        }
    }

    #[test]
    fn add_months_is_clamped_and_monotonic(y in 1990i32..2200, m in 1u32..=12, day in 1u32..=31, k in 0u32..120) {
        let Some(start) = NaiveDate::from_ymd_opt(y, m, day) else { return Ok(()); };
        let next = add_months(start, k);
        proptest::prop_assert!(next >= start);
        use chrono::Datelike;
        let months = (next.year() - start.year()) * 12 + next.month() as i32 - start.month() as i32;
        proptest::prop_assert_eq!(months, k as i32);
        proptest::prop_assert!(next.day() <= start.day());
        if next.day() < start.day() {
            // clamped: it is the last day of its month
            proptest::prop_assert_eq!((next + Days::new(1)).day(), 1);
        }
    }

    #[test]
    fn due_is_consistent(offset in -400i64..400, every in 1u32..=12) {
        let last = d(2026, 1, 31);
        let r = done_on(last);
        // Negative offsets too: `today` may lie before the last completion (clock set back,
        // a completion recorded under a wrong clock).
        let today = last + chrono::Duration::days(offset);
        let st = due(Some(&r), every, S, today);
        if (last - today).num_days() > DATE_TOLERANCE_DAYS {
            // The completion is from a wrong clock: ignored (the schedule runs from setup start,
            // long ago, so the review is overdue) and flagged.
            let first = add_months(S.unwrap(), every);
            proptest::prop_assert_eq!(st.next(), Some(first));
            proptest::prop_assert!(st.is_due());
            proptest::prop_assert!(reminder(Some(&r), every, S, today).is_some());
            proptest::prop_assert_eq!(
                clock_warning(Some(&r), S, today),
                Some(ClockWarning { records: 1, latest: last })
            );
        } else {
            let next = add_months(last, every);
            proptest::prop_assert_eq!(st.next(), Some(next));
            proptest::prop_assert_eq!(st.is_due(), today >= next);
            proptest::prop_assert_eq!(clock_warning(Some(&r), S, today), None);
        }
    }
}
