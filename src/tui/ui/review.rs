//! A review (monthly, quarterly) or on-demand re-check: its items and the selected one's details.
//! Once a run is recorded the items stay ticked with "done on DATE; next due DATE" until the
//! next cycle begins.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, ListItem};

use super::text::{fit, hang, step_lines};
use super::{due_span, fg, render_details, render_list};
use crate::checklist::Step;
use crate::tui::app::{App, Hits, Screen};

/// Heights of a list above its details.
pub(super) fn list_and_detail(area: Rect, n: usize) -> (Rect, Rect) {
    let list_h = (n as u16 + 2).min(area.height / 2).max(3);
    let [a, b] = Layout::vertical([Constraint::Length(list_h), Constraint::Min(3)]).areas(area);
    (a, b)
}

pub(super) fn render(app: &App, frame: &mut Frame, area: Rect) -> Hits {
    let Screen::Review { section, .. } = app.screen() else {
        return Hits::default();
    };
    let Some(sec) = app.cl.section(section.as_str()) else {
        return Hits::default();
    };
    let steps = app.visible_steps(sec);
    let view = app.summary.review(section.as_str());
    let finished = view.is_some_and(|v| v.finished);
    let review = app.acct().reviews.get(&sec.id);
    let mut title = vec![Span::raw(format!(" {} ", sec.title))];
    match view {
        Some(v) if v.finished => {
            let last = v.last.map(|d| d.to_string()).unwrap_or_default();
            let text = match v.status.as_ref().and_then(|s| s.due.next()) {
                Some(next) => format!("| done on {last}; next due {next} "),
                None => format!("| done on {last} "),
            };
            title.push(Span::styled(text, fg(app, Color::Green)));
        }
        Some(v) => {
            if let Some(st) = &v.status {
                title.push(Span::raw("| "));
                title.push(due_span(app, &st.due, v.snoozed_until));
                title.push(Span::raw(" "));
            }
            if let Some(last) = v.last {
                title.push(Span::raw(format!("| last {last} ")));
            }
        }
        None => {}
    }
    // Inside the border and the "> " marker; rows are cut between words.
    let row_w = (area.width as usize).saturating_sub(4);
    let items: Vec<ListItem> = steps
        .iter()
        .map(|t| {
            let waits = app.summary.set_up_first(section.as_str(), t.id.as_str());
            // A recorded run ticks what it asked for; an item it did not need (its setup step
            // was never done) still says so, never a tick it did not get.
            let checked = (finished && waits.is_none())
                || review.is_some_and(|r| r.in_progress.contains_key(&t.id));
            if let Some(setup) = waits
                && !checked
            {
                return ListItem::new(Line::from(fit(
                    vec![
                        Span::styled("[~] ", fg(app, Color::DarkGray)),
                        Span::raw(t.title.clone()),
                        Span::styled(format!("  set up first: {setup}"), fg(app, Color::DarkGray)),
                    ],
                    row_w,
                )));
            }
            let (sym, style) = if checked {
                ("[x] ", fg(app, Color::Green))
            } else {
                ("[ ] ", Style::new())
            };
            ListItem::new(Line::from(fit(
                vec![Span::styled(sym, style), Span::raw(t.title.clone())],
                row_w,
            )))
        })
        .collect();
    let (la, da) = list_and_detail(area, items.len());
    let list = render_list(
        frame,
        la,
        items,
        Block::bordered().title(Line::from(title)),
        Some(app.cursor()),
    );
    let mut scroll_max = 0;
    if let Some(st) = steps.get(app.cursor()) {
        let block = Block::bordered();
        let w = block.inner(da).width as usize;
        let lines = detail_lines(app, section.as_str(), st, w);
        scroll_max = render_details(app, frame, da, lines, block);
    }
    Hits {
        list: Some(list),
        scroll_max,
        list_shown: false,
        ..Hits::default()
    }
}

/// The selected item's details: a wrong clock, "set up first" or the finding's question, then
/// the step and how the review is recorded.
fn detail_lines(app: &App, section: &str, st: &Step, w: usize) -> Vec<Line<'static>> {
    let view = app.summary.review(section);
    let finished = view.is_some_and(|v| v.finished);
    let mut lines = Vec::new();
    if let Some(c) = view.and_then(|v| v.clock_warning) {
        let warn = fg(app, Color::Yellow).bold();
        lines.extend(hang(vec![Span::styled("! ", warn)], &c.describe(), warn, w));
        lines.push(Line::raw(""));
    }
    if let Some(setup) = app.summary.set_up_first(section, st.id.as_str()) {
        let dim = fg(app, Color::Yellow).bold();
        lines.extend(hang(
            vec![Span::styled("Set up first: ", dim)],
            &format!(
                "{setup} (a setup step never done). Nothing to check here until then; the \
                 review is recorded without this item."
            ),
            Style::new(),
            w,
        ));
        lines.push(Line::raw(""));
    } else if st.finding && !finished {
        let bold = Style::new().bold();
        lines.extend(hang(
            vec![Span::styled("Look, then answer: ", bold)],
            "Space = looks good; w = something looks wrong (opens the emergency steps for \
             this account).",
            bold,
            w,
        ));
        lines.push(Line::raw(""));
    }
    lines.extend(step_lines(app, st, w, false));
    lines.push(Line::raw(""));
    let hint = if finished {
        "This run is recorded; the ticks stay until the next one begins."
    } else {
        "Check every item to record the review (items marked \"set up first\" excepted); \
         partial progress is kept."
    };
    lines.extend(hang(vec![], hint, fg(app, Color::DarkGray), w));
    lines
}
