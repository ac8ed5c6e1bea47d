//! The daily reminder's one-time question (what installing writes and runs, y / n / not now) and
//! what installing did.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use super::text::hang;
use super::{fg, render_details};
use crate::tui::app::{App, Hits, ReminderResult};

pub(super) fn render(
    app: &App,
    frame: &mut Frame,
    area: Rect,
    plan: &[String],
    result: Option<&ReminderResult>,
) -> Hits {
    let (block, lines) = match result {
        None => {
            let essentials = app
                .summary
                .score
                .sections
                .iter()
                .find(|s| s.part == crate::score::Part::Essentials)
                .map_or("essentials", |s| s.title.as_str());
            let block = Block::bordered().title(format!(" Done: {essentials} "));
            let w = block.inner(area).width as usize;
            (block, question(app, plan, w))
        }
        Some(r) => {
            let title = match (r.ok, r.warned) {
                (true, false) => " Daily reminder installed ",
                (true, true) => " Daily reminder installed, with a warning to read ",
                (false, _) => " Daily reminder NOT installed ",
            };
            let block = Block::bordered().title(title);
            let w = block.inner(area).width as usize;
            (block, outcome(app, r, w))
        }
    };
    let scroll_max = render_details(app, frame, area, lines, block);
    Hits {
        scroll_max,
        ..Hits::default()
    }
}

fn question(app: &App, plan: &[String], w: usize) -> Vec<Line<'static>> {
    let bold = Style::new().bold();
    let dim = fg(app, Color::DarkGray);
    let mut lines = hang(
        vec![],
        "Want a daily reminder? The checklist's regular reviews keep these settings safe, and \
         lockstep can check once a day whether one is due and send a desktop notification \
         (it never goes online).",
        Style::new(),
        w,
    );
    lines.push(Line::raw(""));
    for (key, what) in [
        ("y", "yes, install it as shown below"),
        ("n", "no, and do not ask again"),
        ("Esc", "not now (asked again next time)"),
    ] {
        lines.extend(hang(
            vec![Span::styled(format!("{key:>5}  "), bold)],
            what,
            Style::new(),
            w,
        ));
    }
    lines.push(Line::raw(""));
    lines.extend(hang(
        vec![],
        "Nothing is installed without y. Later: `lockstep reminders status` shows it, \
         `lockstep reminders remove` takes it away.",
        dim,
        w,
    ));
    lines.push(Line::raw(""));
    lines.push(Line::styled("What installing does:", bold));
    lines.extend(indented(plan, Style::new(), w));
    lines
}

fn outcome(app: &App, r: &ReminderResult, w: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for l in &r.lines {
        let style = if !r.ok {
            fg(app, Color::Red).bold()
        } else if l.starts_with("Warning:") {
            fg(app, Color::Yellow).bold()
        } else {
            Style::new()
        };
        lines.extend(indented(std::slice::from_ref(l), style, w));
    }
    lines.push(Line::raw(""));
    lines.extend(hang(vec![], "Enter: go on.", fg(app, Color::DarkGray), w));
    lines
}

/// Lines that keep their indentation when they wrap (file contents, commands).
fn indented(text: &[String], style: Style, w: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for l in text {
        let body = l.trim_start();
        if body.is_empty() {
            lines.push(Line::raw(""));
            continue;
        }
        let pad = " ".repeat(l.len() - body.len());
        lines.extend(hang(vec![Span::raw(pad)], body, style, w));
    }
    lines
}
