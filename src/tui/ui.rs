//! Rendering: draws the `App` into a ratatui `Frame`. Pure function of the app state.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Block, BorderType, Borders, Clear, Gauge, List, ListItem, ListState, Paragraph, Wrap,
};

use super::app::{App, Screen};
use super::keymap;
use crate::checklist::{SectionKind, Step};
use crate::schedule::{self, Due};
use crate::score;
use crate::state::Status;

/// Colours only when allowed (NO_COLOR / --color never turn them off; symbols and modifiers stay).
fn fg(app: &App, c: Color) -> Style {
    if app.color {
        Style::new().fg(c)
    } else {
        Style::new()
    }
}

fn status_style(app: &App, s: &Status) -> Style {
    match s {
        Status::Done { .. } => fg(app, Color::Green),
        Status::Skipped { .. } => fg(app, Color::Yellow),
        Status::NotApplicable { .. } => fg(app, Color::DarkGray),
        Status::Reverify { .. } => fg(app, Color::Magenta).add_modifier(Modifier::BOLD),
        Status::Todo => Style::new(),
    }
}

fn due_span(app: &App, d: &Due, snoozed: bool) -> Span<'static> {
    let text = if snoozed {
        format!("{} (snoozed)", d.describe())
    } else {
        d.describe()
    };
    match d {
        Due::Overdue { .. } => Span::styled(
            format!("!! {text}"),
            fg(app, Color::Red).add_modifier(Modifier::BOLD),
        ),
        Due::Now { .. } => Span::styled(
            format!("! {text}"),
            fg(app, Color::Yellow).add_modifier(Modifier::BOLD),
        ),
        Due::Soon { .. } => Span::styled(text, fg(app, Color::Yellow)),
        _ => Span::styled(text, fg(app, Color::DarkGray)),
    }
}

pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let message = status_message(app);
    // Messages wrap onto up to four lines (a refusal explains itself), the input line is one.
    let status_h = match &message {
        Some((text, _)) if app.input.is_none() => {
            (text.chars().count().div_ceil(area.width.max(1) as usize) as u16).clamp(1, 4)
        }
        _ => 1,
    };
    let [header, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(status_h),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(app, frame, header);
    let body = if let Some(inc) = app.acct().open_incident()
        && !matches!(app.screen(), Screen::Emergency)
    {
        let [banner, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
        let text = format!(
            " !! INCIDENT #{} OPEN for {} - press ! for the emergency steps ",
            inc.id,
            crate::export::elapsed(inc.opened, app.now)
        );
        let style = if app.color {
            Style::new().fg(Color::White).bg(Color::Red).bold()
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        };
        frame.render_widget(Paragraph::new(text).style(style), banner);
        rest
    } else {
        body
    };
    match app.screen() {
        Screen::Dashboard => render_dashboard(app, frame, body),
        Screen::Walkthrough { .. } => render_walkthrough(app, frame, body),
        Screen::Review { .. } => render_review(app, frame, body),
        Screen::Emergency => render_emergency(app, frame, body),
        Screen::History => render_history(app, frame, body),
        Screen::Personas { selected } => render_personas(app, frame, body, selected),
        Screen::Score => render_score(app, frame, body),
        Screen::Checklists => render_checklists(app, frame, body),
    }
    render_status(app, frame, status, message);
    render_footer(app, frame, footer);
    if app.help {
        render_help(app, frame, area);
    }
}

fn render_header(app: &App, frame: &mut Frame, area: Rect) {
    let title = format!(" lockstep | {} | account: {}", app.cl.title, app.account);
    let style = if app.color {
        Style::new().fg(Color::Black).bg(Color::Cyan)
    } else {
        Style::new().reversed()
    };
    frame.render_widget(Paragraph::new(title).style(style), area);
}

/// The status line's text and style: a save error wins over a flash message.
fn status_message(app: &App) -> Option<(String, Style)> {
    if let Some(e) = &app.save_error {
        return Some((format!("NOT SAVED: {e}"), fg(app, Color::Red).bold()));
    }
    app.flash.as_ref().map(|f| {
        if f.error {
            (format!("x {}", f.text), fg(app, Color::Red).bold())
        } else {
            (format!("* {}", f.text), fg(app, Color::Green))
        }
    })
}

fn render_status(app: &App, frame: &mut Frame, area: Rect, message: Option<(String, Style)>) {
    if let Some(input) = &app.input {
        let prompt = format!("{}: ", input.kind.prompt());
        // Show the end of what is typed when it is longer than the space left.
        let room = (area.width as usize).saturating_sub(prompt.chars().count() + 1);
        let n = input.text.chars().count();
        let shown: String = if n > room {
            let tail: String = input.text.chars().skip(n + 1 - room.max(1)).collect();
            format!("…{tail}")
        } else {
            input.text.clone()
        };
        let line = Line::from(vec![
            Span::styled(prompt, Style::new().bold()),
            Span::raw(shown),
            Span::styled("_", Style::new().add_modifier(Modifier::SLOW_BLINK)),
        ]);
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    if let Some((text, style)) = message {
        frame.render_widget(
            Paragraph::new(text).style(style).wrap(Wrap { trim: true }),
            area,
        );
    }
}

/// A list with the cursor's row highlighted (reverse video, "> " marker: visible without colour).
fn render_list(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    items: Vec<ListItem<'_>>,
    block: Block<'_>,
) {
    let list = List::new(items)
        .block(block)
        .highlight_style(Style::new().reversed())
        .highlight_symbol("> ");
    frame.render_stateful_widget(
        list,
        area,
        &mut ListState::default().with_selected(Some(app.cursor)),
    );
}

/// Rough number of rows `text` takes when wrapped at `width` (for the "more below" hint).
fn wrapped_rows(text: &Text, width: u16) -> u16 {
    let w = width.max(1) as usize;
    text.lines
        .iter()
        .map(|l| {
            let s: String = l.spans.iter().map(|sp| sp.content.as_ref()).collect();
            line_rows(&s, w) as u16
        })
        .sum()
}

/// Rows one line takes with greedy word wrapping at `w` columns (long words are broken).
fn line_rows(s: &str, w: usize) -> usize {
    let (mut rows, mut col) = (1, 0);
    for word in s.split(' ') {
        let len = word.chars().count();
        if col > 0 && col + 1 + len <= w {
            col += 1 + len;
            continue;
        }
        if col > 0 {
            rows += 1;
        }
        rows += len.saturating_sub(1) / w;
        col = if len == 0 { 0 } else { (len - 1) % w + 1 };
    }
    rows
}

/// A paragraph of details that scrolls with PgDn/PgUp, with a hint when there is more.
fn render_details(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    text: Text<'static>,
    block: Block<'static>,
) {
    let inner = block.inner(area);
    let total = wrapped_rows(&text, inner.width);
    let max = total.saturating_sub(inner.height);
    app.scroll_max.set(max);
    let scroll = app.scroll.min(max);
    let block = if scroll < max {
        block.title_bottom(Line::styled(" more below: PgDn ", Style::new().bold()).right_aligned())
    } else if scroll > 0 {
        block.title_bottom(
            Line::styled(" PgUp: back to the top ", Style::new().bold()).right_aligned(),
        )
    } else {
        block
    };
    frame.render_widget(
        Paragraph::new(text)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}

fn render_checklists(app: &App, frame: &mut Frame, area: Rect) {
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
    render_list(app, frame, list_area, items, Block::bordered());
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
}

fn render_footer(app: &App, frame: &mut Frame, area: Rect) {
    let entries: Vec<(&str, &str)> = if app.input.is_some() {
        vec![("Enter", "save"), ("Esc", "cancel")]
    } else {
        keymap::bindings_for(app.screen().kind())
            .filter_map(|b| b.footer.map(|short| (b.label, short)))
            .collect()
    };
    let spans = footer_spans(&entries, area.width as usize);
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(fg(app, Color::Gray)),
        area,
    );
}

/// Footer entries that fit in `width`: when too long, entries are dropped from the end, keeping
/// the first two (`!`, `?`) and the last (back); `?` lists them all.
fn footer_spans(entries: &[(&'static str, &'static str)], width: usize) -> Vec<Span<'static>> {
    let len = |e: &[(&str, &str)]| -> usize {
        e.iter()
            .map(|(k, s)| k.chars().count() + s.chars().count() + 3)
            .sum()
    };
    let mut kept = entries.to_vec();
    while len(&kept) > width && kept.len() > 3 {
        kept.remove(kept.len() - 2);
    }
    kept.iter()
        .flat_map(|(k, s)| {
            [
                Span::styled(*k, Style::new().bold()),
                Span::raw(format!(" {s}  ")),
            ]
        })
        .collect()
}

fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(0);
    format!("[{}{}]", "#".repeat(filled), "-".repeat(width - filled))
}

