//! Derived values the screens show (score, review states, what to do next), computed once per
//! change by `App::update` so that rendering only draws.

use chrono::NaiveDate;

use crate::checklist::{Checklist, SectionKind};
use crate::ids::{SectionId, StepId};
use crate::schedule::{self, ClockWarning, Due, ReviewStatus};
use crate::score::{self, Part, Score};
use crate::state::{Account, Status};

/// One setup step worth doing next.
#[derive(Debug, Clone, PartialEq)]
pub struct NextStep {
    pub section: SectionId,
    pub section_title: String,
    pub step: StepId,
    pub title: String,
    /// The step's marker: `[ ]`, `[-]` or `[?]`.
    pub symbol: &'static str,
}

/// One Next up entry the dashboard's cursor can select (`Enter` opens it).
#[derive(Debug, Clone, PartialEq)]
pub enum NextItem {
    /// The open incident's emergency steps (or what remains of it).
    Incident,
    /// A due or overdue review.
    Review(SectionId),
    /// A setup step, in its section.
    Setup { section: SectionId, step: StepId },
}

/// What to do next, in order: emergency steps of an open incident, then setup steps (open or
/// skipped essentials before any advanced step, advice last), then due reviews.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NextUp {
    /// The open incident, if any.
    pub incident: Option<u32>,
    /// Emergency steps of the open incident not done yet, in order.
    pub emergency: Vec<String>,
    /// Setup steps an incident reopened, still waiting to be re-verified.
    pub reverify: usize,
    /// The first few setup steps to do, in the order above.
    pub setup: Vec<NextStep>,
    /// How many setup steps are left in all (to do, skipped essentials, re-verify).
    pub setup_left: usize,
    /// Points the first setup step would add to the score when done.
    pub first_worth: u32,
    /// The last incident, when it is closed and left setup steps to re-verify: why the score
    /// dropped (its number, and how many steps wait).
    pub after_incident: Option<(u32, usize)>,
    /// The entries the dashboard lists, in its order: the incident, due reviews, setup steps.
    pub items: Vec<NextItem>,
}

/// How many setup steps Next up lists.
const NEXT_STEPS: usize = 3;

/// A review's state on the review screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewView {
    pub section: SectionId,
    /// Recurring reviews: where they stand (None for on-demand re-checks).
    pub status: Option<ReviewStatus>,
    pub last: Option<NaiveDate>,
    /// The last run is recorded and the next cycle has not begun: the screen keeps the ticks.
    pub finished: bool,
    pub snoozed_until: Option<NaiveDate>,
    /// Records dated after today (a wrong clock), ignored for scheduling and shown as a warning.
    pub clock_warning: Option<ClockWarning>,
    /// Items whose setup step was never done, with that step's title: shown as "set up first"
    /// and not needed to record the review.
    pub set_up_first: Vec<(StepId, String)>,
}

/// Everything derived the screens show.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub score: Score,
    pub reviews: Vec<ReviewView>,
    pub next: NextUp,
    /// Every applicable 5-minute essential is done (none skipped, open or to re-verify).
    pub essentials_done: bool,
}

impl Summary {
    pub fn compute(cl: &Checklist, acct: &Account, today: NaiveDate) -> Summary {
        let statuses = schedule::reviews(cl, acct, today);
        let reviews: Vec<ReviewView> = cl
            .sections
            .iter()
            .filter(|s| matches!(s.kind, SectionKind::Recurring | SectionKind::Event))
            .map(|s| {
                let r = acct.reviews.get(&s.id);
                // A completion dated after today (a wrong clock) is not "the last one".
                let last = schedule::last_completion(r, today).map(|c| c.date);
                let status = statuses.iter().find(|x| x.section == s.id).cloned();
                let running = r.is_some_and(|r| !r.in_progress.is_empty());
                // A recurring review's next cycle begins once it is due soon (or due, or made
                // due by an incident); an on-demand re-check's at the next day.
                let finished = !running
                    && match (&status, last) {
                        (_, None) => false,
                        (Some(st), Some(_)) => matches!(st.due, Due::Scheduled { .. }),
                        (None, Some(d)) => d == today,
                    };
                ReviewView {
                    section: s.id.clone(),
                    last,
                    finished,
                    snoozed_until: r
                        .and_then(|r| r.snoozed_until)
                        .filter(|_| schedule::is_snoozed(r, today)),
                    set_up_first: acct
                        .applicable(s)
                        .filter_map(|t| {
                            acct.waits_for_setup(cl, t)
                                .map(|setup| (t.id.clone(), setup.title.clone()))
                        })
                        .collect(),
                    clock_warning: match &status {
                        Some(st) => st.clock_warning,
                        None => schedule::clock_warning(r, None, today),
                    },
                    status,
                }
            })
            .collect();
        let score = score::score(cl, acct, today);
        let mut next = next_up(cl, acct);
        if let (Some(first), Some(v)) = (next.setup.first(), score.value) {
            let mut after = acct.clone();
            if after
                .check(cl, first.step.as_str(), chrono::DateTime::UNIX_EPOCH)
                .is_ok()
            {
                let base = score::score(cl, &after, today).base;
                next.first_worth = base.saturating_sub(score.penalty).saturating_sub(v);
            }
        }
        if acct.open_incident().is_none() && next.reverify > 0 {
            next.after_incident = acct
                .incidents
                .iter()
                .filter(|i| i.closed.as_ref().is_some_and(|c| !c.false_alarm))
                .map(|i| i.id)
                .max()
                .map(|id| (id, next.reverify));
        }
        let mut essentials = score
            .sections
            .iter()
            .filter(|s| s.part == Part::Essentials)
            .peekable();
        let essentials_done =
            essentials.peek().is_some() && essentials.all(|s| s.done == s.applicable);
        next.items = next
            .incident
            .map(|_| NextItem::Incident)
            .into_iter()
            .chain(
                reviews
                    .iter()
                    .filter(|v| v.status.as_ref().is_some_and(|r| r.due.is_due()))
                    .map(|v| NextItem::Review(v.section.clone())),
            )
            .chain(next.setup.iter().map(|t| NextItem::Setup {
                section: t.section.clone(),
                step: t.step.clone(),
            }))
            .collect();
        Summary {
            score,
            reviews,
            next,
            essentials_done,
        }
    }

