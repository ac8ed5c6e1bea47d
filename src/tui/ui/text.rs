//! Text laid out for a given width: word wrapping with a hanging indent (a numbered how-to line
//! or a warning wraps under its own text, not under its number), and the details of one step.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::{fg, status_style};
use crate::checklist::{Origin, Step, link};
use crate::state::Status;
use crate::tui::app::App;

/// Display width of a string (wide characters count two).
pub fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// The fullest of `wordings` (longest first) that `fits`, else the last, shortest one: where a
/// narrow terminal needs fewer words rather than words cut off.
pub fn fullest<const N: usize>(wordings: [String; N], fits: impl Fn(&str) -> bool) -> String {
    let mut last = String::new();
    for w in wordings {
        if fits(&w) {
            return w;
        }
        last = w;
    }
    last
}

/// The spans of one row cut to `w` columns at a word boundary, never mid-word: a span that does
/// not fit keeps its words that do, followed by "…" (and is dropped when none does).
pub fn fit(spans: Vec<Span<'static>>, w: usize) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut used = 0;
    for sp in spans {
        let sw = sp.width();
        if used + sw <= w {
            used += sw;
            out.push(sp);
            continue;
        }
        let room = w.saturating_sub(used + 1);
        let mut kept = String::new();
        for word in sp.content.split_inclusive(' ') {
            if width(&kept) + width(word.trim_end()) > room {
                break;
            }
            kept.push_str(word);
        }
        let kept = kept.trim_end();
        if !kept.trim().is_empty() {
            out.push(Span::styled(format!("{kept}…"), sp.style));
        } else if room > 0 {
            out.push(Span::raw("…"));
        }
        break;
    }
    out
}

/// `s` as a column `w` wide: cut between words (see [`fit`]) and padded with spaces.
pub fn column(s: &str, w: usize) -> String {
    let cut: String = fit(vec![Span::raw(s.to_string())], w)
        .iter()
        .map(|x| x.content.as_ref())
        .collect();
    let pad = w.saturating_sub(width(&cut));
    format!("{cut}{}", " ".repeat(pad))
}

/// Rows a bordered box needs to hold `text` wrapped to its inside at `area_w` columns.
pub fn box_height(text: &str, area_w: u16) -> u16 {
    wrap_rows(text, area_w.saturating_sub(2) as usize).len() as u16 + 2
}

/// Splits `text` into rows of at most `w` columns, greedily by words (a word longer than a row
/// is cut).
pub fn wrap_rows(text: &str, w: usize) -> Vec<String> {
    wrap_widths(text, w, w)
}

/// Like [`wrap_rows`], with the first row `first` columns wide and the others `rest`.
fn wrap_widths(text: &str, first: usize, rest: usize) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    let mut row = String::new();
    let mut row_w = 0;
    let room = |rows: &Vec<String>| if rows.is_empty() { first } else { rest }.max(1);
    for word in text.split(' ').filter(|s| !s.is_empty()) {
        let ww = width(word);
        if row_w > 0 && row_w + 1 + ww <= room(&rows) {
            row.push(' ');
            row.push_str(word);
            row_w += 1 + ww;
            continue;
        }
        if row_w > 0 || (ww > room(&rows) && first < rest && rows.is_empty()) {
            // A full row ends here (or a long word starts on a full-width row).
            rows.push(std::mem::take(&mut row));
            row_w = 0;
        }
        if ww <= room(&rows) {
            row.push_str(word);
            row_w = ww;
            continue;
        }
        for c in word.chars() {
            let cw = width(c.encode_utf8(&mut [0; 4]));
            if row_w + cw > room(&rows) && row_w > 0 {
                rows.push(std::mem::take(&mut row));
                row_w = 0;
            }
            row.push(c);
            row_w += cw;
        }
    }
    if row_w > 0 || rows.is_empty() {
        rows.push(row);
    }
    rows
}

/// `text` wrapped to `w` columns after the prefix `first`; the following rows are indented by the
/// prefix's width (a hanging indent). On very narrow widths the indent is dropped.
pub fn hang(first: Vec<Span<'static>>, text: &str, style: Style, w: usize) -> Vec<Line<'static>> {
    // User text (notes, reasons, log entries) may hold control or bidi characters: escaped.
    let text = crate::guard::clean(text, false);
    let text = text.as_ref();
    let prefix: usize = first.iter().map(Span::width).sum();
    let indent = if w >= prefix + 12 { prefix } else { 0 };
    let rows = wrap_widths(text, w.saturating_sub(prefix), w.saturating_sub(indent));
    let mut out = Vec::new();
    let mut first = Some(first);
    for row in rows {
        let mut spans = match first.take() {
            Some(f) => f,
            None => vec![Span::raw(" ".repeat(indent))],
        };
        if !row.is_empty() {
            spans.push(Span::styled(row, style));
        }
        out.push(Line::from(spans));
    }
    out
}

/// Where the steps come from, for the walkthrough: "Source: bundled (lockstep 0.1.0, ...)" or, in
/// warning colours, "Source: your file: PATH (sha256 ...)".
pub fn source_line(app: &App, w: usize) -> Vec<Line<'static>> {
    let style = match app.origin {
        Origin::Bundled => fg(app, Color::DarkGray),
        Origin::File { .. } => fg(app, Color::Yellow).add_modifier(Modifier::BOLD),
    };
    hang(
        vec![Span::styled("Source: ", style)],
        &app.origin.describe(&app.cl),
        style,
        w,
    )
}

