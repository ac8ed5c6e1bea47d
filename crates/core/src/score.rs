//! The hardening score (0-100) and its breakdown. The formula is documented here, in README and in the TUI.
//!
//! Setup steps fall into three parts, each scored by weight (done weight / applicable weight,
//! 1 when nothing in the part applies):
//!
//! - **essentials**: the first core setup section (the 5-minute essentials), worth 50 points;
//! - **advanced**: every other core setup section, worth 35 points;
//! - **advice**: setup sections with `role: "advice"` (persona-tailored risk advice), worth 15.
//!
//! score = round(50 × essentials + 35 × advanced + 15 × advice) − review penalties, where each
//! overdue recurring review costs 5 (10 when overdue by more than its own interval), at most 20
//! in all; clamped to 0..=100. So, whatever the personas, all essentials done is at least 50 and
//! essentials plus advanced at least 85 (with no review overdue): the floors follow from the
//! shares, not from step weights. Steps for other personas leave the totals, and so do steps
//! marked "not applicable" when the checklist says they may not apply (`may_not_apply`: API keys,
//! sub-accounts, ...); any other step counts until it is done. Skipped and "re-verify" steps count
//! as not done. So the score cannot be talked up: marking a step not applicable never scores more
//! than doing it. While an incident is open there
//! is no score.

use chrono::NaiveDate;
use serde::Serialize;

use crate::checklist::{Checklist, SectionKind, SectionRole};
use crate::ids::SectionId;
use crate::schedule::{self, Due};
use crate::state::{Account, Status};

/// Points for the essentials (the first core setup section).
pub const ESSENTIALS_POINTS: u32 = 50;
/// Points for the other core setup sections.
pub const ADVANCED_POINTS: u32 = 35;
/// Points for the advice sections.
pub const ADVICE_POINTS: u32 = 15;
/// The most overdue reviews can take off in all.
pub const MAX_PENALTY: u32 = 20;

/// The formula in a few lines, shown on the score screen (README says the same).
pub const FORMULA: &str = "Essentials are worth 50 points, Advanced 35 and Advice 15. \
Each part earns its points in proportion to the importance of its steps you have done \
(a part with nothing to do earns them all). \
Essentials = the first core setup section, Advanced = the other core setup sections, \
Advice = the advice tailored to how you use the account. \
An overdue review takes 5 points off (10 if more than a full interval late), at most 20 in all; \
a review never done is due one interval after setup started. \
With no review overdue, all essentials done gives at least 50, essentials and advanced at least 85.";

/// Which part of the score a setup section feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Essentials,
    Advanced,
    Advice,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Essentials, Part::Advanced, Part::Advice];

    /// The points this part is worth.
    pub fn points(self) -> u32 {
        match self {
            Part::Essentials => ESSENTIALS_POINTS,
            Part::Advanced => ADVANCED_POINTS,
            Part::Advice => ADVICE_POINTS,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Part::Essentials => "Essentials",
            Part::Advanced => "Advanced",
            Part::Advice => "Advice",
        }
    }
}

