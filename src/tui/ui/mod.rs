//! Rendering: draws the `App` into a ratatui `Frame` and returns where its list and details
//! landed ([`Hits`]). It only draws: derived values come from `App::summary`.

mod dashboard;
mod emergency;
mod pages;
mod reminder;
mod review;
mod status;
pub mod text;
mod walk;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, List, ListItem, ListState, Paragraph};

use super::app::{Action, App, Hits, ListHit, Screen};
use super::keymap;
use crate::schedule::Due;
use crate::state::Status;

/// Colours only when allowed (NO_COLOR / --color never turn them off; symbols and modifiers stay).
pub(super) fn fg(app: &App, c: Color) -> Style {
    if app.color {
        Style::new().fg(c)
    } else {
        Style::new()
    }
}

pub(super) fn status_style(app: &App, s: &Status) -> Style {
    match s {
        Status::Done { .. } => fg(app, Color::Green),
        Status::Skipped { .. } => fg(app, Color::Yellow),
        Status::NotApplicable { .. } => fg(app, Color::DarkGray),
        Status::Reverify { .. } => fg(app, Color::Magenta).add_modifier(Modifier::BOLD),
        Status::Todo => Style::new(),
    }
}

pub(super) fn due_span(app: &App, d: &Due, snoozed: Option<chrono::NaiveDate>) -> Span<'static> {
    let text = match snoozed {
        Some(until) => format!("{} (snoozed until {until})", d.describe()),
        None => d.describe(),
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

/// Draws the whole screen; returns the layout for mouse hit-testing and scrolling.
pub fn render(app: &App, frame: &mut Frame) -> Hits {
    let area = frame.area();
    // A message wraps onto as many rows as it needs (a refusal explains itself), above an open
    // prompt's one or two rows.
    let status_plan = status::plan(app, area);
    let [header, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(status_plan.body_min),
        Constraint::Length(status_plan.height),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(app, frame, header);
    let body = if let Some(inc) = app.acct().open_incident()
        && !matches!(
            app.screen(),
            Screen::Emergency { .. } | Screen::Compromise { .. } | Screen::Accounts { .. }
        ) {
        let [banner, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
        let (id, open_for) = (inc.id, crate::export::elapsed(inc.opened, app.now));
        // The longest that fits the width, never cut mid-word.
        let text = text::fullest(
            [
                format!(
                    " !! INCIDENT #{id} OPEN for {open_for} - press ! for the emergency steps "
                ),
                format!(" !! INCIDENT #{id} OPEN for {open_for} - press ! for its steps "),
                format!(" !! INCIDENT #{id} OPEN - press ! "),
                format!(" !! INCIDENT #{id} "),
            ],
            |t| text::width(t) <= banner.width as usize,
        );
        frame.render_widget(Paragraph::new(text).style(alert(app)), banner);
        rest
    } else {
        body
    };
    // Each screen draws itself from its own state.
    let hits = match app.screen() {
        Screen::Dashboard { .. } => dashboard::render(app, frame, body),
        Screen::Walkthrough { list, .. } | Screen::SectionEnd { list, .. } => {
            walk::render(app, frame, body, *list)
        }
        Screen::Review { .. } => review::render(app, frame, body),
        Screen::Emergency { .. } | Screen::Compromise { .. } => emergency::render(app, frame, body),
        Screen::History { .. } => pages::history(app, frame, body),
        Screen::Personas {
            selected,
            first_run,
            ..
        } => pages::personas(app, frame, body, selected, *first_run),
        Screen::Score { .. } => pages::score(app, frame, body),
        Screen::Checklists { .. } => pages::checklists(app, frame, body),
        Screen::ConfirmChecklist { choice } => pages::confirm_checklist(app, frame, body, *choice),
        Screen::Accounts { .. } => pages::accounts(app, frame, body),
        Screen::Notices { lines } => pages::notices(app, frame, body, lines),
        Screen::ReminderOffer { plan, .. } => reminder::render(app, frame, body, plan, None),
        Screen::ReminderResult { result, .. } => {
            reminder::render(app, frame, body, &[], Some(result))
        }
    };
    status::render(app, frame, status, &status_plan);
    render_footer(app, frame, footer);
    if app.help {
        render_help(app, frame, area);
    }
    neutralise(frame);
    hits
}

/// No control or bidi character reaches the terminal: the checklist's text arrives escaped
/// (`\u{202e}`, see [`crate::tui::app::App::open`]); anything else that slipped into a cell (a
/// note, a ticket) is drawn as a visible U+FFFD.
fn neutralise(frame: &mut Frame) {
    for cell in frame.buffer_mut().content.iter_mut() {
        if cell
            .symbol()
            .chars()
            .any(|c| crate::guard::is_dangerous(c, false))
        {
            cell.set_symbol("\u{fffd}");
        }
    }
}

/// White on red, or reverse video without colour.
pub(super) fn alert(app: &App) -> Style {
    if app.color {
        Style::new().fg(Color::White).bg(Color::Red).bold()
    } else {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }
}

/// The header: the checklist, whose it is (bundled or the user's file), and the account.
fn render_header(app: &App, frame: &mut Frame, area: Rect) {
    let title = match app.screen() {
        Screen::Accounts { .. } => {
            format!(" lockstep | all accounts ({})", app.state.accounts.len())
        }
        Screen::Checklists { .. } | Screen::ConfirmChecklist { .. } => {
            format!(" lockstep | new account: {}", app.account)
        }
        _ => {
            let (source, who) = (app.origin.short(), app.acct().display(&app.account));
            let full = format!(" lockstep | {} | {source} | account: {who}", app.cl.title);
            // Where the steps come from and whose account it is matter more than the title.
            if text::width(&full) > area.width as usize {
                format!(" lockstep | {source} | account: {who}")
            } else {
                full
            }
        }
    };
    let style = match (&app.origin, app.color) {
        (crate::checklist::Origin::File { .. }, true) => {
            Style::new().fg(Color::Black).bg(Color::Yellow)
        }
        (_, true) => Style::new().fg(Color::Black).bg(Color::Cyan),
        (_, false) => Style::new().reversed(),
    };
    // Still too long (a long label): cut between words, never mid-word.
    let title = Line::from(text::fit(vec![Span::raw(title)], area.width as usize));
    frame.render_widget(Paragraph::new(title).style(style), area);
}

/// A list with the cursor's row highlighted (reverse video, "> " marker: visible without colour).
/// Returns where its rows landed.
pub(super) fn render_list(
    frame: &mut Frame,
    area: Rect,
    items: Vec<ListItem<'_>>,
    block: Block<'_>,
    selected: Option<usize>,
) -> ListHit {
    let inner = block.inner(area);
    let list = List::new(items)
        .block(block)
        .highlight_style(Style::new().reversed())
        .highlight_symbol("> ")
        // Rows keep their place whether or not one is selected (the dashboard's cursor may be
        // in Next up).
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut state = ListState::default().with_selected(selected);
    frame.render_stateful_widget(list, area, &mut state);
    ListHit {
        area: inner,
        offset: state.offset(),
    }
}

/// Pre-wrapped details that scroll with the app's scroll offset, with a hint when there is
/// more. Returns the largest useful scroll offset.
pub(super) fn render_details(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    lines: Vec<Line<'static>>,
    block: Block<'static>,
) -> u16 {
    let inner = block.inner(area);
    let max = (lines.len() as u16).saturating_sub(inner.height);
    let scroll = app.scroll().min(max);
    // The keys are named as the keymap binds them on this screen.
    let keys = |action| keymap::label_for(app.kind(), action).unwrap_or_default();
    let block = if scroll < max {
        block.title_bottom(
            Line::styled(
                format!(" more below: {} ", keys(Action::ScrollDown)),
                Style::new().bold(),
            )
            .right_aligned(),
        )
    } else if scroll > 0 {
        block.title_bottom(
            Line::styled(
                format!(" {}: back to the top ", keys(Action::ScrollUp)),
                Style::new().bold(),
            )
            .right_aligned(),
        )
    } else {
        block
    };
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
    max
}

/// The footer: the current screen's keys in keymap order. When they do not all fit, entries are
/// dropped from the end (keeping `!` first and back last) and it ends with "? more".
fn render_footer(app: &App, frame: &mut Frame, area: Rect) {
    let entries: Vec<(String, &str)> = if app.input.is_some() {
        keymap::PROMPT
            .iter()
            .filter_map(|b| b.footer.map(|f| (b.label(), f)))
            .collect()
    } else {
        let at = key_context(app);
        keymap::bindings_for(app.kind())
            .map(|b| (b.label(), b.words(at).0))
            .collect()
    };
    let spans = footer_spans(&entries, area.width as usize);
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(fg(app, Color::Gray)),
        area,
    );
}

/// Where the keys are shown (their words depend on it).
fn key_context(app: &App) -> keymap::Context {
    keymap::Context {
        first_screen: app.back_quits(),
        on_finding: matches!(app.screen(), Screen::Review { .. })
            && app.selected_step().is_some_and(|(_, st)| st.finding),
    }
}

/// Footer entries that fit in `width` (see [`render_footer`]).
pub fn footer_spans(entries: &[(String, &'static str)], width: usize) -> Vec<Span<'static>> {
    let len = |e: &[(String, &str)]| -> usize {
        e.iter()
            .map(|(k, s)| text::width(k) + text::width(s) + 3)
            .sum()
    };
    let more = ("?".to_string(), "more");
    let mut kept = entries.to_vec();
    if len(&kept) > width {
        // "? help" becomes "? more" at the end; Ctrl-C is listed in the help.
        kept.retain(|(k, _)| k != "?");
        kept.push(more);
        while len(&kept) > width && kept.len() > 3 {
            kept.remove(kept.len() - 3);
        }
    }
    kept.into_iter()
        .flat_map(|(k, s)| {
            [
                Span::styled(k, Style::new().bold()),
                Span::raw(format!(" {s}  ")),
            ]
        })
        .collect()
}

fn render_help(app: &App, frame: &mut Frame, area: Rect) {
    let kind = app.kind();
    let w = 72.min(area.width);
    let inner_w = w.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    let at = key_context(app);
    for b in keymap::bindings_for(kind) {
        lines.extend(text::hang(
            vec![Span::styled(
                format!("{:>8}  ", b.label()),
                Style::new().bold(),
            )],
            b.words(at).1,
            Style::new(),
            inner_w,
        ));
    }
    if app.input.is_none() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Press any key to close",
            fg(app, Color::DarkGray),
        ));
    }
    let h = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(format!(" Keys: {} ", kind.label()))),
        popup,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(spans: &[Span]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_footer_that_does_not_fit_ends_with_more() {
        let entries = [
            ("!", "compromised"),
            ("Space", "done"),
            ("s", "skip"),
            ("Ctrl-C", "quit"),
            ("?", "help"),
            ("q/Esc", "back"),
        ]
        .map(|(k, s)| (k.to_string(), s));
        let all = shown(&footer_spans(&entries, 200));
        assert!(all.contains("? help") && !all.contains("more"), "{all}");
        let cut = shown(&footer_spans(&entries, 50));
        assert!(cut.trim_end().ends_with("q/Esc back  ? more"), "{cut}");
        assert!(cut.starts_with("! compromised  Space done"), "{cut}");
        assert!(!cut.contains("Ctrl-C"), "{cut}");
        assert!(text::width(cut.trim_end()) <= 50);
    }
}
