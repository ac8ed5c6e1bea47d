//! Review scheduling: next due dates on local calendar dates, due-soon window, overdue, snooze,
//! and the records a wrong clock dated in the future (ignored for scheduling, and flagged).

use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use serde::Serialize;

use crate::checklist::{Checklist, SectionKind, former_ids};
use crate::ids::SectionId;
use crate::state::{Account, Completion, OpError, Review};

/// How many days before the due date a review counts as "due soon".
pub const SOON_DAYS: i64 = 7;
/// Longest snooze of a reminder (only a due or overdue review can be snoozed).
pub const MAX_SNOOZE_DAYS: u64 = 7;
/// How many days after today a record may be dated and still count as made by a right clock.
/// Records keep the user's local date, and one instant has local dates up to 26 hours apart
/// around the world (UTC+14 to UTC-12): after moving west, a review finished minutes ago can be
/// dated "tomorrow". Only a record dated further ahead was made under a wrong clock. (Between the
/// two extreme zones, in the last hour or two before the user's midnight, a just-made record can
/// be two days ahead: it is flagged until that midnight, never hidden.)
pub const DATE_TOLERANCE_DAYS: i64 = 1;

/// True when a record dated `date` was made under a clock running ahead: it lies more than
/// [`DATE_TOLERANCE_DAYS`] after `today`. Such records are ignored for scheduling and flagged.
pub fn from_wrong_clock(date: NaiveDate, today: NaiveDate) -> bool {
    (date - today).num_days() > DATE_TOLERANCE_DAYS
}

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

/// The latest completion not from a wrong clock (dated at most [`DATE_TOLERANCE_DAYS`] after
/// `today`). A completion dated further ahead was recorded while the clock was wrong: it is
/// ignored for scheduling (and flagged, see [`clock_warning`]), so it can never hide a reminder.
pub fn last_completion(review: Option<&Review>, today: NaiveDate) -> Option<&Completion> {
    review?
        .completions
        .iter()
        .filter(|c| !from_wrong_clock(c.date, today))
        .max_by_key(|c| (c.date, c.at))
}

/// The next due date of a review from its completions: the latest completion not from a wrong
/// clock plus `every_months`. None when it was never done (or only "done" under a wrong clock).
pub fn next_due(review: Option<&Review>, every_months: u32, today: NaiveDate) -> Option<NaiveDate> {
    last_completion(review, today).map(|c| add_months(c.date, every_months))
}