    pub fn review(&self, section: &str) -> Option<&ReviewView> {
        self.reviews.iter().find(|r| r.section == section)
    }

    /// The setup step a review item waits for (see [`ReviewView::set_up_first`]).
    pub fn set_up_first(&self, section: &str, item: &str) -> Option<&str> {
        self.review(section)?
            .set_up_first
            .iter()
            .find(|(i, _)| i == item)
            .map(|(_, t)| t.as_str())
    }
}

/// The steps to do next (see [`NextUp`]).
pub fn next_up(cl: &Checklist, acct: &Account) -> NextUp {
    let mut next = NextUp::default();
    if let Some(inc) = acct.open_incident() {
        next.incident = Some(inc.id);
        if let Some(em) = cl.emergency() {
            next.emergency = em
                .steps
                .iter()
                .filter(|t| !inc.steps.contains_key(&t.id))
                .map(|t| t.title.clone())
                .collect();
        }
    }
    // (rank, order): essentials open or skipped, then other core steps, then advice.
    let mut candidates = Vec::new();
    for s in cl.sections_of(SectionKind::Setup) {
        let part = score::part_of(cl, s.id.as_str());
        for t in acct.applicable(s) {
            let st = acct.status(t.id.as_str());
            if matches!(st, Status::Reverify { .. }) {
                next.reverify += 1;
            }
            // Essentials open, skipped or to re-verify, then the other parts' open steps.
            let rank = match (part, st) {
                (Some(Part::Essentials), Status::Todo | Status::Skipped { .. }) => 0,
                (Some(Part::Advanced), Status::Todo) => 1,
                (Some(Part::Advice), Status::Todo) => 2,
                (Some(p), Status::Reverify { .. }) => p as u8,
                _ => continue,
            };
            candidates.push((
                rank,
                NextStep {
                    section: s.id.clone(),
                    section_title: s.title.clone(),
                    step: t.id.clone(),
                    title: t.title.clone(),
                    symbol: st.symbol(),
                },
            ));
        }
    }
    candidates.sort_by_key(|(rank, _)| *rank);
    next.setup_left = candidates.len();
    next.setup = candidates
        .into_iter()
        .take(NEXT_STEPS)
        .map(|(_, s)| s)
        .collect();
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{BUNDLED, parse};
    use chrono::{TimeZone, Utc};

    fn now() -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
    }

    #[test]
    fn skipped_essentials_come_before_advanced_steps() {
        let cl = parse("c.json", BUNDLED[0].1).unwrap();
        let mut a = Account::new("crypto-com", now());
        for t in &cl.section("essentials").unwrap().steps {
            a.check(&cl, t.id.as_str(), now()).unwrap();
        }
        a.skip(&cl, "withdrawal-whitelist", "later", now()).unwrap();
        let n = next_up(&cl, &a);
        assert_eq!(n.setup[0].step, "withdrawal-whitelist");
        assert_eq!(n.setup[0].symbol, "[-]");
        assert_eq!(n.setup[1].step, "passkeys");
        // Advice comes after every advanced step.
        for t in &cl.section("advanced").unwrap().steps {
            a.check(&cl, t.id.as_str(), now()).unwrap();
        }
        let n = next_up(&cl, &a);
        assert_eq!(n.setup[0].step, "withdrawal-whitelist");
        assert_eq!(n.setup[1].section, "tailored");
    }

    #[test]
    fn an_incident_lists_its_emergency_steps_and_what_to_re_verify() {
        let cl = parse("c.json", BUNDLED[0].1).unwrap();
        let mut a = Account::new("crypto-com", now());
        a.check(&cl, "totp-2fa", now()).unwrap();
        a.check(&cl, "passkeys", now()).unwrap();
        a.open_compromise(&cl, now()).unwrap();
        let n = next_up(&cl, &a);
        assert_eq!(n.incident, Some(1));
        assert_eq!(n.emergency.len(), 3);
        assert_eq!(n.reverify, 2);
        // Essentials first (re-verify or to do), then the advanced step to re-verify.
        assert_eq!(n.setup[0].step, "totp-2fa");
        assert_eq!(n.setup[0].symbol, "[?]");
        assert_eq!(n.setup[1].step, "anti-phishing-code");
        assert_eq!(
            n.setup_left,
            7 + 6 + 8,
            "advice steps for everyone count too (Proof of Reserves is for everyone)"
        );
        for t in &cl.emergency().unwrap().steps {
            a.toggle_emergency_step(&cl, t.id.as_str(), now()).unwrap();
        }
        assert!(next_up(&cl, &a).emergency.is_empty());
    }
}
