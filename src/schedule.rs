//! Review scheduling (SPEC §3): next due dates on local calendar dates, due-soon window, overdue, snooze.

use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use serde::Serialize;

use crate::checklist::{Checklist, SectionKind};
use crate::state::{Account, OpError, Review};

/// How many days before the due date a review counts as "due soon".
pub const SOON_DAYS: i64 = 7;
/// Longest snooze of a reminder (only a due or overdue review can be snoozed).
pub const MAX_SNOOZE_DAYS: u64 = 7;

/// `from` plus `months` calendar months, clamped to the end of the month (Jan 31 + 1 = Feb 28/29).
pub fn add_months(from: NaiveDate, months: u32) -> NaiveDate {
    from.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// The one wording of a review interval: "monthly", "quarterly", "every N months".
pub fn interval_label(every_months: u32) -> String {
    match every_months {
        1 => "monthly".into(),
        3 => "quarterly".into(),
        12 => "yearly".into(),
        m => format!("every {m} months"),
    }
}

/// Where a review stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Due {
    /// Setup has not started: no reminders yet.
    NotStarted,
    /// Next due date in more than `SOON_DAYS` days.
    Scheduled { next: NaiveDate },
    /// Due within `SOON_DAYS` days.
    Soon { next: NaiveDate, days: i64 },
    /// Due today, never done since setup started, or forced by an incident.
    Now { next: NaiveDate },
    /// Past its due date by `days` days.
    Overdue { next: NaiveDate, days: i64 },
}

impl Due {
    pub fn next(&self) -> Option<NaiveDate> {
        match *self {
            Due::NotStarted => None,
            Due::Scheduled { next }
            | Due::Soon { next, .. }
            | Due::Now { next }
            | Due::Overdue { next, .. } => Some(next),
        }
    }

    /// True when the review should be done now (due today or overdue).
    pub fn is_due(&self) -> bool {
        matches!(self, Due::Now { .. } | Due::Overdue { .. })
    }

    pub fn describe(&self) -> String {
        match *self {
            Due::NotStarted => "starts once setup has begun".into(),
            Due::Scheduled { next } => format!("next {next}"),
            Due::Soon { next, days: 1 } => format!("due tomorrow ({next})"),
            Due::Soon { next, days } => format!("due in {days} days ({next})"),
            Due::Now { .. } => "due now".into(),
            Due::Overdue { days: 1, .. } => "overdue by 1 day".into(),
            Due::Overdue { days, .. } => format!("overdue by {days} days"),
        }
    }
}

/// The next due date of a review, if it has one: last completion + `every_months`.
pub fn next_due(review: Option<&Review>, every_months: u32) -> Option<NaiveDate> {
    review
        .and_then(Review::last)
        .map(|c| add_months(c.date, every_months))
}

/// Computes where a recurring review stands on `today`. `setup_started` is the date setup
/// started (None: not started, no reminders). A review never done is due now once setup has
/// started, and overdue once a whole interval has passed since then. An incident makes a review
/// due now, without hiding that it is overdue.
pub fn due(
    review: Option<&Review>,
    every_months: u32,
    setup_started: Option<NaiveDate>,
    today: NaiveDate,
) -> Due {
    let normal = match next_due(review, every_months) {
        Some(next) => {
            let days = (next - today).num_days();
            if days < 0 {
                Due::Overdue { next, days: -days }
            } else if days == 0 {
                Due::Now { next }
            } else if days <= SOON_DAYS {
                Due::Soon { next, days }
            } else {
                Due::Scheduled { next }
            }
        }
        None => match setup_started {
            None => Due::NotStarted,
            Some(start) => {
                let first = add_months(start, every_months);
                if today > first {
                    Due::Overdue {
                        next: first,
                        days: (today - first).num_days(),
                    }
                } else {
                    Due::Now { next: today }
                }
            }
        },
    };
    let forced = review.is_some_and(|r| r.due_now_since.is_some());
    match normal {
        Due::Overdue { .. } => normal,
        _ if forced => Due::Now { next: today },
        _ => normal,
    }
}

/// What a snooze did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snoozed {
    pub until: NaiveDate,
    /// The request was longer than [`MAX_SNOOZE_DAYS`] and was shortened to it.
    pub capped: bool,
    /// Where the review stands (the schedule itself does not move).
    pub due: Due,
}

