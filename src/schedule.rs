//! Review scheduling: next due dates on local calendar dates, due-soon window, overdue, snooze,
//! and the records a wrong clock dated in the future (ignored for scheduling, and flagged).

use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use serde::Serialize;

use crate::checklist::{Checklist, SectionKind};
use crate::state::{Account, Completion, OpError, Review};

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

/// The latest completion dated on or before `today`. A completion dated after `today` was
/// recorded while the clock was wrong: it is ignored for scheduling (and flagged, see
/// [`clock_warning`]), so it can never hide a reminder.
pub fn last_completion(review: Option<&Review>, today: NaiveDate) -> Option<&Completion> {
    review?
        .completions
        .iter()
        .filter(|c| c.date <= today)
        .max_by_key(|c| (c.date, c.at))
}

/// The next due date of a review from its completions: the latest completion not after `today`
/// plus `every_months`. None when it was never done (or only "done" in the future).
pub fn next_due(review: Option<&Review>, every_months: u32, today: NaiveDate) -> Option<NaiveDate> {
    last_completion(review, today).map(|c| add_months(c.date, every_months))
}

/// When a review is due on `today`, before an incident is taken into account: one interval after
/// the latest completion not in the future; never done, one interval after setup started. None
/// when setup has not started. A setup start dated after `today` (a wrong clock) makes a review
/// never done due today, rather than silent until that date.
fn scheduled_date(
    review: Option<&Review>,
    every_months: u32,
    setup_started: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    match next_due(review, every_months, today) {
        Some(next) => Some(next),
        None => setup_started.map(|start| {
            if start > today {
                today
            } else {
                add_months(start, every_months)
            }
        }),
    }
}

/// Where a review dated `next` stands on `today`.
fn classify(next: NaiveDate, today: NaiveDate) -> Due {
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

/// Computes where a recurring review stands on `today`. `setup_started` is the local date setup
/// started (None: not started, no reminders). A review is due one interval after its latest
/// completion that is not in the future; a review never done is first due one interval after
/// setup started (nothing is due minutes into setup) and overdue after that date. An incident
/// makes a review due now, without hiding that it is overdue.
pub fn due(
    review: Option<&Review>,
    every_months: u32,
    setup_started: Option<NaiveDate>,
    today: NaiveDate,
) -> Due {
    let normal = match scheduled_date(review, every_months, setup_started, today) {
        Some(next) => classify(next, today),
        None => Due::NotStarted,
    };
    let forced = review.is_some_and(|r| r.due_now_since.is_some());
    match normal {
        Due::Overdue { .. } => normal,
        _ if forced => Due::Now { next: today },
        _ => normal,
    }
}

impl Due {
    /// True when overdue by more than the review's own interval: today is past the due date plus
    /// `every_months` (e.g. a monthly review due Jan 31 is that late from Mar 1 on).
    pub fn overdue_more_than_interval(&self, every_months: u32) -> bool {
        match *self {
            Due::Overdue { next, days } => {
                let interval = add_months(next, every_months) - next;
                days > interval.num_days()
            }
            _ => false,
        }
    }
}

/// Records of a review dated after today (recorded while the clock was wrong): ignored for
/// scheduling, and shown wherever the review is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClockWarning {
    /// How many records are dated after today (completions, a snooze, the setup start).
    pub records: usize,
    /// The latest of their dates.
    pub latest: NaiveDate,
}

impl ClockWarning {
    pub fn describe(&self) -> String {
        let what = if self.records == 1 {
            "1 record dated after today".to_string()
        } else {
            format!("{} records dated after today", self.records)
        };
        format!(
            "{what} (up to {}) ignored: check the computer's clock",
            self.latest
        )
    }
}

/// What of a review was recorded "in the future": completions dated after `today`, a snooze
/// that ends more than [`MAX_SNOOZE_DAYS`] after `today` (so it was set after today), and, for a
/// review never done since, a setup start dated after `today`.
pub fn clock_warning(
    review: Option<&Review>,
    setup_started: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<ClockWarning> {
    let mut dates: Vec<NaiveDate> = Vec::new();
    if let Some(r) = review {
        dates.extend(r.completions.iter().map(|c| c.date).filter(|d| *d > today));
        dates.extend(r.snoozed_until.filter(|u| snooze_from_future(*u, today)));
    }
    if last_completion(review, today).is_none() {
        dates.extend(setup_started.filter(|s| *s > today));
    }
    dates.iter().max().map(|&latest| ClockWarning {
        records: dates.len(),
        latest,
    })
}

/// A snooze ending `until` was set after `today` (a snooze lasts at most [`MAX_SNOOZE_DAYS`]).
fn snooze_from_future(until: NaiveDate, today: NaiveDate) -> bool {
    (until - today).num_days() > MAX_SNOOZE_DAYS as i64
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

/// True when the reminder is hidden on `today` (the schedule is unchanged). A snooze that ends
/// more than [`MAX_SNOOZE_DAYS`] after `today` was set under a wrong clock: it is ignored.
pub fn is_snoozed(review: Option<&Review>, today: NaiveDate) -> bool {
    review
        .and_then(|r| r.snoozed_until)
        .is_some_and(|until| today < until && !snooze_from_future(until, today))
}

/// One recurring review of an account, with its state on `today`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewStatus {
    pub section: String,
    pub title: String,
    pub every_months: u32,
    /// The latest completion not dated after today.
    pub last: Option<NaiveDate>,
    pub due: Due,
    pub snoozed: bool,
    /// Records dated after today, ignored for scheduling (None when there are none).
    pub clock_warning: Option<ClockWarning>,
    /// Items already checked in an unfinished run / applicable items.
    pub progress: (usize, usize),
}

impl ReviewStatus {
    /// Should a reminder be shown (due or overdue and not snoozed)?
    pub fn remind(&self) -> bool {
        self.due.is_due() && !self.snoozed
    }

    /// Overdue by more than its own interval (the score's heavier penalty).
    pub fn long_overdue(&self) -> bool {
        self.due.overdue_more_than_interval(self.every_months)
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
                last: last_completion(r, today).map(|c| c.date),
                due: due(r, every, started, today),
                snoozed: is_snoozed(r, today),
                clock_warning: clock_warning(r, started, today),
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
    /// A "today" after every completion of the tests that only look at due dates.
    const FAR: NaiveDate = NaiveDate::from_ymd_opt(2100, 1, 1).unwrap();

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
            at: Utc::now(),
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
        assert_eq!(next_due(Some(&r), 1, FAR), Some(d(2026, 4, 8)));
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
            // a completion recorded under a wrong clock).
            let today = last + chrono::Duration::days(offset);
            let st = due(Some(&r), every, S, today);
            if today < last {
                // The completion is in the future: ignored (the schedule runs from setup start,
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
}
