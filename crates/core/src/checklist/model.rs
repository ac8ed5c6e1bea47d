//! The checklist data model: checklists, sections, steps, personas, and lookups on them. The
//! types are also the source of the JSON Schema for checklist authors (see `schema`): their doc
//! comments are its descriptions.

use chrono::NaiveDate;
#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::schema;
#[cfg(feature = "schema")]
use super::schema::{Date, HttpUrl, HttpsUrl, Id, Text};
use crate::ids::{ChecklistId, PersonaId, SectionId, StepId};

/// Lowest and highest `every_months` of a recurring section.
pub const EVERY_MONTHS: (u32, u32) = (1, 24);
/// Lowest and highest step `weight`.
pub const WEIGHT: (u32, u32) = (1, 10);
/// Lowest and highest `minutes` of a setup section (a working day at most).
pub const MINUTES: (u32, u32) = (1, 480);
/// Longest id, in characters.
pub const ID_MAX_CHARS: usize = 64;

/// One account-hardening checklist for lockstep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(title = "lockstep checklist", transform = schema::checklist_rules))]
pub struct Checklist {
    /// Where an editor finds this JSON Schema, e.g. "../checklist.schema.json" (written by
    /// `lockstep checklists --schema`). Optional; lockstep itself ignores it.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub json_schema: Option<String>,
    /// Version of the checklist format. Only version 1 exists.
    #[cfg_attr(feature = "schema", schemars(schema_with = "schema::format_version"))]
    pub schema: u32,
    /// Stable identifier of the checklist, e.g. "crypto-com"; name the file after it
    /// (crypto-com.json). A user checklist with the id of a bundled one replaces it.
    #[cfg_attr(feature = "schema", schemars(with = "Id"))]
    pub id: ChecklistId,
    /// Title shown in the TUI.
    #[cfg_attr(feature = "schema", schemars(with = "Text"))]
    pub title: String,
    /// The exchange or service the checklist hardens, e.g. "Crypto.com", or "Any exchange".
    #[cfg_attr(feature = "schema", schemars(with = "Text"))]
    pub service: String,
    /// Date the content was last checked against its sources, as YYYY-MM-DD.
    #[serde(deserialize_with = "schema::deserialize_date")]
    #[cfg_attr(feature = "schema", schemars(with = "Date"))]
    pub updated: NaiveDate,
    /// Public material the content is based on; steps stay faithful to it. Optional; default: [].
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Usage profiles a user can pick; steps can be limited to some of them. Optional; default: [].
    #[serde(default)]
    pub personas: Vec<Persona>,
    /// Ordered groups of steps: one-off setup, recurring reviews, event-triggered checks and at
    /// most one emergency procedure. At least one setup section.
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub sections: Vec<Section>,
}

/// A public document the checklist draws on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Title or description of the document.
    #[cfg_attr(feature = "schema", schemars(with = "Text"))]
    pub title: String,
    /// Its literal address (http:// or https://), or null when none is recorded. Never guess
    /// one. Optional.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<HttpUrl>"))]
    pub url: Option<String>,
}

/// A usage profile that tailors which steps apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Persona {
    /// Persona id that steps list in their personas, e.g. "holder". Unique in the checklist.
    #[cfg_attr(feature = "schema", schemars(with = "Id"))]
    pub id: PersonaId,
    /// Short label shown when the user picks personas.
    #[cfg_attr(feature = "schema", schemars(with = "Text"))]
    pub title: String,
    /// Who this persona is and what it mainly worries about. Optional; default: "".
    #[serde(default)]
    pub description: String,
}

/// When a section's steps are done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum SectionKind {
    /// Done once, in order (optionally with a time budget in `minutes`).
    Setup,
    /// Reviewed again every `every_months` months.
    Recurring,
    /// Checked after an event, e.g. a new integration.
    Event,
    /// Followed in order when something has gone wrong (at most one such section).
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

