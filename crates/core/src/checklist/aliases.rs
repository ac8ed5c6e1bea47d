//! Former ids: a step or section may list the ids it had before (`aliases`), so that progress
//! recorded under them follows it. An alias that is some step's (or section's) id now is ignored.

use super::model::{Checklist, Section, Step};
use crate::ids::SectionId;

/// (former id, current id) for every step alias that no step has as its id now.
pub fn step_renames(cl: &Checklist) -> Vec<(&str, &str)> {
    cl.sections
        .iter()
        .flat_map(|s| s.steps.iter())
        .flat_map(|t| t.aliases.iter().map(move |a| (a.as_str(), t.id.as_str())))
        .filter(|(old, new)| old != new && cl.step(old).is_none())
        .collect()
}

/// (former id, current id) for every section alias that no section has as its id now.
pub fn section_renames(cl: &Checklist) -> Vec<(&str, &str)> {
    renames(
        cl.sections
            .iter()
            .map(|s| (s.id.as_str(), s.aliases.as_slice())),
    )
}

/// (former id, current id) for every alias of these (id, aliases) sections that no section has
/// as its id now: the one rule, for a checklist and for an outline.
pub fn renames<'a, I>(sections: I) -> Vec<(&'a str, &'a str)>
where
    I: Iterator<Item = (&'a str, &'a [SectionId])> + Clone,
{
    let ids = sections.clone();
    sections
        .flat_map(|(id, aliases)| aliases.iter().map(move |a| (a.as_str(), id)))
        .filter(|(old, new)| old != new && !ids.clone().any(|(id, _)| id == *old))
        .collect()
}

/// The former ids of section `id` among `renames` (see [`section_renames`]).
pub fn former_ids<'a>(renames: &[(&'a str, &str)], id: &str) -> Vec<&'a str> {
    renames
        .iter()
        .filter(|(_, new)| *new == id)
        .map(|(old, _)| *old)
        .collect()
}

/// The step with this id, or the step that had it as a former id.
pub fn step_by_any_id<'c>(cl: &'c Checklist, id: &str) -> Option<(&'c Section, &'c Step)> {
    cl.step(id).or_else(|| {
        let (_, now) = step_renames(cl).into_iter().find(|(old, _)| *old == id)?;
        cl.step(now)
    })
}

/// The section with this id, or the section that had it as a former id.
pub fn section_by_any_id<'c>(cl: &'c Checklist, id: &str) -> Option<&'c Section> {
    cl.section(id).or_else(|| {
        let (_, now) = section_renames(cl)
            .into_iter()
            .find(|(old, _)| *old == id)?;
        cl.section(now)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{BUNDLED, parse};

    #[test]
    fn former_ids_find_the_renamed_step_and_section() {
        let mut cl = parse("crypto-com.json", BUNDLED[0].1).unwrap();
        cl.sections[0].steps[0].aliases = vec!["old-2fa".into(), "passkeys".into()];
        cl.sections[3].aliases = vec!["monthly-old".into()];
        let first = cl.sections[0].steps[0].id.clone();
        assert_eq!(step_renames(&cl), [("old-2fa", first.as_str())]);
        assert_eq!(step_by_any_id(&cl, "old-2fa").unwrap().1.id, first);
        // An alias that is another step's id now is that step.
        assert_eq!(step_by_any_id(&cl, "passkeys").unwrap().1.id, "passkeys");
        let id = cl.sections[3].id.clone();
        assert_eq!(section_by_any_id(&cl, "monthly-old").unwrap().id, id);
        assert!(section_by_any_id(&cl, "nope").is_none());
    }
}