/// The snooze policy, for the CLI and the TUI alike: only a due or overdue recurring review can
/// be snoozed, for 1 to [`MAX_SNOOZE_DAYS`] days (a longer request is capped, and says so).
/// Only the reminder moves, never the schedule.
pub fn snooze(
    account: &mut Account,
    cl: &Checklist,
    section: &str,
    days: u64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Snoozed, OpError> {
    let s = cl
        .section(section)
        .ok_or_else(|| OpError::UnknownSection(section.to_string()))?;
    let every = match (s.kind, s.every_months) {
        (SectionKind::Recurring, Some(every)) => every,
        (SectionKind::Event, _) => return Err(OpError::NoSchedule(section.to_string())),
        _ => return Err(OpError::NotReview(section.to_string())),
    };
    let state = due(
        account.reviews.get(section),
        every,
        account.setup_started_on(),
        today,
    );
    if !state.is_due() {
        return Err(OpError::NotDue {
            section: section.to_string(),
            state: state.describe(),
        });
    }
    let capped = days > MAX_SNOOZE_DAYS;
    let until = today + Days::new(days.clamp(1, MAX_SNOOZE_DAYS));
    account.set_snooze(cl, section, Some(until), now)?;
    Ok(Snoozed {
        until,
        capped,
        due: state,
    })
}

/// Undoes a snooze: the reminder shows again at once.
pub fn unsnooze(
    account: &mut Account,
    cl: &Checklist,
    section: &str,
    now: DateTime<Utc>,
) -> Result<(), OpError> {
    account.set_snooze(cl, section, None, now)
}

/// True when the reminder is hidden on `today` (the schedule is unchanged).
pub fn is_snoozed(review: Option<&Review>, today: NaiveDate) -> bool {
    review
        .and_then(|r| r.snoozed_until)
        .is_some_and(|until| today < until)
}

/// One recurring review of an account, with its state on `today`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewStatus {
    pub section: String,
    pub title: String,
    pub every_months: u32,
    pub last: Option<NaiveDate>,
    pub due: Due,
    pub snoozed: bool,
    /// Items already checked in an unfinished run / applicable items.
    pub progress: (usize, usize),
}

impl ReviewStatus {
    /// Should a reminder be shown (due or overdue and not snoozed)?
    pub fn remind(&self) -> bool {
        self.due.is_due() && !self.snoozed
    }
}

/// The reminder for one review on `today`, if one should be shown (due or overdue, not snoozed).
pub fn reminder(
    review: Option<&Review>,
    every_months: u32,
    setup_started: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<Due> {
    let d = due(review, every_months, setup_started, today);
    (d.is_due() && !is_snoozed(review, today)).then_some(d)
}

/// All recurring reviews of an account on `today`.
pub fn reviews(cl: &Checklist, account: &Account, today: NaiveDate) -> Vec<ReviewStatus> {
    let started = account.setup_started_on();
    cl.sections_of(SectionKind::Recurring)
        .map(|s| {
            let every = s.every_months.unwrap_or(1);
            let r = account.reviews.get(&s.id);
            let applicable: Vec<_> = account.applicable(s).collect();
            let done = r.map_or(0, |r| {
                applicable
                    .iter()
                    .filter(|t| r.in_progress.contains_key(&t.id))
                    .count()
            });
            ReviewStatus {
                section: s.id.clone(),
                title: s.title.clone(),
                every_months: every,
                last: r.and_then(Review::last).map(|c| c.date),
                due: due(r, every, started, today),
                snoozed: is_snoozed(r, today),
                progress: (done, applicable.len()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Completion;
    use chrono::{TimeZone, Utc};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Setup started long ago (irrelevant once a review has been completed).
    const S: Option<NaiveDate> = NaiveDate::from_ymd_opt(2020, 1, 1);

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
        assert_eq!(next_due(Some(&r), 1), Some(d(2026, 4, 5)));
        // Order of the records does not matter; the latest date wins.
        let r = done_on_all(&[d(2026, 3, 5), d(2026, 1, 31)]);
        assert_eq!(next_due(Some(&r), 1), Some(d(2026, 4, 5)));
        // 24 monthly reviews, each done on the 31st where the month has one: the schedule
        // follows the completions and never creeps towards the 28th.
        let mut dates = Vec::new();
        let mut month_end_due = Vec::new();
        for i in 0..24u32 {
            let first = add_months(d(2026, 1, 1), i);
            let last_day = add_months(first, 1) - Days::new(1);
            dates.push(last_day);
            let r = done_on_all(&dates);
            month_end_due.push(next_due(Some(&r), 1).unwrap());
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
    fn never_done_is_due_now_then_overdue_after_one_interval() {
        let start = Some(d(2026, 11, 10));
        assert_eq!(
            due(None, 1, start, d(2026, 11, 25)),
            Due::Now {
                next: d(2026, 11, 25)
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
            Due::Now {
                next: d(2026, 12, 20)
            }
        );
    }

    #[test]
    fn an_incident_makes_reviews_due_now_but_never_hides_overdue() {
        let mut r = done_on(d(2026, 7, 28));
        r.due_now_since = Some(Utc::now());
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
            next_due(Some(&done_on(d(2026, 11, 30))), 3),
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
            let next = next_due(Some(&done_on(last)), 1).unwrap();
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
            Due::Now {
                next: d(2026, 11, 25)
            }
        );
        let mut forced = r.clone();
        forced.due_now_since = Some(Utc::now());
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
        let now = chrono::Utc::now();
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
        assert_eq!(next_due(Some(&r), 1), Some(d(2026, 4, 8)));
    }

    proptest::proptest! {
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
            // a completion recorded in another time zone).
            let today = last + chrono::Duration::days(offset);
            let st = due(Some(&r), every, S, today);
            let next = add_months(last, every);
            proptest::prop_assert_eq!(st.next(), Some(next));
            proptest::prop_assert_eq!(st.is_due(), today >= next);
            if today < last {
                proptest::prop_assert!(
                    matches!(st, Due::Scheduled { .. } | Due::Soon { .. }),
                    "{:?} before the completion", st
                );
                proptest::prop_assert!(!st.is_due());
                proptest::prop_assert!(reminder(Some(&r), every, S, today).is_none());
            }
        }
    }
}
