//! An account meeting its checklist: progress recorded under former ids follows the renamed step
//! or section, a change to a followed user file is said once and logged, progress the checklist
//! no longer has is reported once per change and never deleted; and the account-level changes
//! (another checklist, a label, a new name) with the history they keep.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::event::{EventKind, change_summary, names};
use super::model::*;
use super::ops::OpError;
use crate::checklist::{
    self, Checklist, Origin, section_digests, section_renames, step_digests, step_renames,
};
use crate::ids::{AccountName, PersonaId, SectionId, StepId};

/// Longest account label.
pub const MAX_LABEL: usize = 64;

/// Progress held for an id the checklist no longer has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orphan {
    /// `step:ID` or `review:ID`.
    pub key: String,
    /// What is kept, e.g. "done 2026-01-02, with a note".
    pub what: String,
}

impl Orphan {
    pub fn describe(&self) -> String {
        let (kind, id) = self.key.split_once(':').unwrap_or(("", &self.key));
        format!("{id} ({kind}: {})", self.what)
    }
}

/// What `accounts set-checklist` did.
#[derive(Debug, Clone, PartialEq)]
pub struct Switched {
    /// Setup steps and reviews with progress that the new checklist has (kept and counted).
    pub kept: usize,
    /// Progress the new checklist has no place for (kept in the state, not counted).
    pub orphans: Vec<Orphan>,
    /// Personas the new checklist does not declare (cleared).
    pub personas_dropped: Vec<PersonaId>,
}

fn step_has_progress(s: &StepState) -> bool {
    !matches!(s.status, Status::Todo) || s.note.is_some()
}

fn review_has_progress(r: &Review) -> bool {
    !r.completions.is_empty() || !r.in_progress.is_empty() || r.snoozed_until.is_some()
}

/// Merges the record of a former id of a section into the record of its current id: the one rule
/// for which completions, items in progress, snooze and due-now mark count after a rename.
fn absorb(review: &mut Review, old: Review) {
    review.completions.extend(old.completions);
    review.completions.sort_by_key(|c| (c.date, c.at));
    review.completions.dedup();
    for (item, at) in old.in_progress {
        review.in_progress.entry(item).or_insert(at);
    }
    if review.snoozed_until.is_none() {
        review.snoozed_until = old.snoozed_until;
        review.snoozed_on = old.snoozed_on;
    }
    review.due_now_since = review.due_now_since.or(old.due_now_since);
}

