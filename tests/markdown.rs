//! The Markdown exports (`export --format md`, `incident report`) of the real binary, with hostile
//! user text, rendered through real CommonMark implementations: pulldown-cmark (every extension
//! but smart punctuation), and `cmark-gfm`, GitHub's own, with its extensions. Assertions are on
//! the HTML and the document structure: user text arrives as text (no tag, link, emphasis,
//! heading, list or code of its own), notes are quotes inside their list item with their line
//! breaks, and each section's steps stay one list.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;

use assert_cmd::Command;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

struct Sandbox {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    data: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let tmp = tempfile::tempdir().unwrap();
        Sandbox {
            root: tmp.path().to_path_buf(),
            data: tmp.path().join("data"),
            _tmp: tmp,
        }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("lockstep").unwrap();
        c.env_clear()
            .env("HOME", &self.root)
            .env("XDG_CONFIG_HOME", self.root.join("config"))
            .env("XDG_RUNTIME_DIR", self.root.join("run"))
            .env("TZ", "UTC")
            .arg("--data-dir")
            .arg(&self.data)
            .args(args)
            .write_stdin("");
        c
    }

    fn ok(&self, args: &[&str]) {
        self.cmd(args).assert().success();
    }

    fn stdout(&self, args: &[&str]) -> String {
        let out = self.cmd(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    }
}

const SCRIPT: &str = "<script>alert(1)</script> and a\\b, C:\\Users\\x_y_z";
const PHISHER: &str = "mail from <help@crypt0.com> said [verify](http://evil.example) *now*";

/// An account whose notes and reasons hold markup of every kind.
fn hostile() -> Sandbox {
    let s = Sandbox::new();
    s.ok(&["check", "totp-2fa"]);
    s.ok(&[
        "note",
        "totp-2fa",
        &format!("{SCRIPT}\nsecond line\n\nnew paragraph"),
    ]);
    s.ok(&[
        "skip",
        "withdrawal-whitelist",
        "--reason",
        "<b>unclosed bold",
    ]);
    s.ok(&[
        "note",
        "anti-phishing-code",
        "# not a heading\n- not a list\n1. not ordered\n    not code\n---\n> not nested\n| a | b |\n|---|---|",
    ]);
    s.ok(&["note", "withdrawal-lock", PHISHER]);
    s
}

fn options() -> Options {
    Options::all() - Options::ENABLE_SMART_PUNCTUATION
}

fn html(md: &str) -> String {
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, Parser::new_ext(md, options()));
    out
}

