//! The hardening score (0-100) and its breakdown. The formula is documented here, in README and in the TUI.
//!
//! score = round(100 × Σ weight of done setup steps / Σ weight of applicable setup steps)
//!         − 5 per overdue recurring review (− 10 when overdue by more than its own interval),
//! where a review never done counts as due one interval after setup started,
//! clamped to 0..=100. Steps for other personas and steps marked "not applicable" leave the total;
//! skipped and "re-verify" steps count as not done. While an incident is open there is no score.

use chrono::NaiveDate;
use serde::Serialize;

use crate::checklist::{Checklist, SectionKind};
use crate::schedule::{self, Due};
use crate::state::{Account, Status};

/// One-line summary of the formula, shown in the TUI.
pub const FORMULA: &str = "100 x done weight / applicable weight, -5 per overdue review (-10 if more than a full interval late; a review never done is due one interval after setup started)";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionScore {
    pub section: String,
    pub title: String,
    /// Steps done / steps that count (for the account's personas, not marked not applicable).
    pub done: usize,
    pub applicable: usize,
    /// Steps reopened by an incident and not yet verified again.
    pub reverify: usize,
    pub done_weight: u32,
    pub weight: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Penalty {
    pub section: String,
    pub points: u32,
    pub days_overdue: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Score {
    /// None while an incident is open.
    pub value: Option<u32>,
    /// Setup progress before penalties, 0-100.
    pub base: u32,
    pub sections: Vec<SectionScore>,
    pub penalties: Vec<Penalty>,
    pub open_incident: Option<u32>,
}

impl Score {
    /// Progress of one setup section.
    pub fn section(&self, id: &str) -> Option<&SectionScore> {
        self.sections.iter().find(|s| s.section == id)
    }
}

/// Computes the score of an account on `today`.
pub fn score(cl: &Checklist, account: &Account, today: NaiveDate) -> Score {
    let mut sections = Vec::new();
    for s in cl.sections_of(SectionKind::Setup) {
        let mut sc = SectionScore {
            section: s.id.clone(),
            title: s.title.clone(),
            done: 0,
            applicable: 0,
            reverify: 0,
            done_weight: 0,
            weight: 0,
        };
        for t in account.applicable(s) {
            match account.status(&t.id) {
                Status::NotApplicable { .. } => continue,
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
    let total: u32 = sections.iter().map(|s| s.weight).sum();
    let done: u32 = sections.iter().map(|s| s.done_weight).sum();
    let base = if total == 0 {
        100
    } else {
        ((done as f64 * 100.0 / total as f64).round()) as u32
    };
    let penalties: Vec<Penalty> = schedule::reviews(cl, account, today)
        .into_iter()
        .filter_map(|r| {
            let Due::Overdue { days, .. } = r.due else {
                return None;
            };
            let interval = schedule::add_months(today, r.every_months) - today;
            Some(Penalty {
                section: r.section,
                points: if days > interval.num_days() { 10 } else { 5 },
                days_overdue: days,
            })
        })
        .collect();
    let minus: u32 = penalties.iter().map(|p| p.points).sum();
    let open_incident = account.open_incident().map(|i| i.id);
    Score {
        value: open_incident
            .is_none()
            .then(|| base.saturating_sub(minus).min(100)),
        base,
        sections,
        penalties,
        open_incident,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{BUNDLED, parse};
    use crate::state::Completion;
    use chrono::{TimeZone, Utc};

    fn cl() -> Checklist {
        parse(
            "m.json",
            r#"{"schema":1,"id":"t","title":"T","service":"S","updated":"2026-01-01",
          "personas":[{"id":"trader","title":"Trader"}],
          "sections":[
            {"id":"e","title":"E","kind":"setup","steps":[
              {"id":"a","title":"A","why":"w","how":["h"],"weight":6},
              {"id":"b","title":"B","why":"w","how":["h"],"weight":2},
              {"id":"c","title":"C","why":"w","how":["h"],"weight":2,"personas":["trader"]}]},
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
    fn weights_personas_and_not_applicable() {
        let c = cl();
        let mut a = Account::new("t", now());
        let today = d(2026, 11, 25);
        assert_eq!(score(&c, &a, today).value, Some(0));
        a.check(&c, "a", now()).unwrap();
        // c is for traders only: total = 8, done 6 -> 75
        assert_eq!(score(&c, &a, today).base, 75);
        a.set_personas(vec!["trader".into()], now());
        // total = 10 -> 60
        assert_eq!(score(&c, &a, today).base, 60);
        a.not_applicable(&c, "c", now()).unwrap();
        assert_eq!(score(&c, &a, today).base, 75);
        a.skip(&c, "b", "later", now()).unwrap();
        let s = score(&c, &a, today);
        assert_eq!(s.base, 75, "skipped still counts in the total");
        assert_eq!(s.sections[0].applicable, 2);
        assert_eq!(s.sections[0].done_weight, 6);
    }

    #[test]
    fn overdue_reviews_lower_the_score_and_incident_hides_it() {
        let c = cl();
        let mut a = Account::new("t", now());
        for id in ["a", "b"] {
            a.check(&c, id, now()).unwrap();
        }
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
        assert_eq!(s.penalties.iter().map(|p| p.points).sum::<u32>(), 10);
        assert_eq!(s.value, Some(90));
        let s = score(&c, &a, d(2027, 1, 25));
        assert_eq!(
            s.value,
            Some(80),
            "more than a whole interval late: 10 each"
        );
        a.open_compromise(&c, now());
        let s = score(&c, &a, d(2026, 11, 25));
        assert_eq!(s.value, None);
        assert_eq!(s.open_incident, Some(1));
    }

    #[test]
    fn never_doing_reviews_does_not_beat_doing_them_late() {
        let c = cl();
        let mut a = Account::new("t", now()); // 2026-11-25
        for id in ["a", "b"] {
            a.check(&c, id, now()).unwrap();
        }
        // Within the first interval: due now, no penalty.
        assert!(score(&c, &a, d(2026, 12, 20)).penalties.is_empty());
        // Monthly due 2026-12-25 and quarterly 2027-02-25, never done.
        let s = score(&c, &a, d(2027, 1, 4));
        assert_eq!(s.penalties.len(), 1);
        assert_eq!(
            (s.penalties[0].section.as_str(), s.penalties[0].days_overdue),
            ("m", 10)
        );
        assert_eq!(s.value, Some(95));
        let s = score(&c, &a, d(2027, 3, 30));
        assert_eq!(
            s.value,
            Some(100 - 10 - 5),
            "monthly > a month late, quarterly 33 days"
        );
        // An incident makes them due now without a penalty (and hides the score anyway).
        a.complete_review(&c, "m", now(), d(2027, 3, 30)).unwrap();
        assert_eq!(score(&c, &a, d(2027, 3, 30)).penalties.len(), 1);
    }

    #[test]
    fn bundled_checklist_full_marks() {
        let c = parse("crypto-com.json", BUNDLED[0].1).unwrap();
        let mut a = Account::new("crypto-com", now());
        for s in c.sections_of(SectionKind::Setup) {
            for t in &s.steps {
                a.check(&c, &t.id, now()).unwrap();
            }
        }
        for s in c.sections_of(SectionKind::Recurring) {
            a.complete_review(&c, &s.id, now(), d(2026, 11, 25))
                .unwrap();
        }
        assert_eq!(score(&c, &a, d(2026, 11, 25)).value, Some(100));
    }
}