impl Account {
    /// The review record of section `id` as [`Account::follow_aliases`] leaves it: its own record
    /// with those of `former` (the section's former ids that no section has now) merged in. For
    /// readers that do not move progress (`lockstep due`, the schedule); borrowed when no former
    /// id has a record.
    pub fn review_following(&self, id: &str, former: &[&str]) -> Option<Cow<'_, Review>> {
        let mut olds = former
            .iter()
            .filter_map(|f| self.reviews.get(*f))
            .peekable();
        if olds.peek().is_none() {
            return self.reviews.get(id).map(Cow::Borrowed);
        }
        let mut review = self.reviews.get(id).cloned().unwrap_or_default();
        for old in olds {
            absorb(&mut review, old.clone());
        }
        Some(Cow::Owned(review))
    }

    /// Moves progress recorded under a former id (a step's or section's `aliases`) to the current
    /// id, and logs each move. When both ids hold a status, the current one is kept and the
    /// former one stays where it is (reported as progress without a step, never deleted).
    /// Returns the (former, current) ids moved.
    pub fn follow_aliases(&mut self, cl: &Checklist, now: DateTime<Utc>) -> Vec<(String, String)> {
        let mut moved = Vec::new();
        for (old, new) in section_renames(cl) {
            let Some(old_review) = self.reviews.remove(old) else {
                continue;
            };
            absorb(
                self.reviews.entry(SectionId::from(new)).or_default(),
                old_review,
            );
            for inc in &mut self.incidents {
                if let Some(b) = inc.reviews_before.remove(old) {
                    inc.reviews_before.entry(SectionId::from(new)).or_insert(b);
                }
            }
            moved.push((old.to_string(), new.to_string()));
        }
        for (old, new) in step_renames(cl) {
            let mut any = false;
            if let Some(old_state) = self.steps.remove(old) {
                match self.steps.get_mut(new) {
                    None => {
                        self.steps.insert(StepId::from(new), old_state);
                    }
                    Some(cur) => {
                        let mut rest = old_state;
                        if matches!(cur.status, Status::Todo) {
                            cur.status = std::mem::replace(&mut rest.status, Status::Todo);
                        }
                        if cur.note.is_none() {
                            cur.note = rest.note.take();
                        }
                        if step_has_progress(&rest) {
                            self.steps.insert(StepId::from(old), rest);
                        }
                    }
                }
                any = true;
            }
            for r in self.reviews.values_mut() {
                if let Some(at) = r.in_progress.remove(old) {
                    r.in_progress.entry(StepId::from(new)).or_insert(at);
                    any = true;
                }
            }
            for inc in &mut self.incidents {
                if let Some(at) = inc.steps.remove(old) {
                    inc.steps.entry(StepId::from(new)).or_insert(at);
                    any = true;
                }
            }
            if any {
                moved.push((old.to_string(), new.to_string()));
            }
        }
        for (from, to) in &moved {
            self.log(
                now,
                EventKind::ProgressMoved {
                    from: from.clone(),
                    to: to.clone(),
                },
            );
        }
        moved
    }

    /// Progress the checklist has no step or section for, by key (see [`Orphan`]).
    pub fn orphans(&self, cl: &Checklist) -> Vec<Orphan> {
        let mut out = Vec::new();
        for (id, s) in &self.steps {
            if cl.step(id.as_str()).is_some() || !step_has_progress(s) {
                continue;
            }
            let mut what = match &s.status {
                Status::Todo => String::new(),
                Status::Done { at } => format!("done {}", at.date_naive()),
                Status::Skipped { reason, .. } => format!("skipped: {reason}"),
                Status::NotApplicable { .. } => "not applicable".into(),
                Status::Reverify { .. } => "to re-verify".into(),
            };
            if s.note.is_some() {
                what = if what.is_empty() {
                    "a note".into()
                } else {
                    format!("{what}, with a note")
                };
            }
            out.push(Orphan {
                key: format!("step:{id}"),
                what,
            });
        }
        for (id, r) in &self.reviews {
            if cl.section(id.as_str()).is_some() || !review_has_progress(r) {
                continue;
            }
            let what = match r.last() {
                Some(c) => format!("last done {}", c.date),
                None => "a run in progress".into(),
            };
            out.push(Orphan {
                key: format!("review:{id}"),
                what,
            });
        }
        out
    }

    /// The account meets its checklist (at every change, by the CLI and the TUI): progress under
    /// former ids follows them, an account saved by an earlier lockstep keeps the file it was
    /// silently following (now recorded), a change to the followed file is logged with what
    /// changed, and progress the checklist no longer has is logged when that set changes. Returns
    /// what to tell the user, once: nothing here is said again after it is saved.
    ///
    /// `name`: the account's name (for the commands the notices suggest); `unused`: user files
    /// with the checklist's id that are not used (see [`checklist::Resolved`]).
    pub fn observe(
        &mut self,
        name: &str,
        cl: &Checklist,
        origin: &Origin,
        unused: &[PathBuf],
        now: DateTime<Utc>,
    ) -> Vec<String> {
        let mut notices = Vec::new();
        let legacy = self.seen.is_none();
        self.follow_aliases(cl, now);
        let mut seen = self.seen.clone().unwrap_or_default();
        match origin {
            Origin::File { path, sha256 } => {
                let steps = step_digests(cl);
                let sections = section_digests(cl);
                if legacy && self.checklist_file.is_none() {
                    self.checklist_file = Some(path.clone());
                    self.log(
                        now,
                        EventKind::ChecklistFileKept {
                            file: path.display().to_string(),
                        },
                    );
                    if checklist::is_bundled(cl.id.as_str()) {
                        notices.push(format!(
                            "this account follows your file {} instead of the bundled checklist \
                             '{}' (an earlier lockstep used the file silently). It keeps following \
                             it; to use the bundled checklist: `lockstep accounts set-checklist \
                             {name} {}`",
                            path.display(),
                            cl.id,
                            cl.id
                        ));
                    }
                }
                if let Some(before) = seen.sha256.as_deref()
                    && before != sha256
                {
                    let event = changes(path, sha256, &seen, &steps, &sections, cl);
                    notices.push(format!(
                        "your checklist file {} changed since this account last used it: {}",
                        path.display(),
                        describe_changes(&event)
                    ));
                    self.log(now, event);
                }
                seen.sha256 = Some(sha256.clone());
                seen.steps = steps;
                seen.sections = sections;
            }
            Origin::Bundled => {
                if legacy && !unused.is_empty() {
                    let files: Vec<String> =
                        unused.iter().map(|p| p.display().to_string()).collect();
                    notices.push(format!(
                        "your files {} have the id '{}' of a bundled checklist; an earlier \
                         lockstep would have used one of them, chosen by file name. This account \
                         now follows the bundled checklist; to follow a file: `lockstep accounts \
                         set-checklist {name} --file PATH`",
                        files.join(", "),
                        cl.id
                    ));
                }
                seen.sha256 = None;
                seen.steps.clear();
                seen.sections.clear();
            }
        }
        let orphans = self.orphans(cl);
        let keys: Vec<String> = orphans.iter().map(|o| o.key.clone()).collect();
        if keys != seen.orphans {
            if !keys.is_empty() {
                let what: Vec<String> = orphans.iter().map(Orphan::describe).collect();
                notices.push(format!(
                    "progress is kept for ids this checklist no longer has (not shown, not \
                     counted, not deleted): {}",
                    what.join("; ")
                ));
                self.log(now, EventKind::ProgressOrphaned { ids: keys.clone() });
            }
            seen.orphans = keys;
        }
        self.seen = Some(seen);
        notices
    }

    /// What [`Account::observe`] would say, without changing anything (for read-only commands).
    pub fn pending_notices(
        &self,
        name: &str,
        cl: &Checklist,
        origin: &Origin,
        unused: &[PathBuf],
        now: DateTime<Utc>,
    ) -> Vec<String> {
        self.clone().observe(name, cl, origin, unused, now)
    }

    /// `accounts set-checklist`: the account follows `cl` from now on. Progress whose ids the new
    /// checklist has (directly or as former ids) carries over; the rest is kept in the state and
    /// reported, never deleted. Refused while an incident is open (its emergency steps are the
    /// old checklist's).
    pub fn set_checklist(
        &mut self,
        cl: &Checklist,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<Switched, OpError> {
        if let Some(i) = self.open_incident() {
            return Err(OpError::IncidentOpen(i.id));
        }
        self.checklist = cl.id.clone();
        self.checklist_file = origin.path().map(|p| p.to_path_buf());
        self.log(
            now,
            EventKind::ChecklistSet {
                checklist: cl.id.clone(),
                file: origin.path().map(|p| p.display().to_string()),
            },
        );
        let (kept_personas, dropped): (Vec<PersonaId>, Vec<PersonaId>) = self
            .personas
            .iter()
            .cloned()
            .partition(|p| cl.personas.iter().any(|x| &x.id == p));
        if !dropped.is_empty() {
            self.set_personas(kept_personas, now);
        }
        self.follow_aliases(cl, now);
        let orphans = self.orphans(cl);
        let kept = self
            .steps
            .iter()
            .filter(|(id, s)| cl.step(id.as_str()).is_some() && step_has_progress(s))
            .count()
            + self
                .reviews
                .iter()
                .filter(|(id, r)| cl.section(id.as_str()).is_some() && review_has_progress(r))
                .count();
        // Seen afresh: what was reported here is not reported again.
        self.seen = Some(Seen {
            orphans: orphans.iter().map(|o| o.key.clone()).collect(),
            ..Seen::default()
        });
        self.observe("", cl, origin, &[], now);
        Ok(Switched {
            kept,
            orphans,
            personas_dropped: dropped,
        })
    }

    /// Sets or clears the display label (trimmed; empty clears it). Refuses secrets and labels
    /// longer than [`MAX_LABEL`] characters. Returns false when nothing changed.
    pub fn set_label(&mut self, label: &str, now: DateTime<Utc>) -> Result<bool, OpError> {
        let label = label.trim();
        if label.chars().count() > MAX_LABEL {
            return Err(OpError::LabelTooLong(MAX_LABEL));
        }
        crate::guard::check_secret(label)?;
        let label = (!label.is_empty()).then(|| label.to_string());
        if label == self.label {
            return Ok(false);
        }
        self.label = label.clone();
        self.log(now, EventKind::AccountLabelled { label });
        Ok(true)
    }

    /// Records that the account, named `from` until now, is named `to` (the caller moves it in
    /// the state).
    pub fn renamed(&mut self, from: &str, to: &str, now: DateTime<Utc>) {
        self.former_names.push(FormerName {
            name: AccountName::from(from),
            until: now,
        });
        self.log(
            now,
            EventKind::AccountRenamed {
                from: AccountName::from(from),
                to: AccountName::from(to),
            },
        );
    }

    /// The label, or else the name.
    pub fn display<'a>(&'a self, name: &'a str) -> &'a str {
        self.label.as_deref().unwrap_or(name)
    }

    /// "Label (name)" when labelled, else the name.
    pub fn label_and_name(&self, name: &str) -> String {
        match &self.label {
            Some(l) if l != name => format!("{l} ({name})"),
            _ => name.to_string(),
        }
    }

    /// True when an event logged under `logged_as` at `at` is this account's (named `name`
    /// now): logged under its current name since its last rename, or under a former name while
    /// it had it, and never before the account was created. The one rule of [`own_events`] and
    /// of the history read backwards.
    ///
    /// [`own_events`]: Account::own_events
    pub fn owns(&self, name: &str, logged_as: &str, at: DateTime<Utc>) -> bool {
        let mut from = self.created;
        for f in &self.former_names {
            if f.name == logged_as && at >= from && at <= f.until {
                return true;
            }
            from = f.until;
        }
        logged_as == name && at >= from
    }

    /// This account's events in a history log that files events by account name, oldest first:
    /// under its current name since it took that name, and under each former name while it had
    /// it. Events under a name from before the account was created belong to an account that
    /// had the name earlier (and was removed or renamed).
    pub fn own_events<'h>(&self, name: &str, log: impl Fn(&str) -> &'h [Event]) -> Vec<Event> {
        let mut windows = Vec::new();
        let mut from = self.created;
        for f in &self.former_names {
            windows.push((f.name.as_str(), from, Some(f.until)));
            from = f.until;
        }
        windows.push((name, from, None));
        let mut out: Vec<Event> = Vec::new();
        for (n, from, until) in windows {
            out.extend(
                log(n)
                    .iter()
                    .filter(|e| e.at >= from && until.is_none_or(|u| e.at <= u))
                    .cloned(),
            );
        }
        // Stable: events at one instant keep their logged order.
        out.sort_by_key(|e| e.at);
        out
    }
}

