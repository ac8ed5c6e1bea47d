//! Semantic validation of a parsed checklist: ids and aliases, kinds, intervals, weights, text,
//! links and persona references. Every rule a JSON Schema can express is also in the schema
//! (`schema`); the others are listed in `VALIDATOR_ONLY_RULES`.

use std::collections::HashMap;

use super::SCHEMA_VERSION;
use super::model::{Checklist, EVERY_MONTHS, MINUTES, Section, SectionKind, Step, WEIGHT};
use super::schema::{is_http_url, is_https_url, is_id, is_text};

const KEBAB: &str =
    "must be kebab-case: a-z, 0-9 and single '-' between words (at most 64 characters)";
const NOT_BLANK: &str = "must not be empty or only spaces";

/// The candidate closest to `word` (a typo: at most a third of its letters off), if any.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, c.len().abs_diff(word.len())))
        .map(|(_, c)| c)
}

/// Edit distance where swapping two neighbouring letters counts once (optimal string alignment).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// Records where each id was first seen; reports a later one with that place.
#[derive(Default)]
struct FirstSeen<'a>(HashMap<&'a str, String>);

impl<'a> FirstSeen<'a> {
    /// `None` the first time, else the path of the first occurrence.
    fn see(&mut self, id: &'a str, path: &str) -> Option<&String> {
        use std::collections::hash_map::Entry;
        match self.0.entry(id) {
            Entry::Vacant(v) => {
                v.insert(path.to_string());
                None
            }
            Entry::Occupied(o) => Some(o.into_mut()),
        }
    }
}

/// Semantic checks after parsing. Returns (field path, message) pairs.
pub fn validate(c: &Checklist) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    // A macro, not a closure: the helpers below borrow `out` between the checks.
    macro_rules! err {
        ($p:expr, $m:expr $(,)?) => {
            out.push(($p, $m.to_string()))
        };
    }
    let declared = check_head(c, &mut out);
    if c.sections.is_empty() {
        err!("sections".into(), "a checklist needs at least one section");
    } else if !c.sections.iter().any(|s| s.kind == SectionKind::Setup) {
        err!(
            "sections".into(),
            "a checklist needs at least one setup section (kind \"setup\")",
        );
    }
    let emergencies: Vec<usize> = (0..c.sections.len())
        .filter(|&i| c.sections[i].kind == SectionKind::Emergency)
        .collect();
    for &i in emergencies.iter().skip(1) {
        err!(
            format!("sections[{i}].kind"),
            &format!(
                "at most one emergency section is allowed (the first is sections[{}])",
                emergencies[0]
            ),
        );
    }

    // Every current id first (with its first place), so that a duplicate names the first place
    // and an alias can be checked against an id that comes later in the file.
    let mut section_ids = FirstSeen::default();
    let mut step_ids = FirstSeen::default();
    let mut duplicate_section = HashMap::new();
    let mut duplicate_step = HashMap::new();
    for (si, s) in c.sections.iter().enumerate() {
        if let Some(first) = section_ids.see(s.id.as_str(), &format!("sections[{si}].id")) {
            duplicate_section.insert(si, first.clone());
        }
        for (ti, t) in s.steps.iter().enumerate() {
            if let Some(first) =
                step_ids.see(t.id.as_str(), &format!("sections[{si}].steps[{ti}].id"))
            {
                duplicate_step.insert((si, ti), first.clone());
            }
        }
    }
    let mut section_aliases = FirstSeen::default();
    let mut step_aliases = FirstSeen::default();

    for (si, s) in c.sections.iter().enumerate() {
        let sp = format!("sections[{si}]");
        if !is_id(s.id.as_str()) {
            err!(format!("{sp}.id"), KEBAB);
        }
        if let Some(first) = duplicate_section.get(&si) {
            err!(
                format!("{sp}.id"),
                &format!("duplicate section id '{}' (first at {first})", s.id),
            );
        }
        for (p, m) in alias_problems(
            &s.aliases,
            &sp,
            "section",
            &section_ids,
            &mut section_aliases,
        ) {
            err!(p, &m);
        }
        check_section(s, &sp, &mut out);
        for (ti, t) in s.steps.iter().enumerate() {
            let tp = format!("{sp}.steps[{ti}]");
            if !is_id(t.id.as_str()) {
                err!(format!("{tp}.id"), KEBAB);
            }
            if let Some(first) = duplicate_step.get(&(si, ti)) {
                err!(
                    format!("{tp}.id"),
                    &format!(
                        "duplicate step id '{}' (first at {first}; step ids are unique in the whole checklist)",
                        t.id
                    ),
                );
            }
            for (p, m) in alias_problems(&t.aliases, &tp, "step", &step_ids, &mut step_aliases) {
                err!(p, &m);
            }
            check_step(c, s, t, &tp, &declared, &mut out);
        }
    }
    out
}