fn render_dashboard(app: &App, frame: &mut Frame, area: Rect) {
    let [gauge_area, list_area] =
        Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
    let sc = score::score(&app.cl, app.acct(), app.today);
    let gauge = match sc.value {
        Some(v) => Gauge::default()
            .block(Block::bordered().title(" Hardening score (b: how it is computed) "))
            .gauge_style(fg(
                app,
                if v >= 80 {
                    Color::Green
                } else if v >= 50 {
                    Color::Yellow
                } else {
                    Color::Red
                },
            ))
            .percent(v as u16)
            .label(format!("{v}/100")),
        None => Gauge::default()
            .block(Block::bordered().title(" Hardening score "))
            .gauge_style(fg(app, Color::Red))
            .percent(0)
            .label("no score while an incident is open"),
    };
    frame.render_widget(gauge, gauge_area);

    let reviews = schedule::reviews(&app.cl, app.acct(), app.today);
    let items: Vec<ListItem> = app
        .cl
        .sections
        .iter()
        .map(|s| {
            let mut spans = vec![Span::styled(
                format!("{:<34}", s.title),
                Style::new().bold(),
            )];
            match s.kind {
                SectionKind::Setup => {
                    let (done, total, reverify) = sc
                        .section(&s.id)
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
                    } else if let Some(m) = s.minutes {
                        spans.push(Span::styled(format!(" ~{m} min"), fg(app, Color::DarkGray)));
                    }
                }
                SectionKind::Recurring => {
                    if let Some(r) = reviews.iter().find(|r| r.section == s.id) {
                        let every = schedule::interval_label(r.every_months);
                        spans.push(Span::raw(format!("{every:<10} ")));
                        spans.push(due_span(app, &r.due, r.snoozed));
                        if r.progress.0 > 0 {
                            spans.push(Span::raw(format!(
                                " ({}/{} checked)",
                                r.progress.0, r.progress.1
                            )));
                        }
                    }
                }
                SectionKind::Event => {
                    let last = app
                        .acct()
                        .reviews
                        .get(&s.id)
                        .and_then(|r| r.last())
                        .map(|c| c.date);
                    spans.push(Span::styled(
                        match last {
                            Some(d) => format!("on demand, last {d}"),
                            None => "on demand, never run".into(),
                        },
                        fg(app, Color::DarkGray),
                    ));
                }
                SectionKind::Emergency => {
                    spans.push(Span::styled(
                        "press ! if you suspect compromise",
                        fg(app, Color::Red),
                    ));
                }
            }
            ListItem::new(Line::from(spans))
        })
        .collect();
    let [list_area, next_area] = Layout::vertical([
        Constraint::Length(app.cl.sections.len() as u16 + 2),
        Constraint::Min(0),
    ])
    .areas(list_area);
    let block = Block::bordered().title(format!(" {} ", app.cl.service));
    render_list(app, frame, list_area, items, block);
    if next_area.height >= 3 {
        frame.render_widget(
            Paragraph::new(next_up(app, &reviews))
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(" Next up ")),
            next_area,
        );
    }
}