/// The change event between what an account saw of a file and the file now.
fn changes(
    path: &std::path::Path,
    sha256: &str,
    seen: &Seen,
    steps: &BTreeMap<StepId, String>,
    sections: &BTreeMap<SectionId, String>,
    cl: &Checklist,
) -> EventKind {
    let renames = step_renames(cl);
    let renamed_from = |old: &str| renames.iter().find(|(o, _)| *o == old).map(|(_, n)| *n);
    let mut renamed = Vec::new();
    let mut removed = Vec::new();
    for old in seen.steps.keys().filter(|k| !steps.contains_key(*k)) {
        match renamed_from(old.as_str()) {
            Some(new) if !seen.steps.contains_key(new) => renamed.push(format!("{old} -> {new}")),
            _ => removed.push(old.clone()),
        }
    }
    let added = steps
        .keys()
        .filter(|k| !seen.steps.contains_key(*k))
        .filter(|k| {
            !renames
                .iter()
                .any(|(o, n)| n == k && seen.steps.contains_key(*o))
        })
        .cloned()
        .collect();
    let changed = steps
        .iter()
        .filter(|(k, d)| seen.steps.get(*k).is_some_and(|old| old != *d))
        .map(|(k, _)| k.clone())
        .collect();
    let sections_added = sections
        .keys()
        .filter(|k| !seen.sections.contains_key(*k))
        .cloned()
        .collect();
    let sections_removed = seen
        .sections
        .keys()
        .filter(|k| !sections.contains_key(*k))
        .cloned()
        .collect();
    let sections_changed = sections
        .iter()
        .filter(|(k, d)| seen.sections.get(*k).is_some_and(|old| old != *d))
        .map(|(k, _)| k.clone())
        .collect();
    EventKind::ChecklistChanged {
        file: path.display().to_string(),
        sha256: sha256.to_string(),
        added,
        removed,
        changed,
        renamed,
        sections_added,
        sections_removed,
        sections_changed,
    }
}

fn describe_changes(e: &EventKind) -> String {
    let EventKind::ChecklistChanged {
        added,
        removed,
        changed,
        renamed,
        sections_added,
        sections_removed,
        sections_changed,
        ..
    } = e
    else {
        return String::new();
    };
    change_summary(&[
        ("step added", "steps added", names(added)),
        ("step removed", "steps removed", names(removed)),
        (
            "step with changed text",
            "steps with changed text",
            names(changed),
        ),
        ("step renamed", "steps renamed", names(renamed)),
        ("section added", "sections added", names(sections_added)),
        (
            "section removed",
            "sections removed",
            names(sections_removed),
        ),
        (
            "section changed",
            "sections changed",
            names(sections_changed),
        ),
    ])
}
