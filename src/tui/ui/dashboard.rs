//! The dashboard: score, one row per section, and what to do next.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, ListItem, Paragraph};

use super::text::{column, fit, hang, width};
use super::{due_span, fg, render_list};
use crate::checklist::{Origin, Section, SectionKind, SectionRole, staleness};
use crate::schedule;
use crate::tui::app::{App, Hits, NextItem};

/// A text bar `[####----]` of `width` cells inside the brackets.
pub(super) fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(0).min(width);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
}

pub(super) fn render(app: &App, frame: &mut Frame, area: Rect) -> Hits {
    let source = source_lines(app, area.width as usize);
    let list_h = app.cl.sections.len() as u16 + 2;
    // Too short for the score's box, every section and a Next up box (60x15): the score takes
    // one line, so the sections fit and Next up is named on the line left.
    let compact = area.height < 3 + source.len() as u16 + list_h + 3;
    let [score_area, source_area, list_area] = Layout::vertical([
        Constraint::Length(if compact { 1 } else { 3 }),
        Constraint::Length(source.len() as u16),
        Constraint::Min(3),
    ])
    .areas(area);
    render_score(app, frame, score_area, compact);
    frame.render_widget(Paragraph::new(source), source_area);

    // Inside the border and the "> " marker; rows are cut between words, never mid-word.
    let row_w = (area.width as usize).saturating_sub(4);
    let longest = app
        .cl
        .sections
        .iter()
        .map(|s| width(&s.title))
        .max()
        .unwrap_or(0);
    let title_w = (longest + 1).min(34).min(row_w / 2);
    let items: Vec<ListItem> = app
        .cl
        .sections
        .iter()
        .map(|s| {
            let mut spans = vec![Span::styled(
                format!("{} ", column(&s.title, title_w)),
                Style::new().bold(),
            )];
            spans.extend(section_state(app, s, row_w));
            ListItem::new(Line::from(fit(spans, row_w)))
        })
        .collect();
    let [list_area, next_area] =
        Layout::vertical([Constraint::Length(list_h), Constraint::Min(0)]).areas(list_area);
    let block = Block::bordered().title(format!(" {} ", app.cl.service));
    let on_section = app.cursor() < app.cl.sections.len();
    let list = render_list(
        frame,
        list_area,
        items,
        block,
        on_section.then_some(app.cursor()),
    );
    let next_shown = next_area.height >= 3;
    if next_shown {
        let block = Block::bordered().title(" Next up (↓ to select, Enter opens) ");
        let w = block.inner(next_area).width as usize;
        frame.render_widget(Paragraph::new(next_up(app, w)).block(block), next_area);
    } else if next_area.height > 0 {
        // No room to select from Next up: its first entry, named on one line.
        let w = next_area.width as usize;
        // Unwrapped, then cut to the width between words.
        let first = next_up(app, usize::from(u16::MAX)).into_iter().next();
        let mut spans = vec![Span::styled(NEXT_LABEL, Style::new().bold())];
        spans.extend(first.into_iter().flat_map(|l| l.spans.into_iter().skip(1)));
        frame.render_widget(Paragraph::new(Line::from(fit(spans, w))), next_area);
    }
    Hits {
        list: Some(list),
        next_hidden: !next_shown,
        ..Hits::default()
    }
}

/// What a section's row says after its title: progress for setup, the due state for a review,
/// the last run of an on-demand one, the incident for the emergency steps.
fn section_state(app: &App, s: &Section, row_w: usize) -> Vec<Span<'static>> {
    let sc = &app.summary.score;
    let mut spans = Vec::new();
    match s.kind {
        SectionKind::Setup => {
            let (done, total, reverify) = sc
                .section(s.id.as_str())
                .map_or((0, 0, 0), |x| (x.done, x.applicable, x.reverify));
            let style = if done == total && total > 0 {
                fg(app, Color::Green)
            } else {
                Style::new()
            };
            spans.push(Span::styled(
                format!("{} {done:>2}/{total:<2}", bar(done, total, 10)),
                style,
            ));
            if reverify > 0 {
                spans.push(Span::styled(
                    format!(" {reverify} to re-verify"),
                    fg(app, Color::Magenta).bold(),
                ));
            } else if s.role == SectionRole::Advice {
                spans.push(Span::styled(
                    " advice, counts less",
                    fg(app, Color::DarkGray),
                ));
            } else if let Some(m) = s.minutes {
                spans.push(Span::styled(format!(" ~{m} min"), fg(app, Color::DarkGray)));
            }
        }
        SectionKind::Recurring => {
            if let Some(v) = app.summary.review(s.id.as_str())
                && let Some(r) = &v.status
            {
                // Narrow: the due state matters more than the interval's name.
                if row_w >= 70 {
                    let every = schedule::interval_label(r.every_months);
                    spans.push(Span::raw(format!("{every:<10} ")));
                }
                spans.push(due_span(app, &r.due, v.snoozed_until));
                if r.progress.0 > 0 {
                    spans.push(Span::raw(format!(
                        " ({}/{} checked)",
                        r.progress.0, r.progress.1
                    )));
                }
            }
            spans.extend(clock_span(app, s.id.as_str()));
        }
        SectionKind::Event => {
            let last = app.summary.review(s.id.as_str()).and_then(|v| v.last);
            spans.push(Span::styled(
                match last {
                    Some(d) => format!("on demand, last {d}"),
                    None => "on demand, never run".into(),
                },
                fg(app, Color::DarkGray),
            ));
            spans.extend(clock_span(app, s.id.as_str()));
        }
        SectionKind::Emergency => {
            spans.push(Span::styled(
                match app.summary.next.incident {
                    Some(id) => format!("incident #{id} open: Enter for its steps"),
                    None => "Enter or !: steps first, nothing recorded".into(),
                },
                fg(app, Color::Red),
            ));
        }
    }
    spans
}

