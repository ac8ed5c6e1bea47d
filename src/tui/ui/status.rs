//! The status area above the footer: a message (why a note was refused, what was saved) over the
//! open prompt. The message is wrapped whole at every size: its full text when the screen has
//! room (taking rows from the body if it must), else its short form, and only on a screen too
//! small even for that is its end cut, with "…".

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{fg, text};
use crate::tui::app::App;

/// How the status area is laid out on a screen: the message's rows, the prompt's rows, and the
/// fewest rows left to the body.
#[derive(Debug)]
pub(super) struct Plan {
    lines: Vec<String>,
    style: Style,
    input_rows: u16,
    /// The status area's height.
    pub(super) height: u16,
    /// The body's least height: 3, or 1 when the message needs the rows.
    pub(super) body_min: u16,
}

/// The message: a save error wins over a flash message. (full text, short form, style)
fn message(app: &App) -> Option<(String, Option<String>, Style)> {
    if let Some(e) = &app.save_error {
        return Some((format!("NOT SAVED: {e}"), None, fg(app, Color::Red).bold()));
    }
    app.flash.as_ref().map(|f| {
        let mark = if f.error { "x" } else { "*" };
        let style = if f.error {
            fg(app, Color::Red).bold()
        } else {
            fg(app, Color::Green)
        };
        let short = f.short.as_ref().map(|s| format!("{mark} {s}"));
        (format!("{mark} {}", f.text), short, style)
    })
}

/// The prompt of the open input and whether it takes a row of its own above the field.
fn prompt(app: &App, width: usize) -> Option<(String, bool)> {
    app.input.as_ref().map(|i| {
        let p = format!("{}: ", i.kind.prompt());
        let two_rows = text::width(&p) + 20 > width;
        (p, two_rows)
    })
}

/// The rows of `full` (or of `short`) that fit in `room` rows of `width` columns, preferring the
/// full text with the body kept at `keep` rows.
fn fit(full: &str, short: Option<&str>, width: usize, keep: usize, room: usize) -> Vec<String> {
    let full_rows = text::wrap_rows(full, width);
    let short_rows = short.map(|s| text::wrap_rows(s, width));
    let candidates = [
        (Some(&full_rows), keep),
        (Some(&full_rows), room),
        (short_rows.as_ref(), keep),
        (short_rows.as_ref(), room),
    ];
    if let Some((rows, _)) = candidates
        .iter()
        .find(|(rows, n)| rows.is_some_and(|r| r.len() <= *n))
    {
        return rows.cloned().unwrap_or_default();
    }
    // Too small even for the short form: as many rows as there are, the last one cut.
    let mut rows = short_rows.unwrap_or(full_rows);
    rows.truncate(room);
    if let Some(last) = rows.last_mut() {
        while text::width(last) + 1 > width && last.pop().is_some() {}
        last.push('…');
    }
    rows
}

/// The status area's plan for a screen of `area` (header and footer take a row each).
pub(super) fn plan(app: &App, area: Rect) -> Plan {
    let width = area.width.max(1) as usize;
    let input_rows = prompt(app, width).map_or(0, |(_, two)| 1 + u16::from(two));
    let free = usize::from(area.height.saturating_sub(2 + input_rows));
    let (lines, style) = match message(app) {
        Some((full, short, style)) => (
            fit(
                &full,
                short.as_deref(),
                width,
                free.saturating_sub(3),
                free.saturating_sub(1),
            ),
            style,
        ),
        None => (Vec::new(), Style::new()),
    };
    let msg_rows = lines.len() as u16;
    Plan {
        body_min: if usize::from(msg_rows) + 3 <= free {
            3
        } else {
            1
        },
        height: (msg_rows + input_rows).max(1),
        lines,
        style,
        input_rows,
    }
}

/// Draws the message and the prompt with the typed text (the cursor after it).
pub(super) fn render(app: &App, frame: &mut Frame, area: Rect, plan: &Plan) {
    let [msg, line] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(plan.input_rows)]).areas(area);
    let rows: Vec<Line> = plan.lines.iter().map(|l| Line::raw(l.clone())).collect();
    frame.render_widget(Paragraph::new(rows).style(plan.style), msg);
    let (Some(input), Some((prompt, two_rows))) = (&app.input, prompt(app, area.width as usize))
    else {
        return;
    };
    let (prompt_area, field) = if two_rows {
        let [p, f] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(line);
        (p, f)
    } else {
        let w = (text::width(&prompt) as u16).min(line.width);
        let [p, f] = Layout::horizontal([Constraint::Length(w), Constraint::Min(1)]).areas(line);
        (p, f)
    };
    frame.render_widget(
        Paragraph::new(Span::styled(prompt, Style::new().bold())),
        prompt_area,
    );
    // The part of the text around the cursor that fits, and the terminal's cursor in it.
    let room = field.width.saturating_sub(1).max(1) as usize;
    let scroll = input.field.visual_scroll(room);
    frame.render_widget(
        Paragraph::new(input.text()).scroll((0, scroll as u16)),
        field,
    );
    let x = (input.field.visual_cursor().saturating_sub(scroll)) as u16;
    frame.set_cursor_position(Position::new(field.x + x.min(field.width), field.y));
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn the_full_text_when_it_fits_else_the_short_one_else_cut() {
        let full = "one two three four five six seven eight nine ten";
        let short = Some("one two");
        assert_eq!(fit(full, short, 20, 3, 5).len(), 3);
        assert_eq!(
            fit(full, short, 12, 3, 5).len(),
            5,
            "the body gives rows up"
        );
        assert_eq!(fit(full, short, 12, 3, 4), ["one two"]);
        let cut = fit(full, None, 10, 1, 2);
        assert_eq!(cut.len(), 2);
        assert!(
            cut[1].ends_with('…') && cut[1].chars().count() <= 10,
            "{cut:?}"
        );
    }
}
