//! The walkthrough of a setup section: its steps with their markers beside the selected step's
//! details (side by side from 100 columns; Tab toggles the list), and the section's end.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, ListItem};

use super::text::{hang, source_line, step_lines, width};
use super::{fg, render_details, render_list, status_style};
use crate::tui::app::{App, Hits, Screen};

/// From this width the list of steps is shown beside the details unless hidden with Tab.
pub const WIDE: u16 = 100;

/// `list`: the list of steps shown or hidden with Tab (None: shown from [`WIDE`] columns).
pub(super) fn render(app: &App, frame: &mut Frame, area: Rect, list: Option<bool>) -> Hits {
    let Some(section) = app.walk_section() else {
        return Hits::default();
    };
    let steps = app.visible_steps(section);
    let n = steps.len();
    let at_end = matches!(app.screen(), Screen::SectionEnd { .. });
    let index = match app.screen() {
        Screen::Walkthrough { index, .. } => (*index).min(n.saturating_sub(1)),
        _ => n,
    };
    let (done, counted) = app
        .summary
        .score
        .section(section.id.as_str())
        .map_or((0, 0), |x| (x.done, x.applicable));
    let wide = area.width >= WIDE;
    let shown = list.unwrap_or(wide);
    let (list_area, detail_area) = if !shown {
        (None, area)
    } else if wide {
        let longest = steps.iter().map(|t| width(&t.title)).max().unwrap_or(10);
        // As wide as the longest title needs, leaving the details at least 56 columns.
        let most = (area.width * 2 / 5).max(area.width.saturating_sub(56));
        let w = (longest as u16 + 12).clamp(30, most);
        let [l, d] = Layout::horizontal([Constraint::Length(w), Constraint::Min(20)]).areas(area);
        (Some(l), d)
    } else {
        let h = (n as u16 + 3).min(area.height / 2).max(3);
        let [l, d] = Layout::vertical([Constraint::Length(h), Constraint::Min(3)]).areas(area);
        (Some(l), d)
    };
    let list = list_area.map(|la| {
        // Inside the border and the "> " marker; a long title is cut between words (the
        // details beside it show it whole).
        let row_w = (la.width as usize).saturating_sub(4);
        let mut items: Vec<ListItem> = steps
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let st = app.acct().status(t.id.as_str());
                ListItem::new(Line::from(super::text::fit(
                    vec![
                        Span::raw(format!("{:>2}. ", i + 1)),
                        Span::styled(format!("{} ", st.symbol()), status_style(app, st)),
                        Span::raw(t.title.clone()),
                    ],
                    row_w,
                )))
            })
            .collect();
        items.push(ListItem::new(Line::styled(
            "    end of section",
            fg(app, Color::DarkGray),
        )));
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .title(format!(" {} {done}/{counted} ", section.title));
        render_list(frame, la, items, block, Some(index))
    });
    let where_ = if at_end {
        "end".to_string()
    } else {
        format!("step {} of {n}", index + 1)
    };
    let toggle = if shown { "" } else { "| Tab: list " };
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .title(format!(
            " {} | {where_} | {done}/{counted} done {toggle}",
            section.title
        ));
    let w = block.inner(detail_area).width as usize;
    let mut lines = source_line(app, w);
    lines.extend(if at_end {
        end_lines(app, w)
    } else {
        step_lines(app, steps[index], w, true)
    });
    let scroll_max = render_details(app, frame, detail_area, lines, block);
    Hits {
        list,
        scroll_max,
        list_shown: shown,
        ..Hits::default()
    }
}

/// The section's end: the steps still open, by number, and the next unfinished section.
fn end_lines(app: &App, w: usize) -> Vec<Line<'static>> {
    let Some(section) = app.walk_section() else {
        return Vec::new();
    };
    let bold = Style::new().bold();
    let open = app.open_steps();
    let n = app.visible_steps(section).len();
    // The same numbers as the title: steps done of the steps that count.
    let (done, counted) = app
        .summary
        .score
        .section(section.id.as_str())
        .map_or((0, 0), |x| (x.done, x.applicable));
    let na = match n.saturating_sub(counted) {
        0 => String::new(),
        k => format!("; {k} not applicable (left the total)"),
    };
    let mut lines = hang(
        vec![],
        &format!(
            "End of {}: {done} of {counted} steps done{na}.",
            section.title
        ),
        bold,
        w,
    );
    lines.push(Line::raw(""));
    if open.is_empty() {
        lines.push(Line::styled(
            "Every step of this section is done.",
            fg(app, Color::Green),
        ));
    } else {
        // Digits reach steps 1 to 9; beyond them, the arrows do.
        let how = if open.iter().any(|(i, _)| *i >= 9) {
            "press its number (1-9) or ←/PgUp to go back to it"
        } else {
            "press its number to go back to it"
        };
        lines.extend(hang(
            vec![],
            &format!("Still open ({}; {how}):", open.len()),
            bold,
            w,
        ));
        for (i, t) in &open {
            let st = app.acct().status(t.id.as_str());
            let extra = match st {
                crate::state::Status::Skipped { reason, .. } => {
                    format!(" (skipped: {})", crate::guard::line(reason))
                }
                _ => format!(" ({})", st.label()),
            };
            lines.extend(hang(
                vec![
                    Span::raw(format!("{:>4}. ", i + 1)),
                    Span::styled(format!("{} ", st.symbol()), status_style(app, st)),
                ],
                &format!("{}{extra}", t.title),
                Style::new(),
                w,
            ));
        }
    }
    lines.push(Line::raw(""));
    match app.next_unfinished() {
        Some(next) => {
            let left = app
                .visible_steps(next)
                .iter()
                .filter(|t| crate::tui::app::is_open(app.acct().status(t.id.as_str())))
                .count();
            lines.extend(hang(
                vec![Span::styled("Next  ", bold)],
                &format!(
                    "{} ({left} step{} open): press Enter to go on, q for the dashboard.",
                    next.title,
                    if left == 1 { "" } else { "s" }
                ),
                Style::new(),
                w,
            ));
        }
        None => lines.extend(hang(
            vec![Span::styled("Next  ", bold)],
            "every other setup section is done. q: back to the dashboard (reviews are scheduled there).",
            Style::new(),
            w,
        )),
    }
    lines
}
