//! The simpler screens: history, personas, score breakdown, the first-run checklist choice (and
//! its confirmation for a user file), the accounts overview and checklist notices.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, List, ListItem, ListState, Paragraph, Wrap};

use super::text::{self, hang};
use super::{fg, render_details, render_list};
use crate::checklist::{Origin, SectionKind};
use crate::export::AccountRow;
use crate::schedule::Due;
use crate::score;
use crate::state::Status;
use crate::tui::app::{App, Hits, ListHit};

pub(super) fn history(app: &App, frame: &mut Frame, area: Rect) -> Hits {
    let h = app.history();
    let [list_area, detail] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(5)]).areas(area);
    // Only the rows on screen are built: a history may hold 100,000 events.
    let rows = list_area.height.saturating_sub(2).max(1) as usize;
    let start = app.cursor().saturating_sub(rows - 1);
    // Another machine's changes (a merged history) say which: "(on laptop)".
    let on = |newest_first: usize| {
        app.made_on(h.len() - 1 - newest_first)
            .map(|m| format!("  (on {m})"))
            .unwrap_or_default()
    };
    let items: Vec<ListItem> = h
        .iter()
        .rev()
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(i, e)| {
            ListItem::new(Line::from(vec![
                Span::styled(
                    e.at.format("%Y-%m-%d %H:%M ").to_string(),
                    fg(app, Color::DarkGray),
                ),
                Span::raw(e.kind.describe(Some(&app.cl))),
                Span::styled(on(i), fg(app, Color::DarkGray)),
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
    let mut state = ListState::default().with_selected(Some(app.cursor() - start));
    frame.render_stateful_widget(list, list_area, &mut state);
    if let Some(e) = h.iter().rev().nth(app.cursor()) {
        let text = format!(
            "{} UTC: {}{}",
            e.at.format("%Y-%m-%d %H:%M:%S"),
            e.kind.describe(Some(&app.cl)),
            on(app.cursor())
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
    let text = if first_run {
        "How do you use this account? Pick all that apply (Space), then Enter. \
         Steps are tailored to your choice; steps for everyone are always shown. \
         You can change this later with p on the dashboard."
    } else {
        "How do you use this account? Pick all that apply (Space), then Enter to save, \
         or q/Esc to leave without changing anything. Steps for everyone are always shown; \
         progress on steps you no longer see is kept."
    };
    // As tall as the question needs at this width (a narrow terminal must not cut it).
    let intro_h = text::box_height(text, area.width).max(PERSONA_INTRO_HEIGHT);
    let [intro, list_area, detail] = Layout::vertical([
        Constraint::Length(intro_h),
        Constraint::Length(n + 2),
        Constraint::Min(0),
    ])
    .areas(area);
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
    let list = render_list(
        frame,
        list_area,
        items,
        Block::bordered(),
        Some(app.cursor()),
    );
    if let Some(p) = app.cl.personas.get(app.cursor()) {
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

/// The score's numbers: each part's points of what it is worth, the reviews' penalty, then
/// each section's progress.
fn score_numbers(app: &App, w: usize) -> Vec<Line<'static>> {
    let sc = &app.summary.score;
    let bold = Style::new().bold();
    let mut lines = vec![Line::from(vec![
        Span::styled("Score ", bold),
        Span::raw(match sc.value {
            Some(v) => format!("{v}/100"),
            None => format!(
                "hidden while incident #{} is open",
                sc.open_incident.unwrap_or(0)
            ),
        }),
    ])];
    for p in &sc.parts {
        let (done, of) = sc
            .sections
            .iter()
            .filter(|s| s.part == p.part)
            .fold((0, 0), |(d, n), s| (d + s.done, n + s.applicable));
        lines.push(Line::raw(format!(
            "  {:<11} {:>4.1} of {:>2} points  ({done} of {of} steps done)",
            p.part.label(),
            p.points,
            p.max,
        )));
    }
    lines.push(Line::raw(if sc.penalty == 0 {
        format!(
            "  {:<11} 0 points off (none overdue; at most {})",
            "Reviews",
            score::MAX_PENALTY
        )
    } else {
        format!(
            "  {:<11} -{} points (overdue reviews, at most {})",
            "Reviews",
            sc.penalty,
            score::MAX_PENALTY
        )
    }));
    for p in &sc.penalties {
        lines.push(Line::styled(
            format!(
                "    -{} {} overdue by {} days",
                p.points,
                app.cl
                    .section(p.section.as_str())
                    .map_or(p.section.as_str(), |x| x.title.as_str()),
                p.days_overdue
            ),
            fg(app, Color::Red),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Sections", bold));
    for s in &sc.sections {
        lines.extend(hang(
            vec![Span::raw("  ")],
            &format!(
                "{} ({}): {} of {} steps done",
                s.title,
                s.part.label(),
                s.done,
                s.applicable
            ),
            Style::new(),
            w,
        ));
    }
    lines
}

pub(super) fn score(app: &App, frame: &mut Frame, area: Rect) -> Hits {
    let block = Block::bordered().title(" Hardening score breakdown ");
    let w = block.inner(area).width as usize;
    let bold = Style::new().bold();
    let mut lines = score_numbers(app, w);
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Open steps (importance 1-10: the higher, the more points)",
        bold,
    ));
    for s in app.cl.sections_of(SectionKind::Setup) {
        for t in app.visible_steps(s) {
            let st = app.acct().status(t.id.as_str());
            let left = t.may_not_apply && matches!(st, Status::NotApplicable { .. });
            if !st.is_done() && !left {
                lines.extend(hang(
                    vec![Span::raw(format!("  {:>3}  {} ", t.weight, st.symbol()))],
                    &t.title,
                    Style::new(),
                    w,
                ));
            }
        }
    }
    // Then how it is computed, in words.
    lines.push(Line::raw(""));
    lines.extend(hang(
        vec![Span::styled("How it is computed ", bold)],
        score::FORMULA,
        Style::new(),
        w,
    ));
    lines.extend(hang(
        vec![],
        "Steps for other personas leave the total, and so do steps the checklist says may not \
         apply (API keys, sub-accounts, ...) when you mark them not applicable. Every other step \
         counts until it is done; skipped and re-verify steps count as not done.",
        fg(app, Color::DarkGray),
        w,
    ));
    let scroll_max = render_details(app, frame, area, lines, block);
    Hits {
        scroll_max,
        ..Hits::default()
    }
}

pub(super) fn checklists(app: &App, frame: &mut Frame, area: Rect) -> Hits {
    const INTRO: &str = "Which checklist should this account follow? Pick one (arrows, Enter). \
                         To track another exchange too, start lockstep with --account NAME.";
    // As tall as the question needs at this width (a narrow terminal must not cut it).
    let intro_h = text::box_height(INTRO, area.width);
    let [intro, list_area, detail] = Layout::vertical([
        Constraint::Length(intro_h),
        Constraint::Length(app.choices().len() as u16 + 2),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(INTRO)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Choose a checklist ")),
        intro,
    );
    let items: Vec<ListItem> = app
        .choices()
        .iter()
        .map(|c| {
            let source = match &c.origin {
                Origin::Bundled => Span::styled(
                    format!("  ({}, bundled)", c.checklist.id),
                    fg(app, Color::DarkGray),
                ),
                Origin::File { .. } => Span::styled(
                    format!("  ({}, {})", c.checklist.id, c.origin.short()),
                    fg(app, Color::Yellow).bold(),
                ),
            };
            ListItem::new(Line::from(vec![
                Span::styled(c.checklist.title.clone(), Style::new().bold()),
                source,
            ]))
        })
        .collect();
    let list = render_list(
        frame,
        list_area,
        items,
        Block::bordered(),
        Some(app.cursor()),
    );
    if let Some(l) = app.choices().get(app.cursor()) {
        let c = &l.checklist;
        let steps: usize = c.sections.iter().map(|s| s.steps.len()).sum();
        let sections: Vec<&str> = c.sections.iter().map(|s| s.title.as_str()).collect();
        let count = format!(
            "{} - {steps} steps in {} sections",
            c.service,
            c.sections.len()
        );
        // The fullest that fits the box (60x15 has room for a line or two): the section titles
        // go first, then the source.
        let text = text::fullest(
            [
                format!(
                    "{count}: {}. Source: {}.",
                    sections.join(", "),
                    l.describe()
                ),
                format!("{count}. Source: {}.", l.describe()),
                format!("{count}."),
            ],
            |t| text::box_height(t, detail.width) <= detail.height,
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

/// Following a user file that shares an id with a bundled checklist (or another file): its path
/// and digest, and what trusting it means, before `y`.
pub(super) fn confirm_checklist(app: &App, frame: &mut Frame, area: Rect, choice: usize) -> Hits {
    let Some(l) = app.choices().get(choice) else {
        return Hits::default();
    };
    let c = &l.checklist;
    let block = Block::bordered().title(" Follow your own file? ");
    let w = block.inner(area).width as usize;
    let bold = Style::new().bold();
    let warn = fg(app, Color::Yellow).bold();
    let mut lines = hang(
        vec![],
        &format!("\"{}\" ({}) comes from", c.title, c.id),
        Style::new(),
        w,
    );
    lines.extend(hang(vec![Span::styled("  ", warn)], &l.describe(), warn, w));
    lines.push(Line::raw(""));
    let why = if crate::checklist::is_bundled(c.id.as_str()) {
        format!(
            "It has the id of the bundled checklist '{}', which lockstep uses unless you choose \
             this file.",
            c.id
        )
    } else {
        format!("Another file of yours has the id '{}' too.", c.id)
    };
    lines.extend(hang(vec![], &why, Style::new(), w));
    lines.push(Line::raw(""));
    lines.extend(hang(
        vec![],
        "A checklist tells you what to do with your money. Follow this file only if you wrote \
         it or trust its author: lockstep cannot tell a safe step from one that asks you to send \
         funds, share a code or install software.",
        bold,
        w,
    ));
    lines.push(Line::raw(""));
    lines.extend(hang(
        vec![],
        "y: follow this file. Enter, n or q: back to the list.",
        Style::new(),
        w,
    ));
    frame.render_widget(Paragraph::new(lines).block(block), area);
    Hits::default()
}

/// One account's row: mark, name, score, and its open steps and due reviews in the fullest
/// wording that fits.
fn account_row(app: &App, r: &AccountRow, name_w: usize, row_w: usize) -> ListItem<'static> {
    let (mark, style) = if r.broken.is_some() || r.incident.is_some() {
        ("!!", fg(app, Color::Red).bold())
    } else if r.due.iter().any(|d| matches!(d.due, Due::Overdue { .. })) {
        ("! ", fg(app, Color::Red))
    } else if !r.due.is_empty() {
        ("! ", fg(app, Color::Yellow))
    } else {
        ("  ", Style::new())
    };
    let score = match (r.score, r.incident, &r.broken) {
        (_, _, Some(_)) => "checklist broken".to_string(),
        (_, Some(i), _) => format!("incident #{i}"),
        (Some(s), None, None) => format!("{s:>3}/100"),
        (None, None, None) => "-".into(),
    };
    let due = match r.due.len() {
        0 => String::new(),
        1 => format!(", {} {}", r.due[0].title, r.due[0].due.describe()),
        n => format!(", {n} reviews due"),
    };
    // The fullest wording that fits after the name and score columns, so a narrow
    // terminal shows "21 open, 2 due" rather than "21 steps open, 2…".
    let room = row_w.saturating_sub(3 + name_w + 1 + 16);
    let n = r.setup_open;
    let open = if r.broken.is_some() {
        String::new()
    } else {
        let short_due = match r.due.len() {
            0 => String::new(),
            k => format!(", {k} due"),
        };
        text::fullest(
            [
                format!(" {n} steps open{due}"),
                format!(" {n} steps open{short_due}"),
                format!(" {n} open{short_due}"),
                format!(" {n} open"),
            ],
            |t| text::width(t) <= room,
        )
    };
    // A long name or label is cut between words to its column, and the row to the
    // list (the details below show both whole).
    let name = text::column(r.display(), name_w);
    ListItem::new(Line::from(text::fit(
        vec![
            Span::styled(format!("{mark} "), style),
            Span::styled(format!("{name} "), Style::new().bold()),
            Span::styled(format!("{score:<16}"), style),
            Span::raw(open),
        ],
        row_w,
    )))
}

/// The accounts screen's note where the whole one would crowd out the list.
const NOT_COMPARABLE_SHORT: &str = "Scores of different checklists or personas: not comparable.";

/// Every account, worst first, with the selected one's details and, when their scores measure
/// different things, a note saying so.
pub(super) fn accounts(app: &App, frame: &mut Frame, area: Rect) -> Hits {
    let Some(o) = app.overview() else {
        return Hits::default();
    };
    // The note whole, in as many rows as it needs; where that would hide accounts from the
    // list, its short form.
    let rows = |t: &str| text::wrap_rows(t, area.width as usize).len() as u16;
    let note_text = if o.comparable {
        ""
    } else if area
        .height
        .saturating_sub(5 + rows(crate::export::NOT_COMPARABLE))
        >= o.accounts.len() as u16 + 2
    {
        crate::export::NOT_COMPARABLE
    } else {
        NOT_COMPARABLE_SHORT
    };
    let note_h = if note_text.is_empty() {
        0
    } else {
        rows(note_text)
    };
    let [list_area, detail, note] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(5),
        Constraint::Length(note_h),
    ])
    .areas(area);
    let name_w = o
        .accounts
        .iter()
        .map(|r| text::width(r.display()))
        .max()
        .unwrap_or(8)
        .clamp(8, 28);
    // Inside the border and the "> " marker.
    let row_w = (list_area.width as usize).saturating_sub(4);
    let items: Vec<ListItem> = o
        .accounts
        .iter()
        .map(|r| account_row(app, r, name_w, row_w))
        .collect();
    let block = Block::bordered().title(" Accounts, worst first (Enter: open) ");
    let list = render_list(frame, list_area, items, block, Some(app.cursor()));
    if let Some(r) = o.accounts.get(app.cursor()) {
        let w = detail.width.saturating_sub(2) as usize;
        let mut lines = Vec::new();
        let who = match &r.label {
            Some(l) => format!("{l} ({})", r.name),
            None => r.name.clone(),
        };
        let checklist = match (&r.title, &r.source) {
            (Some(t), Some(src)) => format!("{t} ({}, {src})", r.checklist),
            _ => r.checklist.to_string(),
        };
        lines.extend(hang(
            vec![Span::styled(format!("{who}: "), Style::new().bold())],
            &checklist,
            Style::new(),
            w,
        ));
        lines.extend(hang(vec![], &r.summary(), Style::new(), w));
        frame.render_widget(Paragraph::new(lines).block(Block::bordered()), detail);
    }
    if !note_text.is_empty() {
        frame.render_widget(
            Paragraph::new(note_text)
                .wrap(Wrap { trim: true })
                .style(fg(app, Color::DarkGray)),
            note,
        );
    }
    Hits {
        list: Some(list),
        ..Hits::default()
    }
}

/// What changed in the account's checklist since it was last used: said once.
pub(super) fn notices(app: &App, frame: &mut Frame, area: Rect, notices: &[String]) -> Hits {
    let block = Block::bordered().title(format!(
        " About {}'s checklist ",
        app.acct().display(&app.account)
    ));
    let w = block.inner(area).width as usize;
    let mut lines = Vec::new();
    for n in notices {
        let mut c = n.chars();
        let n = match c.next() {
            Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
            None => String::new(),
        };
        lines.extend(hang(vec![Span::raw("* ")], &n, Style::new(), w));
        lines.push(Line::raw(""));
    }
    lines.extend(hang(
        vec![],
        "This is recorded in the history and not said again. Enter: go on.",
        fg(app, Color::DarkGray),
        w,
    ));
    let scroll_max = render_details(app, frame, area, lines, block);
    Hits {
        scroll_max,
        ..Hits::default()
    }
}