/// When a review is due on `today`, before an incident is taken into account: one interval after
/// the latest completion not from a wrong clock; never done, one interval after setup started. None
/// when setup has not started. A setup start from a wrong clock (see [`from_wrong_clock`]) makes
/// a review never done due today, rather than silent until that date.
fn scheduled_date(
    review: Option<&Review>,
    every_months: u32,
    setup_started: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    match next_due(review, every_months, today) {
        Some(next) => Some(next),
        None => setup_started.map(|start| {
            if from_wrong_clock(start, today) {
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
/// completion not from a wrong clock; a review never done is first due one interval after
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

/// Records of a review from a wrong clock (dated more than [`DATE_TOLERANCE_DAYS`] after today):
/// ignored for scheduling, and shown wherever the review is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClockWarning {
    /// How many records are from a wrong clock (completions, a snooze, the setup start).
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

/// What of a review was recorded under a wrong clock (see [`from_wrong_clock`]): completions, a
/// snooze that is ignored (see [`snooze_state`]), and, for a review never done since, the setup
/// start.
pub fn clock_warning(
    review: Option<&Review>,
    setup_started: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<ClockWarning> {
    let mut dates: Vec<NaiveDate> = Vec::new();
    if let Some(r) = review {
        dates.extend(
            r.completions
                .iter()
                .map(|c| c.date)
                .filter(|d| from_wrong_clock(*d, today)),
        );
    }
    if let SnoozeState::Ignored { dated } = snooze_state(review, today) {
        dates.push(dated);
    }
    if last_completion(review, today).is_none() {
        dates.extend(setup_started.filter(|s| from_wrong_clock(*s, today)));
    }
    dates.iter().max().map(|&latest| ClockWarning {
        records: dates.len(),
        latest,
    })
}

/// Where a review's snooze stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnoozeState {
    /// No snooze, or one that has ended.
    None,
    /// The reminder is hidden until this date.
    Until(NaiveDate),
    /// A snooze recorded under a wrong clock (or longer than a snooze can be): ignored, and
    /// flagged with the date it carries after today.
    Ignored { dated: NaiveDate },
}

/// The one rule for a snooze. With the date it was set (`snoozed_on`), it counts when that date
/// is not from a wrong clock and it lasts at most [`MAX_SNOOZE_DAYS`]. Without it (files written
/// before it was kept), it counts when it ends at most [`MAX_SNOOZE_DAYS`] after `today` (a
/// snooze ending later was set after today).
pub fn snooze_state(review: Option<&Review>, today: NaiveDate) -> SnoozeState {
    let Some(r) = review else {
        return SnoozeState::None;
    };
    let Some(until) = r.snoozed_until else {
        return SnoozeState::None;
    };
    let too_long = |from: NaiveDate| (until - from).num_days() > MAX_SNOOZE_DAYS as i64;
    match r.snoozed_on {
        Some(on) if from_wrong_clock(on, today) => return SnoozeState::Ignored { dated: on },
        // Longer than a snooze can be (a hand edit): ignored; flagged while it would hide.
        Some(on) if too_long(on) && until > today => {
            return SnoozeState::Ignored { dated: until };
        }
        Some(on) if too_long(on) => return SnoozeState::None,
        None if too_long(today) => return SnoozeState::Ignored { dated: until },
        _ => {}
    }
    if today < until {
        SnoozeState::Until(until)
    } else {
        SnoozeState::None
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
    account.set_snooze(cl, section, Some((today, until)), now)?;
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

/// True when the reminder is hidden on `today` (the schedule is unchanged). A snooze recorded
/// under a wrong clock is ignored (see [`snooze_state`]).
pub fn is_snoozed(review: Option<&Review>, today: NaiveDate) -> bool {
    snoozed_until(review, today).is_some()
}

/// The day a snoozed reminder shows again: Some while [`snooze_state`] is `Until`.
pub fn snoozed_until(review: Option<&Review>, today: NaiveDate) -> Option<NaiveDate> {
    match snooze_state(review, today) {
        SnoozeState::Until(until) => Some(until),
        _ => None,
    }
}

/// How a snoozed reminder is said, everywhere it is (`due`, `status`, the progress export):
/// "snoozed until DATE".
pub fn snoozed_words(until: NaiveDate) -> String {
    format!("snoozed until {until}")
}

/// One recurring review of an account, with its state on `today`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewStatus {
    pub section: SectionId,
    pub title: String,
    pub every_months: u32,
    /// The latest completion not from a wrong clock.
    pub last: Option<NaiveDate>,
    pub due: Due,
    pub snoozed: bool,
    /// When the snoozed reminder shows again (Some exactly when `snoozed`); not in the JSON.
    #[serde(skip)]
    pub snoozed_until: Option<NaiveDate>,
    /// Records from a wrong clock, ignored for scheduling (None when there are none).
    pub clock_warning: Option<ClockWarning>,
    /// Items already checked in an unfinished run / applicable items.
    pub progress: (usize, usize),
}

impl ReviewStatus {
    /// " (reminder snoozed until DATE)" while the reminder is snoozed, else "" ([`snoozed_words`]).
    pub fn snooze_suffix(&self) -> String {
        self.snoozed_until
            .map(|u| format!(" (reminder {})", snoozed_words(u)))
            .unwrap_or_default()
    }

    /// Should a reminder be shown? See [`reminds`].
    pub fn remind(&self) -> bool {
        reminds(&self.due, self.snoozed)
    }

    /// Overdue by more than its own interval (the score's heavier penalty).
    pub fn long_overdue(&self) -> bool {
        self.due.overdue_more_than_interval(self.every_months)
    }
}

/// The one rule for whether a review reminds: due today or overdue, and not snoozed. Every
/// reader (`due` text and JSON, `status`, `notify`, the calendar feed, the TUI) decides with it.
pub fn reminds(due: &Due, snoozed: bool) -> bool {
    due.is_due() && !snoozed
}

/// Where one review of an account stands on `today`: its record (with those of the section's
/// former ids merged in, see [`Account::review_following`]), when it is due, and whether it is
/// snoozed. What [`reviews`] reports per section, for readers that hold only an outline.
pub fn review_due(
    account: &Account,
    section: &str,
    former: &[&str],
    every_months: u32,
    today: NaiveDate,
) -> (Option<Review>, Due, bool) {
    let r = account.review_following(section, former);
    let r = r.as_deref();
    let d = due(r, every_months, account.setup_started_on(), today);
    (r.cloned(), d, is_snoozed(r, today))
}

/// All recurring reviews of an account on `today`.
pub fn reviews(cl: &Checklist, account: &Account, today: NaiveDate) -> Vec<ReviewStatus> {
    let started = account.setup_started_on();
    let renames = crate::checklist::section_renames(cl);
    cl.sections_of(SectionKind::Recurring)
        .map(|s| {
            let every = s.every_months.unwrap_or(1);
            let record =
                account.review_following(s.id.as_str(), &former_ids(&renames, s.id.as_str()));
            let r = record.as_deref();
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
                snoozed_until: snoozed_until(r, today),
                clock_warning: clock_warning(r, started, today),
                progress: (done, applicable.len()),
            }
        })
        .collect()
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
