//! The checklist data model: checklists, sections, steps, personas, and lookups on them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checklist {
    pub schema: u32,
    pub id: String,
    pub title: String,
    pub service: String,
    pub updated: NaiveDate,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub personas: Vec<Persona>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionKind {
    Setup,
    Recurring,
    Event,
    Emergency,
}

impl SectionKind {
    pub fn label(self) -> &'static str {
        match self {
            SectionKind::Setup => "setup",
            SectionKind::Recurring => "recurring",
            SectionKind::Event => "event",
            SectionKind::Emergency => "emergency",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
    pub kind: SectionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_months: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<String>,
    /// Core controls, or persona-tailored advice (kept apart and counted less in the score).
    #[serde(default, skip_serializing_if = "SectionRole::is_core")]
    pub role: SectionRole,
    pub steps: Vec<Step>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// What a section's steps are for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionRole {
    /// The account's security controls (the default).
    #[default]
    Core,
    /// Risk advice tailored to how the account is used: its own progress, a smaller score share.
    Advice,
}

impl SectionRole {
    pub fn is_core(&self) -> bool {
        *self == SectionRole::Core
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub why: String,
    pub how: Vec<String>,
    #[serde(default)]
    pub path: Vec<String>,
    #[serde(default)]
    pub warnings: Vec<String>,
    #[serde(default)]
    pub links: Vec<String>,
    #[serde(default = "default_weight")]
    pub weight: u32,
    #[serde(default)]
    pub personas: Vec<String>,
    /// A setup step this item depends on: when that step is not applicable to the account,
    /// neither is this one (an API-key audit when the account has no API keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

fn default_weight() -> u32 {
    1
}

impl Step {
    /// True when the step applies to a user with the given personas (empty = everyone).
    pub fn applies_to(&self, personas: &[String]) -> bool {
        self.personas.is_empty() || self.personas.iter().any(|p| personas.contains(p))
    }
}

impl Checklist {
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    pub fn sections_of(&self, kind: SectionKind) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(move |s| s.kind == kind)
    }

    /// Finds a step anywhere in the checklist with its section.
    pub fn step(&self, id: &str) -> Option<(&Section, &Step)> {
        self.sections
            .iter()
            .find_map(|s| s.steps.iter().find(|st| st.id == id).map(|st| (s, st)))
    }

    pub fn emergency(&self) -> Option<&Section> {
        self.sections_of(SectionKind::Emergency).next()
    }
}
