//! The plain-text status report of `lockstep status`.

use chrono::NaiveDate;

use crate::checklist::{Checklist, Origin, SectionKind, staleness};
use crate::guard::line;
use crate::schedule;
use crate::score;
use crate::state::{Account, Status};

/// The plain-text status report: whose checklist it is (bundled or the user's file, and how old),
/// then progress per section, the score and the reviews.
pub fn status_text(
    cl: &Checklist,
    origin: &Origin,
    name: &str,
    acct: &Account,
    today: NaiveDate,
) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "{} (account: {})\n",
        line(&cl.title),
        line(&acct.label_and_name(name))
    ));
    s.push_str(&format!("Checklist: {}\n", line(&origin.describe(cl))));
    if let Some(w) = staleness(cl, today) {
        s.push_str(&format!("Note: {}\n", line(&w)));
    }
    if !acct.personas.is_empty() {
        s.push_str(&format!("Personas: {}\n", acct.personas.join(", ")));
    }
    let sc = score::score(cl, acct, today);
    match (sc.value, acct.open_incident()) {
        (_, Some(inc)) => s.push_str(&format!(
            "!! INCIDENT #{} OPEN since {} - no score until it is closed (`lockstep incident close TEXT`)\n",
            inc.id,
            inc.opened.format("%Y-%m-%d %H:%M UTC")
        )),
        (Some(v), None) => s.push_str(&format!("Hardening score: {v}/100\n")),
        (None, None) => {}
    }
    let reviews = schedule::reviews(cl, acct, today);
    for sec in &cl.sections {
        let steps: Vec<_> = acct.applicable(sec).collect();
        match sec.kind {
            SectionKind::Setup => {
                let (done, total) = sc
                    .section(sec.id.as_str())
                    .map_or((0, 0), |x| (x.done, x.applicable));
                s.push_str(&format!("\n{} ({done}/{total})\n", line(&sec.title)));
                for t in steps {
                    let st = acct.status(t.id.as_str());
                    let extra = match st {
                        Status::Skipped { reason, .. } => format!(" - skipped: {}", line(reason)),
                        Status::Reverify { .. } => " - re-verify".into(),
                        Status::NotApplicable { .. } => " - not applicable".into(),
                        _ => String::new(),
                    };
                    s.push_str(&format!(
                        "  {} {:<24} {}{extra}\n",
                        st.symbol(),
                        t.id,
                        line(&t.title)
                    ));
                }
            }
            SectionKind::Recurring => {
                let Some(r) = reviews.iter().find(|r| r.section == sec.id) else {
                    continue;
                };
                let last = r.last.map_or("never".to_string(), |d| d.to_string());
                let snoozed = r.snooze_suffix();
                s.push_str(&format!(
                    "\n{} [{}]: {}{snoozed}; last done {last}\n",
                    line(&sec.title),
                    sec.id,
                    r.due.describe()
                ));
                if let Some(w) = &r.clock_warning {
                    s.push_str(&format!("  warning: {}\n", w.describe()));
                }
            }
            SectionKind::Event => {
                // As for the scheduled reviews: a run dated after today (a wrong clock) is not
                // "the last one", and is flagged.
                let r = acct.reviews.get(&sec.id);
                let last = schedule::last_completion(r, today)
                    .map_or("never".to_string(), |c| c.date.to_string());
                s.push_str(&format!(
                    "\n{} [{}]: on demand; last done {last}\n",
                    line(&sec.title),
                    sec.id
                ));
                if let Some(w) = schedule::clock_warning(r, None, today) {
                    s.push_str(&format!("  warning: {}\n", w.describe()));
                }
            }
            SectionKind::Emergency => {}
        }
    }
    s
}
