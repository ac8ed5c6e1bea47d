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
#[path = "schedule_tests.rs"]
mod tests;