/// A group of steps of one kind. `minutes` is for setup sections only; `every_months` is
/// required on recurring sections and for them only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(transform = schema::section_rules))]
pub struct Section {
    /// Section id, unique in the checklist, e.g. "essentials". Reviews are recorded by it: to
    /// rename it, list the old id in `aliases`.
    #[cfg_attr(feature = "schema", schemars(with = "Id"))]
    pub id: SectionId,
    /// Former ids of this section, so recorded reviews follow a rename. Each is unique in the
    /// checklist and is no current section's id. Optional; default: [].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<Id>", extend("uniqueItems" = true)))]
    pub aliases: Vec<SectionId>,
    /// Section heading.
    #[cfg_attr(feature = "schema", schemars(with = "Text"))]
    pub title: String,
    /// setup, recurring, event or emergency.
    pub kind: SectionKind,
    /// Rough time budget of a setup section, in minutes (1-480), or null. Optional; setup
    /// sections only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(range(min = MINUTES.0, max = MINUTES.1)))]
    pub minutes: Option<u32>,
    /// Review interval of a recurring section in months (1 = monthly, 3 = quarterly; 1-24).
    /// Required on recurring sections, not allowed (or null) on the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(range(min = EVERY_MONTHS.0, max = EVERY_MONTHS.1)))]
    pub every_months: Option<u32>,
    /// A paragraph shown above the steps. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Text>"))]
    pub intro: Option<String>,
    /// Core controls, or persona-tailored advice (kept apart and counted less in the score).
    /// Optional; default: core.
    #[serde(default, skip_serializing_if = "SectionRole::is_core")]
    pub role: SectionRole,
    /// The steps, in the order they are done. At least one.
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub steps: Vec<Step>,
}

/// What a section's steps are for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
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

/// One action the user takes. `id`, `title`, `why` and `how` are required; the rest is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Step id, unique in the whole checklist (not just the section): progress is stored by it.
    /// Never reuse one for a different step; to rename a step, list the old id in `aliases`.
    #[cfg_attr(feature = "schema", schemars(with = "Id"))]
    pub id: StepId,
    /// Former ids of this step, so recorded progress follows a rename. Each is unique in the
    /// checklist and is no current step's id. Optional; default: [].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<Id>", extend("uniqueItems" = true)))]
    pub aliases: Vec<StepId>,
    /// Short imperative title; up to about 60 characters fits a terminal line.
    #[cfg_attr(feature = "schema", schemars(with = "Text"))]
    pub title: String,
    /// One to three sentences: what the step protects against.
    #[cfg_attr(feature = "schema", schemars(with = "Text"))]
    pub why: String,
    /// Short instructions, in order: at least one (five at most reads best).
    #[cfg_attr(feature = "schema", schemars(with = "Vec<Text>", length(min = 1)))]
    pub how: Vec<String>,
    /// In-app navigation exactly as the source gives it, one screen or menu item each, e.g.
    /// ["App", "Settings", "Security", "2FA"]. Never invent one. Optional; default: [].
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<Text>"))]
    pub path: Vec<String>,
    /// Pitfalls to show prominently. Optional; default: [].
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<Text>"))]
    pub warnings: Vec<String>,
    /// https:// addresses the source gives for this step. Never invent deep links. Optional;
    /// default: [].
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<HttpsUrl>"))]
    pub links: Vec<String>,
    /// Importance in the hardening score, 1 (minor) to 10 (critical, e.g. 2FA). Optional;
    /// default: 1.
    #[serde(default = "default_weight")]
    #[cfg_attr(feature = "schema", schemars(range(min = WEIGHT.0, max = WEIGHT.1)))]
    pub weight: u32,
    /// Ids of the personas this step is for, each declared in the checklist's personas; empty
    /// means everyone. Optional; default: [].
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<Id>", extend("uniqueItems" = true)))]
    pub personas: Vec<PersonaId>,
    /// A setup step this item depends on: when that step is not applicable to the account,
    /// neither is this one (an API-key audit when the account has no API keys). The id of
    /// another step of a setup section. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<Id>"))]
    pub requires: Option<StepId>,
    /// Setup steps only: this step may not apply to everyone (a feature the person may not use,
    /// such as API keys or sub-accounts), so it may be marked not applicable and then leaves the
    /// score's total. Any other step applies to everyone and can only be done, skipped or left
    /// open. Optional; default: false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub may_not_apply: bool,
    /// Review steps only: the item asks the person to look at something (the devices list, the
    /// security history, emails about whitelist or lock changes, API keys); the review offers
    /// "looks good" or "something looks wrong", which opens the emergency steps. Optional;
    /// default: false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub finding: bool,
    /// Printed on the emergency card (`lockstep card`) after the emergency steps: a step that
    /// names the support channels, say. Optional; default: false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub card: bool,
}

fn default_weight() -> u32 {
    1
}

impl Step {
    /// True when the step applies to a user with the given personas (empty = everyone).
    pub fn applies_to(&self, personas: &[PersonaId]) -> bool {
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
