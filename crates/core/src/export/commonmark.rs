//! User and checklist text in Markdown exports: escaped for CommonMark, so that it renders as
//! written in any CommonMark or GitHub-flavoured viewer (and, through it, in HTML): no tag, link,
//! emphasis, code, heading or list comes out of what a user typed. Notes become block quotes
//! whose lines keep their line breaks.

use std::fmt::Write as _;

use crate::guard::clean;

/// ASCII punctuation that CommonMark, GitHub-flavoured Markdown or common extensions (pandoc's,
/// math) read anywhere in a line: emphasis, code, links and images, raw HTML and autolinks,
/// entities, hard breaks, strikethrough, tables, math, superscripts, attributes. (`!` only makes
/// an image before a `[`, which is escaped.)
const INLINE: &[char] = &[
    '\\', '`', '*', '_', '[', ']', '<', '>', '&', '~', '|', '$', '^', '{', '}',
];

/// One line of user text for a Markdown export: dangerous characters made visible
/// ([`clean`]), spaces at either end dropped (Markdown would drop or misread them: four leading
/// spaces make code), every character with an inline meaning backslash-escaped, and a start
/// that would open a block (`-`, `+`, `=`, `:`, `#`, `1.`, `1)`) escaped too, so the text is
/// safe at the start of a line as well as inside one; so is a final ` #` (a heading would drop
/// it). Renders as exactly the cleaned text.
pub fn md_text(text: &str) -> String {
    let cleaned = clean(text, false);
    let text = cleaned.trim_matches(' ');
    let mut out = String::with_capacity(text.len() + 8);
    // The punctuation after a leading run of digits would make an ordered list ("1. x").
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    // A final run of `#` after a space would close a heading ("## Title #").
    let hashes = text.len() - text.trim_end_matches('#').len();
    let closing =
        (hashes > 0 && text[..text.len() - hashes].ends_with(' ')).then(|| text.len() - hashes);
    for (i, c) in text.char_indices() {
        let opens_block = match i {
            0 => matches!(c, '-' | '+' | '=' | ':' | '#'),
            i => (i == digits && matches!(c, '.' | ')')) || Some(i) == closing,
        };
        if opens_block || INLINE.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text as a CommonMark code span: fenced with one backtick more than its longest run, and
/// padded with spaces when it starts or ends with a backtick. Inside a code span nothing is
/// escaped (a backslash would show), so this is how identifiers are quoted.
pub fn md_code(text: &str) -> String {
    let text = clean(text, false);
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A note as a Markdown block quote under a list item (`indent` is the item's content column):
/// a blank line before it (some readers, pandoc among them, need one), each line of the note
/// escaped with [`md_text`] and ending in a hard break when the next line continues the same
/// paragraph; an empty line of the note separates paragraphs. Ends with a blank line.
pub(crate) fn md_quote(out: &mut String, indent: &str, text: &str) {
    let lines: Vec<String> = text.lines().map(md_text).collect();
    let Some(last) = lines.iter().rposition(|l| !l.is_empty()) else {
        return;
    };
    let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    out.push('\n');
    for (i, line) in lines.iter().enumerate().take(last + 1).skip(first) {
        if line.is_empty() {
            let _ = writeln!(out, "{indent}>");
            continue;
        }
        let next_continues = lines.get(i + 1).is_some_and(|n| !n.is_empty());
        let brk = if next_continues { "\\" } else { "" };
        let _ = writeln!(out, "{indent}> {line}{brk}");
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

    /// Every extension pulldown-cmark has (tables, task lists, strikethrough, footnotes, math,
    /// super- and subscripts, definition lists, wiki links, GitHub's alerts, heading
    /// attributes...), except the one that rewrites quotes and dashes.
    fn options() -> Options {
        Options::all() - Options::ENABLE_SMART_PUNCTUATION
    }

    /// The text of `markdown` when it is one paragraph or heading of plain text (inside
    /// `containers`, e.g. a list and its item, or a block quote); None when anything else came
    /// out of it.
    fn plain_paragraph(markdown: &str, containers: usize) -> Option<String> {
        let events: Vec<Event> = Parser::new_ext(markdown, options()).collect();
        let inner = events.get(containers..events.len().checked_sub(containers)?)?;
        // A tight list item holds its text without a paragraph.
        let text = match inner {
            [
                Event::Start(Tag::Paragraph),
                text @ ..,
                Event::End(TagEnd::Paragraph),
            ] => text,
            [
                Event::Start(Tag::Heading { .. }),
                text @ ..,
                Event::End(TagEnd::Heading(_)),
            ] => text,
            text if containers > 0 => text,
            _ => return None,
        };
        let mut out = String::new();
        for e in text {
            match e {
                Event::Text(t) => out.push_str(t),
                Event::HardBreak => out.push('\n'),
                _ => return None,
            }
        }
        Some(out)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn escaped_text_renders_as_exactly_the_text(s in "[a-z#= -]{1,8}|[ -~]{1,24}|[ -~é\u{202e}\n]{1,40}") {
            let expected = clean(&s, false).trim_matches(' ').to_string();
            prop_assume!(!expected.is_empty());
            let text = md_text(&s);
            // Alone, as the start of a document.
            prop_assert_eq!(plain_paragraph(&text, 0), Some(expected.clone()), "{:?}", text);
            // As a heading's title.
            let heading = format!("## {text}\n");
            prop_assert_eq!(plain_paragraph(&heading, 0), Some(expected.clone()), "{:?}", heading);
            // As a list item, where titles go.
            let item = format!("- {text}\n");
            prop_assert_eq!(plain_paragraph(&item, 2), Some(expected.clone()), "{:?}", item);
            // As the second line of a quoted note, after a hard break (a note's own line breaks
            // split it into lines before escaping).
            if !s.contains('\n') {
                let mut quote = String::new();
                md_quote(&mut quote, "", &format!("first\n{s}"));
                let want = format!("first\n{expected}");
                prop_assert_eq!(plain_paragraph(&quote, 1), Some(want), "{:?}", quote);
            }
        }
    }

    #[test]
    fn markup_characters_are_escaped_and_plain_text_left_alone() {
        assert_eq!(
            md_text("Enable 2FA on Crypto.com"),
            "Enable 2FA on Crypto.com"
        );
        assert_eq!(md_text("<script>x</script>"), r"\<script\>x\</script\>");
        assert_eq!(md_text("a\\b *c* _d_ `e`"), r"a\\b \*c\* \_d\_ \`e\`");
        assert_eq!(
            md_text("[x](http://e) ![i](j)"),
            r"\[x\](http://e) !\[i\](j)"
        );
        assert_eq!(md_text("R&D ~~x~~ | $5"), r"R\&D \~\~x\~\~ \| \$5");
    }

    #[test]
    fn a_start_that_would_open_a_block_is_escaped() {
        assert_eq!(md_text("- not a list"), r"\- not a list");
        assert_eq!(md_text("+ x"), r"\+ x");
        assert_eq!(md_text("# heading"), r"\# heading");
        assert_eq!(md_text("Ticket #12345 "), "Ticket #12345");
        assert_eq!(md_text("C# and F# ##"), r"C# and F# \##");
        assert_eq!(md_text("2024. a year"), r"2024\. a year");
        assert_eq!(md_text("1) one"), r"1\) one");
        assert_eq!(md_text("==="), r"\===");
        assert_eq!(md_text("    code?"), "code?");
        // Only at the start: inside a line these mean nothing.
        assert_eq!(md_text("a - b + c = 1. d"), "a - b + c = 1. d");
    }

    #[test]
    fn control_characters_are_made_visible_first() {
        assert_eq!(md_text("a\u{1b}[31mb"), r"a\\u\{1b\}\[31mb");
        assert_eq!(md_text("two\nlines"), r"two\\u\{a\}lines");
    }

    #[test]
    fn code_spans_fence_past_the_backticks_inside() {
        assert_eq!(md_code("crypto-com"), "`crypto-com`");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("`x``"), "``` `x`` ```");
    }

    #[test]
    fn quotes_keep_line_breaks_and_paragraphs() {
        let mut out = String::new();
        md_quote(&mut out, "  ", "\nfirst\nsecond\n\n<third>\n\n");
        assert_eq!(
            out, "\n  > first\\\n  > second\n  >\n  > \\<third\\>\n\n",
            "{out}"
        );
        let mut none = String::new();
        md_quote(&mut none, "  ", "\n  \n");
        assert_eq!(none, "", "an empty note has no quote");
    }
}