/// What to do next: the first open setup step, then any due review.
fn next_up(app: &App, reviews: &[schedule::ReviewStatus]) -> Text<'static> {
    let mut lines = Vec::new();
    let open = app.cl.sections_of(SectionKind::Setup).find_map(|s| {
        app.visible_steps(s)
            .into_iter()
            .find(|t| {
                matches!(
                    app.acct().status(&t.id),
                    Status::Todo | Status::Reverify { .. }
                )
            })
            .map(|t| (s.title.clone(), t.title.clone()))
    });
    match open {
        Some((section, step)) => lines.push(Line::from(vec![
            Span::styled("Setup  ", Style::new().bold()),
            Span::raw(format!("{step} ({section})")),
        ])),
        None => lines.push(Line::styled(
            "Setup  every applicable step is done or skipped",
            fg(app, Color::Green),
        )),
    }
    for r in reviews.iter().filter(|r| r.due.is_due()) {
        lines.push(Line::from(vec![
            Span::styled("Review ", Style::new().bold()),
            Span::raw(format!("{}: ", r.title)),
            due_span(app, &r.due, r.snoozed),
        ]));
    }
    Text::from(lines)
}

/// Title, why, path, how, warnings and note of one step.
fn step_text(app: &App, step: &Step) -> Text<'static> {
    let mut lines = Vec::new();
    let status = app.acct().status(&step.id);
    lines.push(Line::from(vec![
        Span::styled(format!("{} ", status.symbol()), status_style(app, status)),
        Span::styled(step.title.clone(), Style::new().bold()),
        Span::styled(format!("  ({})", status.label()), status_style(app, status)),
    ]));
    if let Status::Skipped { reason, .. } = status {
        lines.push(Line::styled(
            format!("    skipped: {reason}"),
            fg(app, Color::Yellow),
        ));
    }
    if let Status::Reverify { incident, .. } = status {
        lines.push(Line::styled(
            format!(
                "    reopened by incident #{incident}: check it is still set up as you left it"
            ),
            fg(app, Color::Magenta),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Why  ", Style::new().bold()),
        Span::raw(step.why.clone()),
    ]));
    if !step.path.is_empty() {
        lines.push(Line::from(vec![
            Span::styled("Path ", Style::new().bold()),
            Span::styled(
                step.path.join(" > "),
                fg(app, Color::Cyan).add_modifier(Modifier::BOLD),
            ),
        ]));
    }
    lines.push(Line::styled("How", Style::new().bold()));
    for (i, h) in step.how.iter().enumerate() {
        lines.push(Line::raw(format!("  {}. {h}", i + 1)));
    }
    for w in &step.warnings {
        lines.push(Line::styled(
            format!("/!\\ {w}"),
            fg(app, Color::Yellow).add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(n) = app.acct().note(&step.id) {
        lines.push(Line::from(vec![
            Span::styled("Note ", Style::new().bold()),
            Span::raw(n.to_string()),
        ]));
    }
    Text::from(lines)
}

fn render_walkthrough(app: &App, frame: &mut Frame, area: Rect) {
    let Some((section, step, i, n)) = app.current_step() else {
        return;
    };
    // Done / counted as on the dashboard (steps marked not applicable do not count).
    let sc = score::score(&app.cl, app.acct(), app.today);
    let (done, counted) = sc
        .section(&section.id)
        .map_or((0, 0), |x| (x.done, x.applicable));
    let title = format!(
        " {} | step {} of {n} | {done}/{counted} done ",
        section.title,
        i + 1
    );
    let block = Block::bordered()
        .title(title)
        .border_type(BorderType::Rounded);
    render_details(app, frame, area, step_text(app, step), block);
}

fn list_and_detail(area: Rect, n: usize) -> (Rect, Rect) {
    let list_h = (n as u16 + 2).min(area.height / 2).max(3);
    let [a, b] = Layout::vertical([Constraint::Length(list_h), Constraint::Min(3)]).areas(area);
    (a, b)
}

fn render_review(app: &App, frame: &mut Frame, area: Rect) {
    let Screen::Review { section } = app.screen() else {
        return;
    };
    let Some(sec) = app.cl.section(section) else {
        return;
    };
    let steps = app.visible_steps(sec);
    let review = app.acct().reviews.get(&sec.id);
    let mut title = vec![Span::raw(format!(" {} ", sec.title))];
    if let Some(m) = sec.every_months {
        let st = schedule::due(review, m, app.acct().setup_started_on(), app.today);
        title.push(Span::raw("| "));
        title.push(due_span(app, &st, schedule::is_snoozed(review, app.today)));
        title.push(Span::raw(" "));
    }
    if let Some(last) = review.and_then(|r| r.last()) {
        title.push(Span::raw(format!("| last {} ", last.date)));
    }
    let items: Vec<ListItem> = steps
        .iter()
        .map(|t| {
            let checked = review.is_some_and(|r| r.in_progress.contains_key(&t.id));
            let (sym, style) = if checked {
                ("[x] ", fg(app, Color::Green))
            } else {
                ("[ ] ", Style::new())
            };
            ListItem::new(Line::from(vec![
                Span::styled(sym, style),
                Span::raw(t.title.clone()),
            ]))
        })
        .collect();
    let (la, da) = list_and_detail(area, items.len());
    render_list(
        app,
        frame,
        la,
        items,
        Block::bordered().title(Line::from(title)),
    );
    if let Some(st) = steps.get(app.cursor) {
        let mut text = step_text_plain(app, st);
        text.lines.push(Line::styled(
            "Check every item to record the review; partial progress is kept.",
            fg(app, Color::DarkGray),
        ));
        render_details(app, frame, da, text, Block::bordered());
    }
}

/// Step details without the setup status line (for review and emergency items).
fn step_text_plain(app: &App, step: &Step) -> Text<'static> {
    let mut t = step_text(app, step);
    t.lines[0] = Line::styled(step.title.clone(), Style::new().bold());
    t
}

fn render_emergency(app: &App, frame: &mut Frame, area: Rect) {
    let red = fg(app, Color::Red).add_modifier(Modifier::BOLD);
    let Some(em) = app.cl.emergency() else { return };
    let inc = app.acct().open_incident();
    let title = match inc {
        Some(i) => format!(
            " !! COMPROMISE MODE !! incident #{} opened {} UTC, {} ago ",
            i.id,
            i.opened.format("%Y-%m-%d %H:%M"),
            crate::export::elapsed(i.opened, app.now)
        ),
        None => " !! COMPROMISE MODE !! no incident open ".to_string(),
    };
    let block = Block::bordered()
        .border_type(BorderType::Thick)
        .border_style(red)
        .title(Span::styled(title, red));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let items: Vec<ListItem> = em
        .steps
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let done = inc.and_then(|x| x.steps.get(&t.id).map(|at| (x.opened, *at)));
            match done {
                Some((opened, at)) => ListItem::new(Line::from(vec![
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
                None => ListItem::new(Line::from(vec![
                    Span::styled(format!("{}. [ ] ", i + 1), red),
                    Span::styled(t.title.clone(), Style::new().bold()),
                ])),
            }
        })
        .collect();
    let log_len = inc.map_or(0, |i| i.log.len()).min(4) as u16;
    let [la, da, lg] = Layout::vertical([
        Constraint::Length(items.len() as u16 + 1),
        Constraint::Min(3),
        Constraint::Length(if log_len > 0 { log_len + 1 } else { 0 }),
    ])
    .areas(inner);
    render_list(app, frame, la, items, Block::new().borders(Borders::BOTTOM));
    if let Some(st) = em.steps.get(app.cursor) {
        let block = Block::new().borders(Borders::BOTTOM).border_style(red);
        let mut text = step_text_plain(app, st);
        // The whole log is in the scrollable details; the pane below shows the latest entries.
        if let Some(i) = inc.filter(|i| !i.log.is_empty()) {
            text.lines.push(Line::raw(""));
            text.lines.push(Line::styled(
                format!("Incident log, all {} entries (UTC)", i.log.len()),
                Style::new().bold(),
            ));
            for e in &i.log {
                text.lines.push(Line::raw(format!(
                    "{} {}",
                    e.at.format("%H:%M"),
                    e.describe()
                )));
            }
        }
        render_details(app, frame, da, text, block);
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
                e.describe()
            )));
        }
        frame.render_widget(Paragraph::new(lines), lg);
    }
}