/// The part each setup section of a checklist feeds: the first core setup section is the
/// essentials, other core setup sections are advanced, advice sections are advice.
pub fn part_of(cl: &Checklist, section: &str) -> Option<Part> {
    let mut core = cl
        .sections_of(SectionKind::Setup)
        .filter(|s| s.role == SectionRole::Core);
    let first = core.next().map(|s| s.id.as_str());
    let s = cl.section(section)?;
    if s.kind != SectionKind::Setup {
        return None;
    }
    Some(match s.role {
        SectionRole::Advice => Part::Advice,
        SectionRole::Core if first == Some(section) => Part::Essentials,
        SectionRole::Core => Part::Advanced,
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionScore {
    pub section: SectionId,
    pub title: String,
    /// The part of the score this section feeds.
    pub part: Part,
    /// Steps done / steps that count (for the account's personas, not marked not applicable).
    pub done: usize,
    pub applicable: usize,
    /// Steps reopened by an incident and not yet verified again.
    pub reverify: usize,
    pub done_weight: u32,
    pub weight: u32,
}

/// One part of the score: its sections' weights and the points it earns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartScore {
    pub part: Part,
    /// What the part is worth.
    pub max: u32,
    pub done_weight: u32,
    pub weight: u32,
    /// Points earned (not rounded): max × done_weight / weight, or max when weight is 0.
    pub points: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Penalty {
    pub section: SectionId,
    pub points: u32,
    pub days_overdue: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// None while an incident is open.
    pub value: Option<u32>,
    /// Setup progress before penalties, 0-100: the rounded sum of the parts' points.
    pub base: u32,
    pub parts: Vec<PartScore>,
    pub sections: Vec<SectionScore>,
    pub penalties: Vec<Penalty>,
    /// Points taken off for overdue reviews (the penalties' sum, capped at [`MAX_PENALTY`]).
    pub penalty: u32,
    pub open_incident: Option<u32>,
}

impl Score {
    /// Progress of one setup section.
    pub fn section(&self, id: &str) -> Option<&SectionScore> {
        self.sections.iter().find(|s| s.section == id)
    }

    pub fn part(&self, part: Part) -> Option<&PartScore> {
        self.parts.iter().find(|p| p.part == part)
    }
}

/// Computes the score of an account on `today`.
pub fn score(cl: &Checklist, account: &Account, today: NaiveDate) -> Score {
    let mut sections = Vec::new();
    for s in cl.sections_of(SectionKind::Setup) {
        let mut sc = SectionScore {
            section: s.id.clone(),
            title: s.title.clone(),
            part: part_of(cl, s.id.as_str()).expect("a setup section"),
            done: 0,
            applicable: 0,
            reverify: 0,
            done_weight: 0,
            weight: 0,
        };
        for t in account.applicable(s) {
            match account.status(t.id.as_str()) {
                // Only a step the checklist says may not apply leaves the total; any other
                // step marked so (by an older lockstep, or by hand) counts as open.
                Status::NotApplicable { .. } if t.may_not_apply => continue,
                Status::Done { .. } => {
                    sc.done += 1;
                    sc.done_weight += t.weight;
                }
                Status::Reverify { .. } => sc.reverify += 1,
                _ => {}
            }
            sc.applicable += 1;
            sc.weight += t.weight;
        }
        sections.push(sc);
    }
    let parts: Vec<PartScore> = Part::ALL
        .iter()
        .map(|&part| {
            let of_part = sections.iter().filter(|s| s.part == part);
            let done_weight: u32 = of_part.clone().map(|s| s.done_weight).sum();
            let weight: u32 = of_part.map(|s| s.weight).sum();
            let max = part.points();
            let points = if weight == 0 {
                f64::from(max)
            } else {
                f64::from(max) * f64::from(done_weight) / f64::from(weight)
            };
            PartScore {
                part,
                max,
                done_weight,
                weight,
                points,
            }
        })
        .collect();
    let base = (parts.iter().map(|p| p.points).sum::<f64>().round() as u32).min(100);
    let penalties: Vec<Penalty> = schedule::reviews(cl, account, today)
        .into_iter()
        .filter_map(|r| {
            let Due::Overdue { days, .. } = r.due else {
                return None;
            };
            Some(Penalty {
                points: if r.long_overdue() { 10 } else { 5 },
                section: r.section,
                days_overdue: days,
            })
        })
        .collect();
    let penalty = penalties
        .iter()
        .map(|p| p.points)
        .sum::<u32>()
        .min(MAX_PENALTY);
    let open_incident = account.open_incident().map(|i| i.id);
    Score {
        value: open_incident
            .is_none()
            .then(|| base.saturating_sub(penalty)),
        base,
        parts,
        sections,
        penalties,
        penalty,
        open_incident,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{BUNDLED, parse};
    use crate::ids::{PersonaId, StepId};
    use crate::state::Completion;
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;

    fn cl() -> Checklist {
        parse(
            "m.json",
            r#"{"schema":1,"id":"t","title":"T","service":"S","updated":"2026-01-01",
          "personas":[{"id":"trader","title":"Trader"}],
          "sections":[
            {"id":"e","title":"E","kind":"setup","steps":[
              {"id":"a","title":"A","why":"w","how":["h"],"weight":6},
              {"id":"b","title":"B","why":"w","how":["h"],"weight":2},
              {"id":"c","title":"C","why":"w","how":["h"],"weight":2,"personas":["trader"],
               "may_not_apply":true}]},
            {"id":"adv","title":"Adv","kind":"setup","steps":[
              {"id":"d","title":"D","why":"w","how":["h"],"weight":4}]},
            {"id":"tips","title":"Tips","kind":"setup","role":"advice","steps":[
              {"id":"f","title":"F","why":"w","how":["h"],"weight":9,"personas":["trader"]}]},
            {"id":"m","title":"M","kind":"recurring","every_months":1,"steps":[
              {"id":"r","title":"R","why":"w","how":["h"]}]},
            {"id":"q","title":"Q","kind":"recurring","every_months":3,"steps":[
              {"id":"r2","title":"R2","why":"w","how":["h"]}]}]}"#,
        )
        .unwrap()
    }

    fn now() -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
    }
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parts_weights_personas_and_not_applicable() {
        let c = cl();
        assert_eq!(part_of(&c, "e"), Some(Part::Essentials));
        assert_eq!(part_of(&c, "adv"), Some(Part::Advanced));
        assert_eq!(part_of(&c, "tips"), Some(Part::Advice));
        assert_eq!(part_of(&c, "m"), None);
        let mut a = Account::new("t", now());
        let today = d(2026, 11, 25);
        // No persona: the advice section has nothing that applies, so it counts as done (15).
        assert_eq!(score(&c, &a, today).value, Some(15));
        a.check(&c, "a", now()).unwrap();
        // c is for traders only: essentials = 6/8 of 50 = 37.5, + 15 -> 53 (52.5 rounds up)
        assert_eq!(score(&c, &a, today).base, 53);
        a.set_personas(vec!["trader".into()], now());
        // essentials 6/10 of 50 = 30; the trader advice now applies and is open: 30
        assert_eq!(score(&c, &a, today).base, 30);
        a.not_applicable(&c, "c", now()).unwrap();
        assert_eq!(score(&c, &a, today).base, 38);
        a.skip(&c, "b", "later", now()).unwrap();
        let s = score(&c, &a, today);
        assert_eq!(s.base, 38, "skipped still counts in the total");
        assert_eq!(s.sections[0].applicable, 2);
        assert_eq!(s.sections[0].done_weight, 6);
        a.check(&c, "b", now()).unwrap();
        a.check(&c, "d", now()).unwrap();
        assert_eq!(score(&c, &a, today).base, 85, "core done, advice open");
        a.check(&c, "f", now()).unwrap();
        let s = score(&c, &a, today);
        assert_eq!(s.base, 100);
        assert_eq!(s.part(Part::Advice).unwrap().points, 15.0);
    }

    fn all_core_done(c: &Checklist, a: &mut Account) {
        for s in ["a", "b", "c", "d"] {
            a.check(c, s, now()).unwrap();
        }
    }

    #[test]
    fn overdue_reviews_lower_the_score_and_incident_hides_it() {
        let c = cl();
        let mut a = Account::new("t", now());
        all_core_done(&c, &mut a);
        let done = |date: NaiveDate| Completion { at: now(), date };
        a.reviews
            .entry("m".into())
            .or_default()
            .completions
            .push(done(d(2026, 10, 1)));
        a.reviews
            .entry("q".into())
            .or_default()
            .completions
            .push(done(d(2026, 6, 1)));
        let s = score(&c, &a, d(2026, 11, 25));
        // monthly: due Nov 1, 24 days late (< 30 day interval) -> 5; quarterly: due Sep 1, 85 days
        // late (< 90 days) -> 5.
        assert_eq!(s.base, 100);
        assert_eq!(s.penalty, 10);
        assert_eq!(s.value, Some(90));
        let s = score(&c, &a, d(2027, 1, 25));
        assert_eq!(
            s.value,
            Some(80),
            "more than a whole interval late: 10 each"
        );
        a.open_compromise(&c, now()).unwrap();
        let s = score(&c, &a, d(2026, 11, 25));
        assert_eq!(s.value, None);
        assert_eq!(s.open_incident, Some(1));
    }

    #[test]
    fn penalties_are_capped() {
        let mut c = cl();
        // Four recurring reviews, all long overdue: 4 x 10 would be 40, the cap keeps it at 20.
        let extra: Vec<_> = c
            .sections
            .iter()
            .filter(|s| s.kind == SectionKind::Recurring)
            .cloned()
            .map(|mut s| {
                s.id = format!("{}2", s.id).into();
                for t in &mut s.steps {
                    t.id = format!("{}2", t.id).into();
                }
                s
            })
            .collect();
        c.sections.extend(extra);
        let mut a = Account::new("t", now());
        all_core_done(&c, &mut a);
        let s = score(&c, &a, d(2028, 1, 1));
        assert_eq!(s.penalties.len(), 4);
        assert_eq!(s.penalty, MAX_PENALTY);
        assert_eq!(s.value, Some(s.base - MAX_PENALTY));
    }

    #[test]
    fn bundled_checklist_full_marks() {
        let c = parse("crypto-com.json", BUNDLED[0].1).unwrap();
        let mut a = Account::new("crypto-com", now());
        for s in c.sections_of(SectionKind::Setup) {
            for t in &s.steps {
                a.check(&c, t.id.as_str(), now()).unwrap();
            }
        }
        for s in c.sections_of(SectionKind::Recurring) {
            a.complete_review(&c, s.id.as_str(), now(), d(2026, 11, 25))
                .unwrap();
        }
        assert_eq!(score(&c, &a, d(2026, 11, 25)).value, Some(100));
    }

    /// What happens to one step in the property test.
    fn status_strategy() -> impl Strategy<Value = u8> {
        0u8..4 // 0 todo, 1 done, 2 skipped, 3 not applicable
    }

    fn apply(c: &Checklist, a: &mut Account, step: &str, what: u8) {
        match what {
            1 => {
                a.check(c, step, now()).unwrap();
            }
            2 => a.skip(c, step, "later", now()).unwrap(),
            // Only a step that may not apply can be marked so; any other is refused.
            3 if c.step(step).unwrap().1.may_not_apply => a.not_applicable(c, step, now()).unwrap(),
            3 => assert!(a.not_applicable(c, step, now()).is_err()),
            _ => {}
        }
    }

    /// Every setup step of `c` that applies to `a`, with whether it may be marked not applicable.
    /// Every subset of the checklist's personas (the empty one included).
    fn persona_subsets(c: &Checklist) -> Vec<Vec<PersonaId>> {
        (0u32..(1 << c.personas.len()))
            .map(|mask| {
                c.personas
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, p)| p.id.clone())
                    .collect()
            })
            .collect()
    }

    fn setup_steps(c: &Checklist, a: &Account) -> Vec<(StepId, bool)> {
        c.sections_of(SectionKind::Setup)
            .flat_map(|s| a.applicable(s))
            .map(|t| (t.id.clone(), t.may_not_apply))
            .collect()
    }

    #[test]
    fn only_steps_that_may_not_apply_leave_the_total() {
        let c = parse("crypto-com.json", BUNDLED[0].1).unwrap();
        let today = d(2026, 11, 25);
        let mut a = Account::new("crypto-com", now());
        let err = a.not_applicable(&c, "totp-2fa", now()).unwrap_err();
        assert!(err.to_string().contains("applies to everyone"), "{err}");
        a.not_applicable(&c, "api-read-only", now()).unwrap();
        // A mark the op would refuse (an older lockstep, a hand edit) counts as open.
        let mut forced = a.clone();
        for (id, _) in setup_steps(&c, &a) {
            forced.steps.entry(id).or_default().status = Status::NotApplicable { at: now() };
        }
        assert_eq!(
            score(&c, &forced, today).value,
            Some(0),
            "all not applicable scores 0"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        /// For every persona subset of both bundled checklists and every set of "not applicable"
        /// marks (also forced onto steps that may not be marked so), the score is at most the
        /// score with those steps done; marking everything not applicable scores 0.
        #[test]
        fn not_applicable_never_beats_done(
            marks in proptest::collection::vec(any::<bool>(), 64),
            done in proptest::collection::vec(any::<bool>(), 64),
        ) {
            for (name, text) in BUNDLED {
                let c = parse(name, text).unwrap();
                for personas in persona_subsets(&c) {
                    let mut base = Account::new(c.id.as_str(), now());
                    base.set_personas(personas.clone(), now());
                    let steps = setup_steps(&c, &base);
                    for (k, (id, _)) in steps.iter().enumerate() {
                        if done[k % 64] && !marks[k % 64] {
                            base.check(&c, id.as_str(), now()).unwrap();
                        }
                    }
                    let (mut with_na, mut with_done) = (base.clone(), base.clone());
                    for (k, (id, _)) in steps.iter().enumerate() {
                        if marks[k % 64] {
                            with_na.steps.entry(id.clone()).or_default().status =
                                Status::NotApplicable { at: now() };
                            with_done.check(&c, id.as_str(), now()).unwrap();
                        }
                    }
                    let today = d(2026, 11, 25);
                    let na = score(&c, &with_na, today).value.unwrap();
                    let full = score(&c, &with_done, today).value.unwrap();
                    prop_assert!(na <= full, "{name} {personas:?}: n/a {na} > done {full}");
                    let mut all_na = Account::new(c.id.as_str(), now());
                    all_na.set_personas(personas.clone(), now());
                    for (id, _) in &steps {
                        all_na.steps.entry(id.clone()).or_default().status =
                            Status::NotApplicable { at: now() };
                    }
                    let v = score(&c, &all_na, today).value.unwrap();
                    prop_assert_eq!(v, 0, "{} {:?}: all n/a", name, personas);
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// The floors hold for every persona subset of both bundled checklists, whatever the
        /// state of the other steps: every essential done (or not applicable) gives at least 50,
        /// essentials and advanced at least 85; and the score never exceeds 100.
        #[test]
        fn floors_hold_for_every_persona_subset(
            others in proptest::collection::vec(status_strategy(), 64),
            core_na in proptest::collection::vec(any::<bool>(), 64),
        ) {
            for (name, text) in BUNDLED {
                let c = parse(name, text).unwrap();
                for personas in persona_subsets(&c) {
                    let mut a = Account::new(c.id.as_str(), now());
                    a.set_personas(personas.clone(), now());
                    let mut k = 0;
                    for s in c.sections_of(SectionKind::Setup) {
                        for t in &s.steps {
                            let part = part_of(&c, s.id.as_str()).unwrap();
                            let what = match part {
                                // Essentials (and advanced, below) done, a few not applicable.
                                Part::Essentials
                                    if core_na[k % 64] && k % 3 == 0 && t.may_not_apply => 3,
                                Part::Essentials => 1,
                                _ => others[k % 64],
                            };
                            apply(&c, &mut a, t.id.as_str(), what);
                            k += 1;
                        }
                    }
                    let today = d(2026, 11, 25);
                    let s = score(&c, &a, today);
                    let v = s.value.unwrap();
                    prop_assert!(v >= 50, "{name} {personas:?}: essentials done gives {v}");
                    prop_assert!(v <= 100);
                    for s in c.sections_of(SectionKind::Setup) {
                        if part_of(&c, s.id.as_str()) == Some(Part::Advanced) {
                            for t in &s.steps {
                                a.check(&c, t.id.as_str(), now()).unwrap();
                            }
                        }
                    }
                    let v = score(&c, &a, today).value.unwrap();
                    prop_assert!(v >= 85, "{name} {personas:?}: essentials + advanced give {v}");
                }
            }
        }
    }

    #[test]
    fn both_bundled_checklists_have_the_three_parts() {
        for (name, text) in BUNDLED {
            let c = parse(name, text).unwrap();
            for part in Part::ALL {
                assert!(
                    c.sections_of(SectionKind::Setup)
                        .any(|s| part_of(&c, s.id.as_str()) == Some(part)),
                    "{name} has no {part:?} section"
                );
            }
        }
    }
}
