//! The version 1 state file (history kept inside each account), read only to migrate it.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::event::EventKind;
use super::model::{Account, Event, Incident, Review, State, StepState};
use crate::ids::{AccountName, ChecklistId, PersonaId, SectionId, StepId};

/// A version 1 state file, exactly as the previous release wrote it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateV1 {
    pub version: u32,
    #[serde(default, deserialize_with = "super::unique::map")]
    pub accounts: BTreeMap<AccountName, AccountV1>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountV1 {
    pub checklist: ChecklistId,
    #[serde(default)]
    pub personas: Vec<PersonaId>,
    #[serde(default)]
    pub personas_chosen: bool,
    pub created: DateTime<Utc>,
    #[serde(default, deserialize_with = "super::unique::map")]
    pub steps: BTreeMap<StepId, StepState>,
    #[serde(default, deserialize_with = "super::unique::map")]
    pub reviews: BTreeMap<SectionId, Review>,
    #[serde(default)]
    pub incidents: Vec<Incident>,
    #[serde(default)]
    pub history: Vec<Event>,
}

impl StateV1 {
    /// Splits a version 1 state into the version 2 snapshot and each account's history, losing
    /// nothing. `local_date` turns a UTC instant into the user's local date (for the date setup
    /// started, which version 1 derived from the history).
    pub fn migrate(
        self,
        local_date: impl Fn(DateTime<Utc>) -> NaiveDate,
    ) -> (State, Vec<(String, Vec<Event>)>) {
        let mut state = State::default();
        let mut history = Vec::new();
        for (name, a) in self.accounts {
            let started = a
                .history
                .iter()
                .find(|e| {
                    matches!(
                        e.kind,
                        EventKind::StepDone { .. }
                            | EventKind::StepSkipped { .. }
                            | EventKind::StepNotApplicable { .. }
                            | EventKind::ReviewCompleted { .. }
                    )
                })
                .map(|e| local_date(e.at));
            let account = Account {
                checklist: a.checklist,
                personas: a.personas,
                personas_chosen: a.personas_chosen,
                created: a.created,
                setup_started: started,
                steps: a.steps,
                reviews: a.reviews,
                incidents: a.incidents,
                label: None,
                checklist_file: None,
                seen: None,
                former_names: Vec::new(),
                new_events: Vec::new(),
            };
            history.push((name.to_string(), a.history));
            state.accounts.insert(name, account);
        }
        (state, history)
    }
}