fn render_history(app: &App, frame: &mut Frame, area: Rect) {
    let h: Vec<_> = app.events().collect();
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
    let list = List::new(items)
        .block(Block::bordered().title(format!(
            " History ({} events, newest first; times in UTC) ",
            h.len()
        )))
        .highlight_style(Style::new().reversed());
    frame.render_stateful_widget(
        list,
        list_area,
        &mut ListState::default().with_selected(Some(app.cursor - start)),
    );
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
}

/// Height of the intro box on the persona screen (also used for mouse hit-testing).
pub const PERSONA_INTRO_HEIGHT: u16 = 5;

fn render_personas(app: &App, frame: &mut Frame, area: Rect, selected: &[bool]) {
    let n = app.cl.personas.len() as u16;
    let [intro, list_area, detail] = Layout::vertical([
        Constraint::Length(PERSONA_INTRO_HEIGHT),
        Constraint::Length(n + 2),
        Constraint::Min(0),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(
            "How do you use this account? Pick all that apply (Space), then Enter. \
             Steps are tailored to your choice; steps for everyone are always shown. \
             Change this later with p on the dashboard.",
        )
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
    render_list(app, frame, list_area, items, Block::bordered());
    if let Some(p) = app.cl.personas.get(app.cursor) {
        frame.render_widget(
            Paragraph::new(p.description.clone())
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(format!(" {} ", p.title))),
            detail,
        );
    }
}

fn render_score(app: &App, frame: &mut Frame, area: Rect) {
    let sc = score::score(&app.cl, app.acct(), app.today);
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Score ", Style::new().bold()),
            Span::raw(match sc.value {
                Some(v) => format!("{v}/100"),
                None => format!(
                    "hidden: incident #{} is open",
                    sc.open_incident.unwrap_or(0)
                ),
            }),
        ]),
        Line::raw(format!("Formula: {}", score::FORMULA)),
        Line::raw(
            "Steps for other personas and not-applicable steps leave the total; skipped count as not done.",
        ),
        Line::raw(""),
        Line::styled(
            format!("Setup progress {}/100", sc.base),
            Style::new().bold(),
        ),
    ];
    for s in &sc.sections {
        lines.push(Line::raw(format!(
            "  {:<28} {:>2}/{:<2} steps  weight {:>3}/{:<3}",
            s.title, s.done, s.applicable, s.done_weight, s.weight
        )));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Penalties", Style::new().bold()));
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
    lines.push(Line::styled(
        "Step weights (open steps)",
        Style::new().bold(),
    ));
    for s in app.cl.sections_of(SectionKind::Setup) {
        for t in app.visible_steps(s) {
            let st = app.acct().status(&t.id);
            if !st.is_done() && !matches!(st, Status::NotApplicable { .. }) {
                lines.push(Line::raw(format!(
                    "  {:>3}  {} {}",
                    t.weight,
                    st.symbol(),
                    t.title
                )));
            }
        }
    }
    let block = Block::bordered().title(" Hardening score breakdown ");
    render_details(app, frame, area, Text::from(lines), block);
}

fn render_help(app: &App, frame: &mut Frame, area: Rect) {
    let screen = app.screen().kind();
    let rows: Vec<Line> = keymap::bindings_for(screen)
        .map(|b| {
            Line::from(vec![
                Span::styled(format!("{:>8}  ", b.label), Style::new().bold()),
                Span::raw(b.help),
            ])
        })
        .collect();
    let h = (rows.len() as u16 + 4).min(area.height);
    let w = 64.min(area.width);
    let popup = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    frame.render_widget(Clear, popup);
    let mut text = rows;
    text.push(Line::raw(""));
    text.push(Line::styled(
        "Press any key to close",
        fg(app, Color::DarkGray),
    ));
    frame.render_widget(
        Paragraph::new(text).block(Block::bordered().title(format!(" Keys: {screen:?} "))),
        popup,
    );
}
