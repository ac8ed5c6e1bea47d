//! The simpler screens: history, personas, score breakdown and the first-run checklist choice.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Wrap};

use super::text::hang;
use super::{fg, render_details, render_list};
use crate::checklist::SectionKind;
use crate::score;
use crate::state::Status;
use crate::tui::app::{App, Hits, ListHit};

pub(super) fn history(app: &App, frame: &mut Frame, area: Rect) -> Hits {
    let h = app.history();
    let [list_area, detail] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(5)]).areas(area);
    // Only the rows on screen are built: a history may hold 100,000 events.
    let rows = list_area.height.saturating_sub(2).max(1) as usize;
    let start = app.cursor.saturating_sub(rows - 1);
    let items: Vec<ListItem> = h
        .iter()
        .rev()
        .skip(start)
        .take(rows)
        .map(|e| {
            ListItem::new(Line::from(vec![
                Span::styled(
                    e.at.format("%Y-%m-%d %H:%M ").to_string(),
                    fg(app, Color::DarkGray),
                ),
                Span::raw(e.kind.describe(Some(&app.cl))),
            ]))
        })
        .collect();
    let block = Block::bordered().title(format!(
        " History ({} events, newest first; times in UTC) ",
        h.len()
    ));
    let inner = block.inner(list_area);
    let list = List::new(items)
        .block(block)
        .highlight_style(Style::new().reversed());
    let mut state = ListState::default().with_selected(Some(app.cursor - start));
    frame.render_stateful_widget(list, list_area, &mut state);
    if let Some(e) = h.iter().rev().nth(app.cursor) {
        let text = format!(
            "{} UTC: {}",
            e.at.format("%Y-%m-%d %H:%M:%S"),
            e.kind.describe(Some(&app.cl))
        );
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: false })
                .block(Block::bordered()),
            detail,
        );
    }
    Hits {
        list: Some(ListHit {
            area: inner,
            offset: start + state.offset(),
        }),
        ..Hits::default()
    }
}

/// Height of the intro box on the persona screen.
const PERSONA_INTRO_HEIGHT: u16 = 5;

pub(super) fn personas(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    selected: &[bool],
    first_run: bool,
) -> Hits {
    let n = app.cl.personas.len() as u16;
    let [intro, list_area, detail] = Layout::vertical([
        Constraint::Length(PERSONA_INTRO_HEIGHT),
        Constraint::Length(n + 2),
        Constraint::Min(0),
    ])
    .areas(area);
    let text = if first_run {
        "How do you use this account? Pick all that apply (Space), then Enter. \
         Steps are tailored to your choice; steps for everyone are always shown. \
         You can change this later with p on the dashboard."
    } else {
        "How do you use this account? Pick all that apply (Space), then Enter to save, \
         or q/Esc to leave without changing anything. Steps for everyone are always shown; \
         progress on steps you no longer see is kept."
    };
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Tailor the checklist ")),
        intro,
    );
    let items: Vec<ListItem> = app
        .cl
        .personas
        .iter()
        .zip(selected)
        .map(|(p, on)| {
            let sym = if *on { "[x] " } else { "[ ] " };
            ListItem::new(Line::from(vec![
                Span::raw(sym),
                Span::styled(p.title.clone(), Style::new().bold()),
            ]))
        })
        .collect();
    let list = render_list(frame, list_area, items, Block::bordered(), Some(app.cursor));
    if let Some(p) = app.cl.personas.get(app.cursor) {
        frame.render_widget(
            Paragraph::new(p.description.clone())
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(format!(" {} ", p.title))),
            detail,
        );
    }
    Hits {
        list: Some(list),
        ..Hits::default()
    }
}

pub(super) fn score(app: &App, frame: &mut Frame, area: Rect) -> Hits {
    let sc = &app.summary.score;
    let block = Block::bordered().title(" Hardening score breakdown ");
    let w = block.inner(area).width as usize;
    let bold = Style::new().bold();
    let mut lines = vec![Line::from(vec![
        Span::styled("Score ", bold),
        Span::raw(match sc.value {
            Some(v) => format!("{v}/100"),
            None => format!(
                "hidden: incident #{} is open",
                sc.open_incident.unwrap_or(0)
            ),
        }),
    ])];
    lines.extend(hang(
        vec![Span::styled("Formula ", bold)],
        score::FORMULA,
        Style::new(),
        w,
    ));
    lines.extend(hang(
        vec![],
        "Steps for other personas and not-applicable steps leave the total; skipped and re-verify steps count as not done.",
        fg(app, Color::DarkGray),
        w,
    ));
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!("Setup progress {}/100", sc.base),
        bold,
    ));
    for p in &sc.parts {
        lines.push(Line::raw(format!(
            "  {:<11} {:>2} x {:>3}/{:<3} weight = {:>4.1}",
            p.part.label(),
            p.max,
            p.done_weight,
            p.weight,
            p.points
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Sections", bold));
    for s in &sc.sections {
        lines.push(Line::raw(format!(
            "  {:<28} {:<10} {:>2}/{:<2} steps  weight {:>3}/{:<3}",
            s.title,
            s.part.label(),
            s.done,
            s.applicable,
            s.done_weight,
            s.weight
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!("Penalties -{} (at most {})", sc.penalty, score::MAX_PENALTY),
        bold,
    ));
    if sc.penalties.is_empty() {
        lines.push(Line::raw("  none: no review is overdue"));
    }
    for p in &sc.penalties {
        lines.push(Line::styled(
            format!(
                "  -{:<3} {} overdue by {} days",
                p.points,
                app.cl
                    .section(&p.section)
                    .map_or(p.section.as_str(), |x| x.title.as_str()),
                p.days_overdue
            ),
            fg(app, Color::Red),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Step weights (open steps)", bold));
    for s in app.cl.sections_of(SectionKind::Setup) {
        for t in app.visible_steps(s) {
            let st = app.acct().status(&t.id);
            if !st.is_done() && !matches!(st, Status::NotApplicable { .. }) {
                lines.extend(hang(
                    vec![Span::raw(format!("  {:>3}  {} ", t.weight, st.symbol()))],
                    &t.title,
                    Style::new(),
                    w,
                ));
            }
        }
    }
    let scroll_max = render_details(app, frame, area, lines, block);
    Hits {
        scroll_max,
        ..Hits::default()
    }
}

pub(super) fn checklists(app: &App, frame: &mut Frame, area: Rect) -> Hits {
    let [intro, list_area, detail] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Length(app.choices.len() as u16 + 2),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(
            "Which checklist should this account follow? Pick one (arrows, Enter). \
             To track another exchange too, start lockstep with --account NAME.",
        )
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(" Choose a checklist ")),
        intro,
    );
    let items: Vec<ListItem> = app
        .choices
        .iter()
        .map(|c| {
            ListItem::new(Line::from(vec![
                Span::styled(c.title.clone(), Style::new().bold()),
                Span::styled(format!("  ({})", c.id), fg(app, Color::DarkGray)),
            ]))
        })
        .collect();
    let list = render_list(frame, list_area, items, Block::bordered(), Some(app.cursor));
    if let Some(c) = app.choices.get(app.cursor) {
        let steps: usize = c.sections.iter().map(|s| s.steps.len()).sum();
        let sections: Vec<&str> = c.sections.iter().map(|s| s.title.as_str()).collect();
        let text = format!(
            "{} - {steps} steps in {} sections: {}. Updated {}.",
            c.service,
            c.sections.len(),
            sections.join(", "),
            c.updated
        );
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .block(Block::bordered()),
            detail,
        );
    }
    Hits {
        list: Some(list),
        ..Hits::default()
    }
}
