//! Semantic validation of a parsed checklist: ids, kinds, intervals, weights, links, personas.

use std::collections::HashSet;

use super::SCHEMA_VERSION;
use super::model::{Checklist, SectionKind};

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Semantic checks after parsing. Returns (field path, message) pairs.
pub fn validate(c: &Checklist) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut err = |p: String, m: &str| out.push((p, m.to_string()));
    if c.schema != SCHEMA_VERSION {
        err(
            "schema".into(),
            &format!(
                "unsupported schema version {} (this lockstep reads version {SCHEMA_VERSION})",
                c.schema
            ),
        );
    }
    if !is_id(&c.id) {
        err("id".into(), "must be kebab-case: a-z, 0-9 and '-'");
    }
    if c.title.trim().is_empty() {
        err("title".into(), "must not be empty");
    }
    if c.service.trim().is_empty() {
        err("service".into(), "must not be empty");
    }
    for (i, s) in c.sources.iter().enumerate() {
        if let Some(u) = &s.url
            && !(u.starts_with("https://") || u.starts_with("http://"))
        {
            err(format!("sources[{i}].url"), "must be an http(s) URL");
        }
    }
    let mut persona_ids = HashSet::new();
    for (i, p) in c.personas.iter().enumerate() {
        if !is_id(&p.id) {
            err(format!("personas[{i}].id"), "must be kebab-case");
        }
        if !persona_ids.insert(p.id.as_str()) {
            err(format!("personas[{i}].id"), "duplicate persona id");
        }
    }
    if c.sections.is_empty() {
        err("sections".into(), "a checklist needs at least one section");
    }
    if !c.sections.iter().any(|s| s.kind == SectionKind::Setup) {
        err(
            "sections".into(),
            "a checklist needs at least one setup section",
        );
    }
    if c.sections_of(SectionKind::Emergency).count() > 1 {
        err(
            "sections".into(),
            "at most one emergency section is allowed",
        );
    }
    let mut section_ids = HashSet::new();
    let mut step_ids = HashSet::new();
    for (si, s) in c.sections.iter().enumerate() {
        let sp = format!("sections[{si}]");
        if !is_id(&s.id) {
            err(format!("{sp}.id"), "must be kebab-case: a-z, 0-9 and '-'");
        }
        if !section_ids.insert(s.id.as_str()) {
            err(
                format!("{sp}.id"),
                &format!("duplicate section id '{}'", s.id),
            );
        }
        if s.title.trim().is_empty() {
            err(format!("{sp}.title"), "must not be empty");
        }
        match (s.kind, s.every_months) {
            (SectionKind::Recurring, None) => err(
                format!("{sp}.every_months"),
                "a recurring section needs every_months (1 = monthly, 3 = quarterly)",
            ),
            (SectionKind::Recurring, Some(m)) if !(1..=24).contains(&m) => {
                err(format!("{sp}.every_months"), "must be between 1 and 24")
            }
            (k, Some(_)) if k != SectionKind::Recurring => err(
                format!("{sp}.every_months"),
                "only recurring sections have every_months",
            ),
            _ => {}
        }
        if s.minutes.is_some() && s.kind != SectionKind::Setup {
            err(format!("{sp}.minutes"), "only setup sections have minutes");
        }
        if s.steps.is_empty() {
            err(format!("{sp}.steps"), "a section needs at least one step");
        }
        for (ti, t) in s.steps.iter().enumerate() {
            let tp = format!("{sp}.steps[{ti}]");
            if !is_id(&t.id) {
                err(format!("{tp}.id"), "must be kebab-case: a-z, 0-9 and '-'");
            }
            if !step_ids.insert(t.id.as_str()) {
                err(
                    format!("{tp}.id"),
                    &format!(
                        "duplicate step id '{}' (step ids are unique per checklist)",
                        t.id
                    ),
                );
            }
            if t.title.trim().is_empty() {
                err(format!("{tp}.title"), "must not be empty");
            }
            if t.why.trim().is_empty() {
                err(format!("{tp}.why"), "must not be empty");
            }
            if t.how.is_empty() {
                err(format!("{tp}.how"), "needs at least one instruction");
            }
            if !(1..=10).contains(&t.weight) {
                err(format!("{tp}.weight"), "must be between 1 and 10");
            }
            for (li, l) in t.links.iter().enumerate() {
                if !l.starts_with("https://") {
                    err(format!("{tp}.links[{li}]"), "must be an https:// URL");
                }
            }
            if let Some(r) = &t.requires {
                match c.step(r) {
                    _ if r == &t.id => {
                        err(format!("{tp}.requires"), "a step cannot require itself")
                    }
                    Some((rs, _)) if rs.kind == SectionKind::Setup => {}
                    Some(_) => err(
                        format!("{tp}.requires"),
                        &format!("'{r}' is not a setup step (only setup steps can be required)"),
                    ),
                    None => err(
                        format!("{tp}.requires"),
                        &format!("unknown step '{r}' (requires names a setup step id)"),
                    ),
                }
            }
            for (pi, p) in t.personas.iter().enumerate() {
                if !persona_ids.contains(p.as_str()) {
                    err(
                        format!("{tp}.personas[{pi}]"),
                        &format!("unknown persona '{p}' (declare it in personas)"),
                    );
                }
            }
        }
    }
    out
}