/// Title, status, why, path, how, warnings, links and note of one step, wrapped to `w` columns.
/// `with_status`: setup steps show their status; review and emergency items do not. Links show
/// the host they really go to.
pub fn step_lines(app: &App, step: &Step, w: usize, with_status: bool) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let bold = Style::new().bold();
    let status = app.acct().status(step.id.as_str());
    if with_status {
        lines.extend(hang(
            vec![Span::styled(
                format!("{} ", status.symbol()),
                status_style(app, status),
            )],
            &format!("{}  ({})", step.title, status.label()),
            bold,
            w,
        ));
    } else {
        lines.extend(hang(vec![], &step.title, bold, w));
    }
    if with_status {
        match status {
            Status::Skipped { reason, .. } => lines.extend(hang(
                vec![Span::raw("    skipped: ")],
                reason,
                fg(app, Color::Yellow),
                w,
            )),
            Status::Reverify { incident, .. } => lines.extend(hang(
                vec![Span::raw("    ")],
                &format!(
                    "reopened by incident #{incident}: check it is still set up as you left it"
                ),
                fg(app, Color::Magenta),
                w,
            )),
            _ => {}
        }
    }
    lines.push(Line::raw(""));
    lines.extend(hang(
        vec![Span::styled("Why  ", bold)],
        &step.why,
        Style::new(),
        w,
    ));
    if !step.path.is_empty() {
        lines.extend(hang(
            vec![Span::styled("Path ", bold)],
            &step.path.join(" > "),
            fg(app, Color::Cyan).add_modifier(Modifier::BOLD),
            w,
        ));
    }
    lines.push(Line::styled("How", bold));
    for (i, h) in step.how.iter().enumerate() {
        lines.extend(hang(
            vec![Span::raw(format!("  {}. ", i + 1))],
            h,
            Style::new(),
            w,
        ));
    }
    let warn = fg(app, Color::Yellow).add_modifier(Modifier::BOLD);
    for x in &step.warnings {
        lines.extend(hang(vec![Span::styled("/!\\ ", warn)], x, warn, w));
    }
    lines.extend(link_lines(app, step, w));
    if let Some(n) = app.acct().note(step.id.as_str()) {
        lines.extend(hang(vec![Span::styled("Note ", bold)], n, Style::new(), w));
    }
    lines
}

/// A step's links, each after the host it really goes to.
pub fn link_lines(app: &App, step: &Step, w: usize) -> Vec<Line<'static>> {
    step.links
        .iter()
        .flat_map(|url| {
            hang(
                vec![Span::styled("Link ", Style::new().bold())],
                &link(url).describe(),
                fg(app, Color::Cyan),
                w,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn the_fullest_wording_that_fits_else_the_shortest() {
        let words = || {
            [
                "three words here".to_string(),
                "two words".into(),
                "one".into(),
            ]
        };
        assert_eq!(fullest(words(), |t| width(t) <= 20), "three words here");
        assert_eq!(fullest(words(), |t| width(t) <= 10), "two words");
        assert_eq!(fullest(words(), |t| width(t) <= 1), "one");
    }

    #[test]
    fn wrapped_lines_keep_a_hanging_indent() {
        let l = hang(
            vec![Span::raw("  1. ")],
            "Open the app and go to Settings, then Security",
            Style::new(),
            20,
        );
        assert_eq!(
            text(&l),
            [
                "  1. Open the app",
                "     and go to",
                "     Settings, then",
                "     Security"
            ]
        );
        for row in text(&l) {
            assert!(width(&row) <= 20, "{row:?}");
        }
    }

    #[test]
    fn rows_are_cut_between_words() {
        let spans = vec![
            Span::raw("Monthly review "),
            Span::raw("overdue by 4 days (snoozed until 2026-12-09)"),
        ];
        let row: String = fit(spans, 40)
            .iter()
            .map(|s| s.content.to_string())
            .collect();
        assert_eq!(row, "Monthly review overdue by 4 days…");
        let row: String = fit(vec![Span::raw("Monthly review")], 10)
            .iter()
            .map(|s| s.content.to_string())
            .collect();
        assert_eq!(row, "Monthly…");
    }

    #[test]
    fn long_words_are_cut_and_narrow_widths_drop_the_indent() {
        assert_eq!(wrap_rows("abcdefgh ij", 3), ["abc", "def", "gh", "ij"]);
        let l = hang(vec![Span::raw("/!\\ ")], "one two three", Style::new(), 8);
        assert_eq!(text(&l), ["/!\\ one", "two", "three"]);
        assert_eq!(wrap_rows("", 10), [""]);
        // Wide characters count two columns.
        assert_eq!(wrap_rows("日本語 日本", 6), ["日本語", "日本"]);
    }
}