/// Whose checklist this is (bundled, or the user's file with its sha256), how old, and a warning
/// when it is more than a year old.
fn source_lines(app: &App, w: usize) -> Vec<Line<'static>> {
    let bold = Style::new().bold();
    let style = match app.origin {
        Origin::Bundled => fg(app, Color::DarkGray),
        Origin::File { .. } => fg(app, Color::Yellow).add_modifier(Modifier::BOLD),
    };
    let mut lines = hang(
        vec![Span::styled(" Checklist: ", bold)],
        &app.origin.describe(&app.cl),
        style,
        w,
    );
    if let Some(warn) = staleness(&app.cl, app.today) {
        lines.extend(hang(
            vec![Span::styled(" Old! ", fg(app, Color::Red).bold())],
            &warn,
            fg(app, Color::Red),
            w,
        ));
    }
    lines
}

/// The label of Next up when only its first entry fits, on one line.
const NEXT_LABEL: &str = " Next up: ";

/// The score as a label followed by a text bar (readable with or without colour): in a box, or
/// on one line (`compact`) where the terminal is short.
fn render_score(app: &App, frame: &mut Frame, area: Rect, compact: bool) {
    let sc = &app.summary.score;
    let block = Block::bordered().title(" Hardening score (b: how it is computed) ");
    let inner = if compact { area } else { block.inner(area) };
    let line = match sc.value {
        Some(v) if compact => {
            let label = format!(" Score {v}/100 ");
            let hint = " b: how";
            let w = (inner.width as usize).saturating_sub(label.len() + hint.len() + 2);
            Line::from(vec![
                Span::styled(label, Style::new().bold()),
                Span::styled(bar(v as usize, 100, w), fg(app, score_color(v))),
                Span::styled(hint, fg(app, Color::DarkGray)),
            ])
        }
        Some(v) => {
            let label = format!("{v:>3}/100 ");
            let w = (inner.width as usize).saturating_sub(label.len() + 2);
            Line::from(vec![
                Span::styled(label, Style::new().bold()),
                Span::styled(bar(v as usize, 100, w), fg(app, score_color(v))),
            ])
        }
        None => {
            let id = sc.open_incident.unwrap_or(0);
            let text = if compact {
                format!(" no score: incident #{id} is open (a false alarm? ! then F)")
            } else {
                format!(
                    "no score while incident #{id} is open (a false alarm? F on the emergency \
                     screen)"
                )
            };
            Line::styled(text, fg(app, Color::Red).bold())
        }
    };
    // One line where the box would wrap: cut between words.
    let line = if compact {
        Line::from(fit(line.spans, inner.width as usize))
    } else {
        line
    };
    let para = Paragraph::new(line);
    if compact {
        frame.render_widget(para, area);
    } else {
        frame.render_widget(para.block(block), area);
    }
}

/// Green from 85, yellow from 50, red below.
fn score_color(v: u32) -> Color {
    if v >= 85 {
        Color::Green
    } else if v >= 50 {
        Color::Yellow
    } else {
        Color::Red
    }
}