/// The checklist's own fields and its personas; returns the declared persona ids.
fn check_head<'a>(c: &'a Checklist, out: &mut Vec<(String, String)>) -> Vec<&'a str> {
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
    if !is_id(c.id.as_str()) {
        err("id".into(), KEBAB);
    }
    if !is_text(&c.title) {
        err("title".into(), NOT_BLANK);
    }
    if !is_text(&c.service) {
        err("service".into(), NOT_BLANK);
    }
    for (i, s) in c.sources.iter().enumerate() {
        if !is_text(&s.title) {
            err(format!("sources[{i}].title"), NOT_BLANK);
        }
        if let Some(u) = &s.url
            && !is_http_url(u)
        {
            err(
                format!("sources[{i}].url"),
                "must be an http:// or https:// address with a host and no spaces",
            );
        }
    }
    let mut persona_ids = FirstSeen::default();
    for (i, p) in c.personas.iter().enumerate() {
        let path = format!("personas[{i}].id");
        if !is_id(p.id.as_str()) {
            err(path.clone(), KEBAB);
        }
        if let Some(first) = persona_ids.see(p.id.as_str(), &path) {
            let m = format!("duplicate persona id '{}' (first at {first})", p.id);
            err(path, &m);
        }
        if !is_text(&p.title) {
            err(format!("personas[{i}].title"), NOT_BLANK);
        }
    }
    let mut declared: Vec<&str> = Vec::new();
    for p in &c.personas {
        if !declared.contains(&p.id.as_str()) {
            declared.push(p.id.as_str());
        }
    }
    declared
}

/// A section's own fields (not its id or aliases, which are checked against the whole file).
fn check_section(s: &Section, sp: &str, out: &mut Vec<(String, String)>) {
    let mut err = |p: String, m: &str| out.push((p, m.to_string()));
    if !is_text(&s.title) {
        err(format!("{sp}.title"), NOT_BLANK);
    }
    let (lo, hi) = EVERY_MONTHS;
    match (s.kind, s.every_months) {
        (SectionKind::Recurring, None) => err(
            format!("{sp}.every_months"),
            "a recurring section needs every_months (1 = monthly, 3 = quarterly)",
        ),
        (SectionKind::Recurring, Some(m)) if !(lo..=hi).contains(&m) => err(
            format!("{sp}.every_months"),
            &format!("must be between {lo} and {hi}"),
        ),
        (k, Some(_)) if k != SectionKind::Recurring => err(
            format!("{sp}.every_months"),
            "only recurring sections have every_months",
        ),
        _ => {}
    }
    if let Some(m) = s.minutes {
        let (lo, hi) = MINUTES;
        if s.kind != SectionKind::Setup {
            err(format!("{sp}.minutes"), "only setup sections have minutes");
        } else if !(lo..=hi).contains(&m) {
            err(
                format!("{sp}.minutes"),
                &format!("must be between {lo} and {hi}"),
            );
        }
    }
    if let Some(intro) = &s.intro
        && !is_text(intro)
    {
        err(format!("{sp}.intro"), NOT_BLANK);
    }
    if s.steps.is_empty() {
        err(format!("{sp}.steps"), "a section needs at least one step");
    }
}

