//! The emergency screen: the steps, readable at once; until an incident is started nothing is
//! recorded, and the screen names the one key that starts it. During an incident: the steps
//! with their times, the log, and what remains once they are done.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, ListItem, Paragraph};

use super::text::{hang, step_lines};
use super::{alert, fg, render_details, render_list};
use crate::tui::app::{App, Hits};

#[allow(clippy::too_many_lines)] // over 100 lines from before the lint: to split (ARCHITECTURE.md)
pub(super) fn render(app: &App, frame: &mut Frame, area: Rect) -> Hits {
    let red = fg(app, Color::Red).add_modifier(Modifier::BOLD);
    let Some(em) = app.cl.emergency() else {
        return Hits::default();
    };
    let inc = app.acct().open_incident();
    let title = match inc {
        Some(i) => format!(
            " !! COMPROMISE MODE !! incident #{} opened {} UTC, {} ago ",
            i.id,
            i.opened.format("%Y-%m-%d %H:%M"),
            crate::export::elapsed(i.opened, app.now)
        ),
        None => " !! COMPROMISE MODE !! not started: nothing is recorded yet ".to_string(),
    };
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(red)
        .title(Span::styled(title, red));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;

    // Above the steps: how to start (before an incident), or what remains (all steps done).
    let remaining = app.summary.next.emergency.len();
    let intro: Vec<Line> = match inc {
        None => {
            let reopen = app
                .summary
                .score
                .sections
                .iter()
                .map(|s| s.done)
                .sum::<usize>();
            let reopens = match reopen {
                0 => "records the time and makes reviews due".to_string(),
                1 => "records the time, reopens your 1 done setup step for re-verification \
                      and makes reviews due"
                    .into(),
                n => format!(
                    "records the time, reopens your {n} done setup steps for re-verification \
                     and makes reviews due"
                ),
            };
            hang(
                vec![Span::styled(" S ", alert(app))],
                &format!(
                    " starts the incident: it {reopens}. Read the steps \
                     first; q/Esc leaves without recording anything."
                ),
                Style::new().bold(),
                w,
            )
        }
        Some(_) if remaining == 0 => hang(
            vec![Span::styled("Done. ", fg(app, Color::Green).bold())],
            &format!(
                "What remains: re-verify {} setup step{} (dashboard), then close the incident \
                 with C and a resolution. A false alarm? F restores every reopened step.",
                app.reverify_count(),
                if app.reverify_count() == 1 { "" } else { "s" }
            ),
            Style::new(),
            w,
        ),
        Some(_) => Vec::new(),
    };
    let items: Vec<ListItem> = em
        .steps
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let done = inc.and_then(|x| x.steps.get(&t.id).map(|at| (x.opened, *at)));
            match (inc, done) {
                (None, _) => ListItem::new(Line::from(vec![
                    Span::styled(format!("{}. ", i + 1), red),
                    Span::styled(t.title.clone(), Style::new().bold()),
                ])),
                (Some(_), Some((opened, at))) => ListItem::new(Line::from(vec![
                    Span::styled(format!("{}. [x] ", i + 1), fg(app, Color::Green)),
                    Span::raw(t.title.clone()),
                    Span::styled(
                        format!(
                            "  done {} UTC (+{})",
                            at.format("%H:%M"),
                            crate::export::elapsed(opened, at)
                        ),
                        fg(app, Color::Green),
                    ),
                ])),
                (Some(_), None) => ListItem::new(Line::from(vec![
                    Span::styled(format!("{}. [ ] ", i + 1), red),
                    Span::styled(t.title.clone(), Style::new().bold()),
                ])),
            }
        })
        .collect();
    let log_len = inc.map_or(0, |i| i.log.len()).min(4) as u16;
    let [ia, la, da, lg] = Layout::vertical([
        Constraint::Length(intro.len() as u16),
        Constraint::Length(items.len() as u16 + 1),
        Constraint::Min(3),
        Constraint::Length(if log_len > 0 { log_len + 1 } else { 0 }),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(intro), ia);
    let list = render_list(
        frame,
        la,
        items,
        Block::new().borders(Borders::BOTTOM),
        Some(app.cursor),
    );
    let mut scroll_max = 0;
    if let Some(st) = em.steps.get(app.cursor) {
        let block = Block::new().borders(Borders::BOTTOM).border_style(red);
        let mut lines = step_lines(app, st, w, false);
        // The whole log is in the scrollable details; the pane below shows the latest entries.
        if let Some(i) = inc.filter(|i| !i.log.is_empty()) {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!("Incident log, all {} entries (UTC)", i.log.len()),
                Style::new().bold(),
            ));
            for e in &i.log {
                lines.extend(hang(
                    vec![Span::raw(format!("{} ", e.at.format("%H:%M")))],
                    &e.describe(),
                    Style::new(),
                    w,
                ));
            }
        }
        scroll_max = render_details(app, frame, da, lines, block);
    }
    if let Some(i) = inc
        && log_len > 0
    {
        let mut lines = vec![Line::styled(
            "Incident log, latest (UTC; all entries: PgDn above)",
            Style::new().bold(),
        )];
        for e in i.log.iter().rev().take(log_len as usize).rev() {
            lines.push(Line::raw(format!(
                "{} {}",
                e.at.format("%H:%M"),
                crate::guard::line(&e.describe())
            )));
        }
        frame.render_widget(Paragraph::new(lines), lg);
    }
    Hits {
        list: Some(list),
        scroll_max,
        list_shown: false,
    }
}