/// Per `##` section: the kinds of its top-level blocks, in order.
fn sections(md: &str) -> Vec<(String, Vec<&'static str>)> {
    let mut out: Vec<(String, Vec<&'static str>)> = Vec::new();
    let mut depth = 0;
    let mut in_h2 = false;
    for e in Parser::new_ext(md, options()) {
        match e {
            Event::Start(Tag::Heading { level, .. }) if depth == 0 && level == HeadingLevel::H2 => {
                out.push((String::new(), Vec::new()));
                in_h2 = true;
                depth += 1;
            }
            Event::Text(t) if in_h2 => out.last_mut().unwrap().0.push_str(&t),
            Event::Start(t) => {
                if depth == 0
                    && let Some(last) = out.last_mut()
                {
                    last.1.push(match t {
                        Tag::List(_) => "list",
                        Tag::Paragraph => "paragraph",
                        Tag::Heading { .. } => "heading",
                        Tag::BlockQuote(_) => "quote",
                        Tag::CodeBlock(_) => "code",
                        Tag::Table(_) => "table",
                        _ => "other",
                    });
                }
                depth += 1;
            }
            Event::End(TagEnd::Heading(_)) if in_h2 => {
                in_h2 = false;
                depth -= 1;
            }
            Event::End(_) => depth -= 1,
            Event::Rule if depth == 0 => {
                if let Some(last) = out.last_mut() {
                    last.1.push("rule");
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn user_text_in_the_progress_export_renders_as_text() {
    let s = hostile();
    let md = s.stdout(&["export", "--format", "md"]);
    let h = html(&md);
    // No tag of the user's: the script and the unclosed bold are text.
    assert!(!h.contains("<script"), "{h}");
    assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{h}");
    assert!(
        !h.contains("<b>") && h.contains("(skipped: &lt;b&gt;unclosed bold)"),
        "{h}"
    );
    assert!(!h.contains("<strong>"), "nothing bold: {h}");
    // Backslashes and underscores arrive whole.
    assert!(h.contains(r"and a\b, C:\Users\x_y_z"), "{h}");
    // No link, autolink or emphasis from the phisher's mail.
    assert!(!h.contains("<a "), "{h}");
    assert!(!h.contains("<em>"), "{h}");
    assert!(
        h.contains("mail from &lt;help@crypt0.com&gt; said [verify](http://evil.example) *now*"),
        "{h}"
    );
    // The note's lines are lines of one quote: no heading, list, code, rule or table.
    assert!(
        h.contains(
            "<blockquote>\n<p># not a heading<br />\n- not a list<br />\n1. not ordered<br />\n\
             not code<br />\n---<br />\n&gt; not nested<br />\n| a | b |<br />\n|---|---|</p>\n</blockquote>"
        ),
        "{h}"
    );
    assert!(
        !h.contains("<h1>#") && !h.contains("<pre>") && !h.contains("<hr />"),
        "{h}"
    );
    assert!(!h.contains("<table>"), "{h}");
    // A multi-line note keeps its line break and its paragraphs, inside its list item.
    assert!(
        h.contains(
            "Turn on authenticator-app 2FA</p>\n<blockquote>\n<p>&lt;script&gt;alert(1)&lt;/script&gt; \
             and a\\b, C:\\Users\\x_y_z<br />\nsecond line</p>\n<p>new paragraph</p>\n</blockquote>\n</li>"
        ),
        "{h}"
    );
}

#[test]
fn each_section_stays_one_list_with_boxes_only_for_todo_and_done() {
    let s = hostile();
    s.ok(&["na", "api-read-only"]);
    let md = s.stdout(&["export", "--format", "md"]);
    let secs = sections(&md);
    assert!(secs.len() >= 3, "{secs:?}");
    for (title, blocks) in &secs {
        if title == "Recurring reviews" {
            continue;
        }
        assert_eq!(blocks, &["list"], "section {title:?} is one list: {md}");
    }
    // Task boxes for `[ ]` and `[x]`; `[-]` and `[?]` are text in the same list.
    let events: Vec<Event> = Parser::new_ext(&md, options()).collect();
    let checked = events
        .iter()
        .filter(|e| matches!(e, Event::TaskListMarker(true)))
        .count();
    assert_eq!(checked, 1, "only totp-2fa is done");
    let h = html(&md);
    assert!(
        h.contains(
            "<li>\n<p>[-] Whitelist your withdrawal addresses (skipped: &lt;b&gt;unclosed bold)</p>"
        ),
        "{h}"
    );
    assert!(
        h.contains("<del>Restrict API keys (bots, tax or portfolio apps)</del> (not applicable)"),
        "{h}"
    );
    // After an incident, re-verify items are `[?]`, as text.
    s.ok(&["compromised"]);
    let h = html(&s.stdout(&["export", "--format", "md"]));
    assert!(
        h.contains("[?] Turn on authenticator-app 2FA (re-verify)"),
        "{h}"
    );
}

#[test]
fn the_incident_report_shows_what_the_phisher_sent_as_text() {
    let s = Sandbox::new();
    s.ok(&["check", "totp-2fa"]);
    s.ok(&["compromised"]);
    s.ok(&["incident", "note", "--ticket", "<b>#4711", PHISHER]);
    s.ok(&["incident", "note", "1. called support\n2. changed & locked"]);
    s.ok(&["incident", "close", "fixed <i>for now"]);
    let md = s.stdout(&["incident", "report"]);
    let h = html(&md);
    assert!(
        !h.contains("<a ") && !h.contains("<em>") && !h.contains("<i>"),
        "{h}"
    );
    assert!(!h.contains("<b>"), "{h}");
    assert!(
        h.contains("mail from &lt;help@crypt0.com&gt; said [verify](http://evil.example) *now*"),
        "{h}"
    );
    assert!(h.contains("&lt;b&gt;#4711"), "{h}");
    assert!(h.contains("Closed: fixed &lt;i&gt;for now"), "{h}");
    assert!(h.contains("changed &amp; locked"), "{h}");
    // The timeline is one list.
    let secs = sections(&md);
    let timeline = secs.iter().find(|(t, _)| t == "Timeline").unwrap();
    assert_eq!(timeline.1, ["list"], "{md}");
}

/// GitHub's own renderer, when installed (`.ci/run` installs cmark-gfm).
fn cmark_gfm(md: &str) -> Option<String> {
    let exe = common::tool("cmark-gfm", "cmark-gfm")?;
    let mut child = std::process::Command::new(exe)
        .args([
            "-e",
            "tasklist",
            "-e",
            "strikethrough",
            "-e",
            "table",
            "-e",
            "autolink",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(md.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    Some(String::from_utf8(out.stdout).unwrap())
}

#[test]
fn github_renders_the_same_one_list_per_section_and_no_markup_of_the_users() {
    let s = hostile();
    let md = s.stdout(&["export", "--format", "md"]);
    let Some(h) = cmark_gfm(&md) else { return };
    assert!(
        !h.contains("<script") && !h.contains("<b>") && !h.contains("<em>"),
        "{h}"
    );
    assert!(h.contains(r"and a\b, C:\Users\x_y_z"), "{h}");
    // The 5-minute essentials: one list, boxes for todo and done, `[-]` as text.
    let essentials = h.split("<h2>").nth(1).unwrap();
    assert_eq!(essentials.matches("<ul>").count(), 1, "{essentials}");
    assert_eq!(
        essentials
            .matches("<input type=\"checkbox\" checked=\"\"")
            .count(),
        1
    );
    assert!(
        essentials.contains("<p>[-] Whitelist your withdrawal addresses"),
        "{essentials}"
    );
    assert!(
        !essentials.contains("<hr />") && !essentials.contains("<table>"),
        "{essentials}"
    );
    // GitHub turns a bare e-mail address into a link whatever the escaping (README says so);
    // the quoted `<...>` form is no autolink of its own.
    assert!(h.contains("&lt;<a href=\"mailto:help@crypt0.com\">"), "{h}");
}