/// A step's own fields, its `requires` and its personas.
fn check_step(
    c: &Checklist,
    s: &Section,
    t: &Step,
    tp: &str,
    declared: &[&str],
    out: &mut Vec<(String, String)>,
) {
    let mut err = |p: String, m: &str| out.push((p, m.to_string()));
    if !is_text(&t.title) {
        err(format!("{tp}.title"), NOT_BLANK);
    }
    if !is_text(&t.why) {
        err(format!("{tp}.why"), NOT_BLANK);
    }
    if t.how.is_empty() {
        err(format!("{tp}.how"), "needs at least one instruction");
    }
    for (field, items) in [
        ("how", &t.how),
        ("path", &t.path),
        ("warnings", &t.warnings),
    ] {
        for (i, item) in items.iter().enumerate() {
            if !is_text(item) {
                err(format!("{tp}.{field}[{i}]"), NOT_BLANK);
            }
        }
    }
    for (li, l) in t.links.iter().enumerate() {
        if !is_https_url(l) {
            err(
                format!("{tp}.links[{li}]"),
                "must be an https:// address with a host and no spaces",
            );
        }
    }
    let (lo, hi) = WEIGHT;
    if !(lo..=hi).contains(&t.weight) {
        err(
            format!("{tp}.weight"),
            &format!("must be between {lo} and {hi}"),
        );
    }
    if t.may_not_apply && s.kind != SectionKind::Setup {
        err(
            format!("{tp}.may_not_apply"),
            "only steps of setup sections can be marked as possibly not applicable",
        );
    }
    if t.finding && !matches!(s.kind, SectionKind::Recurring | SectionKind::Event) {
        err(
            format!("{tp}.finding"),
            "only steps of review sections (recurring or event) can be findings",
        );
    }
    if let Some(r) = &t.requires
        && let Some(m) = requires_problem(c, t.id.as_str(), r.as_str())
    {
        err(format!("{tp}.requires"), &m);
    }
    let mut listed = FirstSeen::default();
    for (pi, p) in t.personas.iter().enumerate() {
        let pp = format!("{tp}.personas[{pi}]");
        if let Some(first) = listed.see(p.as_str(), &pp) {
            let m = format!("persona '{p}' is listed twice (first at {first})");
            err(pp.clone(), &m);
        }
        if !declared.contains(&p.as_str()) {
            err(pp, &unknown_persona(p.as_str(), declared));
        }
    }
}

fn unknown_persona(p: &str, declared: &[&str]) -> String {
    if declared.is_empty() {
        return format!(
            "unknown persona '{p}': the checklist declares no personas (add it to the top-level personas)"
        );
    }
    let hint = did_you_mean(p, declared.iter().copied())
        .map(|d| format!("did you mean '{d}'? "))
        .unwrap_or_default();
    format!(
        "unknown persona '{p}' ({hint}declared: {}; declare it in personas)",
        declared.join(", ")
    )
}

/// What is wrong with a step's `requires`, if anything.
fn requires_problem(c: &Checklist, id: &str, r: &str) -> Option<String> {
    if r == id {
        return Some("a step cannot require itself".into());
    }
    match c.step(r) {
        Some((s, _)) if s.kind == SectionKind::Setup => None,
        Some(_) => Some(format!(
            "'{r}' is not a setup step (only setup steps can be required)"
        )),
        None => {
            let renamed = c
                .sections
                .iter()
                .flat_map(|s| &s.steps)
                .find(|t| t.aliases.iter().any(|a| a == r));
            if let Some(t) = renamed {
                return Some(format!(
                    "'{r}' is a former id of step '{}': require '{}'",
                    t.id, t.id
                ));
            }
            let setup = c
                .sections_of(SectionKind::Setup)
                .flat_map(|s| &s.steps)
                .map(|t| t.id.as_str());
            let hint = did_you_mean(r, setup)
                .map(|d| format!("; did you mean '{d}'?"))
                .unwrap_or_default();
            Some(format!(
                "unknown step '{r}' (requires names a setup step id{hint})"
            ))
        }
    }
}

/// Problems with one step's or section's aliases: not kebab-case, a current id of the same kind,
/// or already an alias (anywhere in the checklist).
fn alias_problems<'a, A: AsRef<str>>(
    aliases: &'a [A],
    path: &str,
    what: &str,
    current: &FirstSeen<'_>,
    seen: &mut FirstSeen<'a>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (ai, a) in aliases.iter().enumerate() {
        let a = a.as_ref();
        let ap = format!("{path}.aliases[{ai}]");
        if !is_id(a) {
            out.push((ap.clone(), KEBAB.to_string()));
        }
        if let Some(at) = current.0.get(a) {
            out.push((
                ap.clone(),
                format!(
                    "alias '{a}' is the id of a current {what} ({at}); an alias names a former id"
                ),
            ));
        }
        if let Some(first) = seen.see(a, &ap) {
            out.push((ap, format!("duplicate alias '{a}' (first at {first})")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("hodler", ["holder", "trader"]), Some("holder"));
        assert_eq!(did_you_mean("titel", ["id", "title", "why"]), Some("title"));
        assert_eq!(did_you_mean("colour", ["color", "title"]), Some("color"));
        assert_eq!(did_you_mean("Holder", ["holder"]), Some("holder"));
        assert_eq!(did_you_mean("zzz", ["holder", "trader"]), None);
        assert_eq!(did_you_mean("x", ["id"]), None);
        assert_eq!(
            did_you_mean("a3", ["a", "a2"]),
            Some("a2"),
            "same length first"
        );
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
