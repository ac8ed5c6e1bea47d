//! The emergency screen: the steps, readable at once; until an incident is started nothing is
//! recorded, and the screen names the one key that starts it. During an incident: the steps
//! with their times, the log, and what remains once they are done. The account is named in the
//! frame; what to do comes first at every size, the bookkeeping (what `S` records) below it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, ListItem, Paragraph};

use super::text::{hang, link_lines};
use super::{alert, fg, render_details, render_list};
use crate::checklist::Step;
use crate::state::Incident;
use crate::tui::app::{App, Hits};

pub(super) fn render(app: &App, frame: &mut Frame, area: Rect) -> Hits {
    let red = fg(app, Color::Red).add_modifier(Modifier::BOLD);
    let Some(em) = app.cl.emergency() else {
        return Hits::default();
    };
    let inc = app.acct().open_incident();
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(red)
        .title(Span::styled(
            title(app, inc, usize::from(area.width.saturating_sub(2))),
            red,
        ));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let w = inner.width as usize;

    let below = bookkeeping(app, inc, w);
    let items = step_items(app, inc, red);
    // The selected step's details with the whole log (scrollable).
    let lines = em
        .steps
        .get(app.cursor())
        .map(|st| detail_lines(app, st, inc, w));
    // The latest log entries get a pane of their own only when the details cannot show the
    // whole log at once (never the same entries twice on one screen).
    let room = inner
        .height
        .saturating_sub(items.len() as u16 + 1 + below.len() as u16 + 1);
    let fits = lines.as_ref().is_none_or(|l| l.len() as u16 <= room);
    let log_len = if fits {
        0
    } else {
        inc.map_or(0, |i| i.log.len()).min(4) as u16
    };
    let [la, da, ba, lg] = Layout::vertical([
        Constraint::Length(items.len() as u16 + 1),
        Constraint::Min(3),
        Constraint::Length(below.len() as u16),
        Constraint::Length(if log_len > 0 { log_len + 1 } else { 0 }),
    ])
    .areas(inner);
    let list = render_list(
        frame,
        la,
        items,
        Block::new().borders(Borders::BOTTOM),
        Some(app.cursor()),
    );
    let mut scroll_max = 0;
    if let Some(lines) = lines {
        let block = Block::new().borders(Borders::BOTTOM).border_style(red);
        scroll_max = render_details(app, frame, da, lines, block);
    }
    frame.render_widget(Paragraph::new(below), ba);
    if let Some(i) = inc
        && log_len > 0
    {
        let mut lines = vec![Line::styled(
            "Incident log, latest (UTC; all entries: PgDn above)",
            Style::new().bold(),
        )];
        // One row each, cut between words (the details above hold them whole).
        for e in i.log.iter().rev().take(log_len as usize).rev() {
            lines.push(Line::from(super::text::fit(
                vec![Span::raw(format!(
                    "{} {}",
                    e.at.format("%H:%M"),
                    crate::guard::line(&e.describe())
                ))],
                w,
            )));
        }
        frame.render_widget(Paragraph::new(lines), lg);
    }
    Hits {
        list: Some(list),
        scroll_max,
        list_shown: false,
        ..Hits::default()
    }
}

/// What to do for `st`, then the whole incident log.
fn detail_lines(app: &App, st: &Step, inc: Option<&Incident>, w: usize) -> Vec<Line<'static>> {
    let mut lines = action_lines(app, st, w);
    if let Some(i) = inc.filter(|i| !i.log.is_empty()) {
        lines.push(Line::raw(""));
        let heading = match i.log.len() {
            1 => "Incident log, its one entry (UTC)".to_string(),
            n => format!("Incident log, all {n} entries (UTC)"),
        };
        lines.push(Line::styled(heading, Style::new().bold()));
        for e in &i.log {
            lines.extend(hang(
                vec![Span::raw(format!("{} ", e.at.format("%H:%M")))],
                &e.describe(),
                Style::new(),
                w,
            ));
        }
    }
    lines
}

/// The frame's title: whose account first, then the incident; the longest form that fits
/// `w` columns (never cut mid-word).
fn title(app: &App, inc: Option<&Incident>, w: usize) -> String {
    let who = app.acct().display(&app.account);
    let forms = match inc {
        Some(i) => {
            let ago = crate::export::elapsed(i.opened, app.now);
            vec![
                format!(
                    " !! ACCOUNT {who}: INCIDENT #{} opened {} UTC, {ago} ago ",
                    i.id,
                    i.opened.format("%Y-%m-%d %H:%M"),
                ),
                format!(" !! ACCOUNT {who}: INCIDENT #{}, opened {ago} ago ", i.id),
                format!(" !! ACCOUNT {who}: INCIDENT #{} ", i.id),
            ]
        }
        None => vec![
            format!(" !! ACCOUNT {who}: COMPROMISED? nothing is recorded yet "),
            format!(" !! ACCOUNT {who}: COMPROMISED? "),
        ],
    };
    let last = forms.last().cloned().unwrap_or_default();
    forms
        .into_iter()
        .find(|f| super::text::width(f) <= w)
        .unwrap_or(last)
}

/// The steps, numbered; during an incident with their marks and times.
fn step_items(app: &App, inc: Option<&Incident>, red: Style) -> Vec<ListItem<'static>> {
    let Some(em) = app.cl.emergency() else {
        return Vec::new();
    };
    em.steps
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
        .collect()
}

/// One emergency step, what to do first: the instructions, the warnings, then why, links and
/// the note.
fn action_lines(app: &App, step: &Step, w: usize) -> Vec<Line<'static>> {
    let bold = Style::new().bold();
    let mut lines = Vec::new();
    for (i, h) in step.how.iter().enumerate() {
        let lead = if i == 0 {
            Span::styled("Do now: ", bold)
        } else {
            Span::raw("Then:   ")
        };
        lines.extend(hang(vec![lead], h, bold, w));
    }
    let warn = fg(app, Color::Yellow).add_modifier(Modifier::BOLD);
    for x in &step.warnings {
        lines.extend(hang(vec![Span::styled("/!\\ ", warn)], x, warn, w));
    }
    lines.extend(hang(
        vec![Span::styled("Why  ", bold)],
        &step.why,
        Style::new(),
        w,
    ));
    lines.extend(link_lines(app, step, w));
    if let Some(n) = app.acct().note(step.id.as_str()) {
        lines.extend(hang(vec![Span::styled("Note ", bold)], n, Style::new(), w));
    }
    lines
}

/// Below the step: what `S` records (before an incident), or what remains (all steps done).
fn bookkeeping(app: &App, inc: Option<&Incident>, w: usize) -> Vec<Line<'static>> {
    match inc {
        None => {
            let reopen = app
                .summary
                .score
                .sections
                .iter()
                .map(|s| s.done)
                .sum::<usize>();
            let reopens = match reopen {
                0 => String::new(),
                1 => ", reopens your 1 done setup step for re-verification".into(),
                n => format!(", reopens your {n} done setup steps for re-verification"),
            };
            hang(
                vec![Span::styled(" S ", alert(app))],
                &format!(
                    " starts the incident: records the time{reopens} and makes reviews due. \
                     q/Esc leaves without recording anything."
                ),
                Style::new(),
                w,
            )
        }
        Some(_) if app.summary.next.emergency.is_empty() => hang(
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
    }
}
