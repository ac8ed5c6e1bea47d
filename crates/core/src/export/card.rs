//! The emergency card: one page of plain text to print or photograph for the day the computer
//! itself is not trusted. The emergency steps in order, what to do first, and the steps the
//! checklist puts on the card (the support channels). Checklist text only: no notes, no
//! tickets, nothing the user typed.

use crate::checklist::{Checklist, SectionKind, Step};
use crate::guard::line;

/// Columns the card is wrapped to (fits a printed page and a phone photo).
pub const CARD_WIDTH: usize = 76;

/// The card for `cl`; `about` is a line saying whose account and which checklist (None leaves
/// it out).
pub fn card(cl: &Checklist, about: Option<&str>) -> String {
    let mut out = Vec::new();
    let em = cl
        .sections
        .iter()
        .find(|s| s.kind == SectionKind::Emergency);
    out.push(format!("EMERGENCY CARD: {}", line(&cl.title)));
    if let Some(a) = about {
        out.extend(wrap(a, "", ""));
    }
    out.push(String::new());
    let Some(em) = em else {
        out.push(
            "This checklist has no emergency steps: contact the service's support directly.".into(),
        );
        return out.join("\n") + "\n";
    };
    if let Some(first) = em.steps.first() {
        out.push("FIRST, before anything else:".into());
        out.extend(wrap(&first.title, "  ", "  "));
        if let Some(h) = first.how.first() {
            out.extend(wrap(h, "  ", "  "));
        }
        out.push(String::new());
    }
    out.push(format!("Then, in order ({}):", line(&em.title)));
    for (i, t) in em.steps.iter().enumerate() {
        out.extend(step(t, &format!("{}. ", i + 1)));
    }
    let extra: Vec<&Step> = cl
        .sections
        .iter()
        .flat_map(|s| &s.steps)
        .filter(|t| t.card)
        .collect();
    for t in extra {
        out.push(String::new());
        out.extend(wrap(&t.title, "", ""));
        out.extend(wrap(&t.why, "  ", "  "));
        for h in &t.how {
            out.extend(wrap(h, "  - ", "    "));
        }
        for x in &t.warnings {
            out.extend(wrap(x, "  ! ", "    "));
        }
    }
    out.join("\n") + "\n"
}

/// One emergency step: its title, instructions and warnings.
fn step(t: &Step, number: &str) -> Vec<String> {
    let indent = " ".repeat(number.len());
    let mut out = wrap(&t.title, number, &indent);
    for h in &t.how {
        out.extend(wrap(h, &format!("{indent}- "), &format!("{indent}  ")));
    }
    for x in &t.warnings {
        out.extend(wrap(x, &format!("{indent}! "), &format!("{indent}  ")));
    }
    out
}

/// `text` wrapped to [`CARD_WIDTH`] at word boundaries, the first line after `first`, the
/// others after `rest`.
fn wrap(text: &str, first: &str, rest: &str) -> Vec<String> {
    let text = line(text);
    let mut lines = Vec::new();
    let mut cur = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && cur.chars().count() + 1 + word.chars().count() > CARD_WIDTH {
            lines.push(std::mem::replace(&mut cur, rest.to_string()));
            empty = true;
        }
        if !empty {
            cur.push(' ');
        }
        cur.push_str(word);
        empty = false;
    }
    lines.push(cur);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{BUNDLED, parse};

    #[test]
    fn the_card_puts_the_lock_first_and_fits_one_page() {
        for (name, text) in BUNDLED {
            let cl = parse(name, text).unwrap();
            let c = card(&cl, Some("Account: main"));
            let lines: Vec<&str> = c.lines().collect();
            assert!(lines.len() <= 60, "{name}: {} lines", lines.len());
            assert!(lines.iter().all(|l| l.chars().count() <= CARD_WIDTH), "{c}");
            let first = c.find("FIRST").unwrap();
            let lock = c.find("Lock").unwrap();
            assert!(first < lock, "{c}");
            assert!(c.contains("Prepare your support habits"), "{c}");
        }
    }
}