/// What to do next: an open incident's emergency steps (or what remains once they are done),
/// why the score dropped after one, due reviews, then setup steps (open or skipped essentials
/// first). Each entry the cursor can select starts with "> " when selected.
fn next_up(app: &App, w: usize) -> Vec<Line<'static>> {
    // A marker column, as in lists.
    let w = w.saturating_sub(2);
    let n = &app.summary.next;
    let bold = Style::new().bold();
    let mut entries: Vec<(Option<NextItem>, Vec<Line<'static>>)> = Vec::new();
    if let Some(id) = n.incident {
        entries.push((Some(NextItem::Incident), incident_lines(app, id, w)));
    }
    if let Some((id, steps)) = n.after_incident {
        let text = format!(
            "Why the score dropped: incident #{id} reopened your done setup steps; {steps} wait \
             for re-verification and count as not done. Check each and mark it done again (Space \
             in the walkthrough): the points come back."
        );
        let label = Span::styled("Score  ", fg(app, Color::Magenta).bold());
        entries.push((None, hang(vec![label], &text, Style::new(), w)));
    }
    // A due or overdue review first: it costs points every day it waits.
    for v in &app.summary.reviews {
        if let Some(r) = v.status.as_ref().filter(|r| r.due.is_due()) {
            // What doing it is worth: the points it costs while overdue.
            let worth = app
                .summary
                .score
                .penalties
                .iter()
                .filter(|_| app.acct().open_incident().is_none())
                .find(|p| p.section == v.section && p.points > 0)
                .map(|p| {
                    let s = if p.points == 1 { "" } else { "s" };
                    Span::raw(format!(" +{} point{s}", p.points))
                });
            let mut spans = vec![
                Span::styled("Review ", bold),
                Span::raw(format!("{}: ", r.title)),
                due_span(app, &r.due, v.snoozed_until),
            ];
            spans.extend(worth);
            let line = Line::from(spans);
            entries.push((Some(NextItem::Review(v.section.clone())), vec![line]));
        }
    }
    if n.setup.is_empty() {
        let done = Line::styled(
            "Setup  every applicable step is done",
            fg(app, Color::Green),
        );
        entries.push((None, vec![done]));
    }
    for (i, t) in n.setup.iter().enumerate() {
        let label = if i == 0 { "Setup  " } else { "       " };
        let worth = match n.first_worth {
            p if i == 0 && p > 0 => format!(" +{p} point{}", if p == 1 { "" } else { "s" }),
            _ => String::new(),
        };
        let lines = hang(
            vec![
                Span::styled(label, bold),
                Span::raw(format!("{} ", t.symbol)),
            ],
            &format!("{} ({}){worth}", t.title, t.section_title),
            Style::new(),
            w,
        );
        let item = NextItem::Setup {
            section: t.section.clone(),
            step: t.step.clone(),
        };
        entries.push((Some(item), lines));
    }
    let more = n.setup_left.saturating_sub(n.setup.len());
    if !n.setup.is_empty() && more > 0 {
        let line = Line::styled(format!("       and {more} more"), fg(app, Color::DarkGray));
        entries.push((None, vec![line]));
    }
    // The entry under the cursor (past the sections): "> " and reverse video.
    let selected = app
        .cursor()
        .checked_sub(app.cl.sections.len())
        .and_then(|i| n.items.get(i));
    entries
        .into_iter()
        .flat_map(|(item, lines)| {
            let on = item.is_some() && item.as_ref() == selected;
            lines.into_iter().enumerate().map(move |(i, mut l)| {
                if on && i == 0 {
                    l = l.patch_style(Style::new().reversed());
                    l.spans.insert(0, Span::raw("> "));
                } else {
                    l.spans.insert(0, Span::raw("  "));
                }
                l
            })
        })
        .collect()
}

/// The open incident in Next up: its emergency steps left, or what remains once they are done.
fn incident_lines(app: &App, id: u32, w: usize) -> Vec<Line<'static>> {
    let n = &app.summary.next;
    let red = fg(app, Color::Red).bold();
    if n.emergency.is_empty() {
        return hang(
            vec![Span::styled("Incident ", red)],
            &format!(
                "#{id}: every emergency step is done. What remains: re-verify {} setup step{}, \
                 then close it with a resolution (! then C).",
                n.reverify,
                if n.reverify == 1 { "" } else { "s" }
            ),
            Style::new(),
            w,
        );
    }
    let mut lines = vec![Line::styled(
        format!(
            "Incident #{id}: {} emergency step{} left (press !)",
            n.emergency.len(),
            if n.emergency.len() == 1 { "" } else { "s" }
        ),
        red,
    )];
    for t in &n.emergency {
        lines.extend(hang(vec![Span::raw("  [ ] ")], t.as_str(), Style::new(), w));
    }
    lines
}

/// A review with records dated after today (a wrong clock): flagged on its row (the review
/// screen says what was ignored).
fn clock_span(app: &App, section: &str) -> Option<Span<'static>> {
    app.summary
        .review(section)
        .and_then(|v| v.clock_warning)
        .map(|_| Span::styled(" (clock?)", fg(app, Color::Yellow).bold()))
}
