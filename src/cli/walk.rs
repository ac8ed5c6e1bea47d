//! `lockstep walk [SECTION]`: the setup walkthrough as plain line-by-line prompts on stdin and
//! stdout (no alternate screen, no cursor addressing), for screen readers and dumb terminals.
//! Every answer is saved at once: load under the lock, apply, save.

use std::io::{BufRead, Write};

use super::write::{apply, apply_loaded};
use super::{AppError, Cli, ExitStatus};
use crate::app::Clock;
use crate::checklist::{SectionKind, Step};
use crate::guard::line;
use crate::state::{Account, Status};
use crate::store::Paths;

/// The prompt's answers, said once per step.
const CHOICES: &str = "d = done, s = skip (asks why), x = not applicable, n = note, ! = compromised? \
     (the emergency steps), Enter = next, q = quit";

fn io_err(e: std::io::Error) -> AppError {
    AppError::Output {
        file: "stdout".into(),
        source: e,
    }
}

/// Runs the plain walkthrough: the open steps (to do, skipped or to re-verify) of SECTION, or of
/// every setup section in order. `clock` is read for each answer.
pub fn run(
    cli: &Cli,
    paths: &Paths,
    section: Option<&str>,
    clock: impl Fn() -> Clock,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> Result<ExitStatus, AppError> {
    // A first run asks which checklist the account follows, as the TUI does (nothing is
    // picked silently).
    let chosen;
    let cli = match first_run_choice(cli, paths, input, out)? {
        Choice::Asked(c) => {
            chosen = c;
            &*chosen
        }
        Choice::NotAsked => cli,
        Choice::Quit => {
            writeln!(out, "Nothing recorded.").map_err(io_err)?;
            return Ok(0);
        }
    };
    // Recorded at once like the TUI does for a new account (so `lockstep due` knows it); the
    // lock is released and taken again for each answer.
    let (acct, loaded) = apply_loaded(cli, paths, clock(), |a, l| Ok((a.clone(), l.clone())))?;
    let cl = &loaded.checklist;
    let sections: Vec<String> = match section {
        Some(id) => {
            let s = cl
                .section(id)
                .ok_or_else(|| crate::state::OpError::UnknownSection(id.to_string()))?;
            if s.kind != SectionKind::Setup {
                return Err(crate::state::OpError::NotSetupStep {
                    step: id.to_string(),
                    section: id.to_string(),
                    kind: s.kind.label(),
                    hint: "walk goes through setup sections; record reviews with `lockstep review`",
                }
                .into());
            }
            vec![id.to_string()]
        }
        None => cl
            .sections_of(SectionKind::Setup)
            .map(|s| s.id.to_string())
            .collect(),
    };
    header(out, &loaded, &acct, clock().today)?;
    let w = |out: &mut dyn Write, text: &str| writeln!(out, "{}", line(text)).map_err(io_err);
    w(out, &format!("Answers: {CHOICES}."))?;
    let mut acct = acct;
    for id in &sections {
        let s = cl.section(id).expect("listed above");
        let steps: Vec<Step> = acct.applicable(s).cloned().collect();
        let open = |a: &Account, t: &Step| {
            matches!(
                a.status(t.id.as_str()),
                Status::Todo | Status::Skipped { .. } | Status::Reverify { .. }
            )
        };
        let left = steps.iter().filter(|t| open(&acct, t)).count();
        w(out, "")?;
        w(
            out,
            &format!(
                "== {} ({} of {} done or not applicable; {left} open) ==",
                s.title,
                steps.len() - left,
                steps.len()
            ),
        )?;
        for (i, step) in steps.iter().enumerate() {
            if !open(&acct, step) {
                continue;
            }
            w(out, "")?;
            print_step(out, &acct, step, i + 1, steps.len())?;
            match ask(cli, paths, &clock, step, input, out)? {
                Answer::Saved(updated) => acct = *updated,
                Answer::Next => {}
                Answer::Quit => {
                    w(out, "Bye. Your answers are saved.")?;
                    return Ok(0);
                }
            }
        }
        w(out, &format!("End of {}.", s.title))?;
    }
    w(out, "")?;
    w(
        out,
        "Walkthrough finished. `lockstep status` shows where you stand.",
    )?;
    Ok(0)
}

/// What the first run's question gave.
enum Choice {
    /// The arguments with the chosen `--checklist`.
    Asked(Box<Cli>),
    /// No question: the account exists, a checklist was given, or there is only one.
    NotAsked,
    Quit,
}

/// The walkthrough's first lines: the checklist, how current it is, an open incident, personas.
fn header(
    out: &mut impl Write,
    loaded: &crate::checklist::Loaded,
    acct: &Account,
    today: chrono::NaiveDate,
) -> Result<(), AppError> {
    let cl = &loaded.checklist;
    let w = |out: &mut dyn Write, text: &str| writeln!(out, "{}", line(text)).map_err(io_err);
    w(out, &format!("{} - plain walkthrough", cl.title))?;
    w(out, &format!("Checklist: {}", loaded.describe()))?;
    if let Some(stale) = crate::checklist::staleness(cl, today) {
        w(out, &format!("Note: {stale}"))?;
    }
    if let Some(inc) = acct.open_incident() {
        let total = cl.emergency().map_or(0, |s| s.steps.len());
        w(
            out,
            &format!(
                "!! Incident #{} is open (since {} UTC, {} of {total} emergency steps done): \
                 answer ! at any prompt for its steps.",
                inc.id,
                inc.opened.format("%Y-%m-%d %H:%M"),
                inc.steps.len().min(total)
            ),
        )?;
    }
    if !acct.personas_chosen {
        w(
            out,
            "Showing the steps for everyone (tailor them with `lockstep personas holder,trader`).",
        )?;
    }
    Ok(())
}

/// On the first run (no account yet, no `--checklist`/`--checklist-file`) with several
/// checklists installed: which one the new account follows.
fn first_run_choice(
    cli: &Cli,
    paths: &Paths,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> Result<Choice, AppError> {
    if cli.target().wants_checklist() {
        return Ok(Choice::NotAsked);
    }
    let empty = crate::store::load(paths).map_or(true, |l| l.state.accounts.is_empty());
    let choices = crate::app::catalog(paths).checklists;
    if !empty || choices.len() < 2 {
        return Ok(Choice::NotAsked);
    }
    let w = |out: &mut dyn Write, text: &str| writeln!(out, "{}", line(text)).map_err(io_err);
    w(out, "Which checklist should this account follow?")?;
    for (i, c) in choices.iter().enumerate() {
        w(
            out,
            &format!("  {}. {} ({})", i + 1, c.checklist.title, c.describe()),
        )?;
    }
    loop {
        write!(out, "[1-{}, q = quit] > ", choices.len()).map_err(io_err)?;
        out.flush().map_err(io_err)?;
        let Some(answer) = read(input)? else {
            return Ok(Choice::Quit);
        };
        let answer = answer.trim();
        if matches!(answer, "q" | "quit") {
            return Ok(Choice::Quit);
        }
        if let Some(c) = answer
            .parse::<usize>()
            .ok()
            .and_then(|n| choices.get(n.wrapping_sub(1)))
        {
            w(out, &format!("Following: {}.", c.checklist.title))?;
            return Ok(Choice::Asked(Box::new(Cli {
                data_dir: cli.data_dir.clone(),
                account: cli.account.clone(),
                checklist: Some(c.checklist.id.to_string()),
                checklist_file: None,
                env_account: cli.env_account.clone(),
                wait: cli.wait,
                color: cli.color,
                command: None,
            })));
        }
        w(
            out,
            &format!("Type a number from 1 to {}, or q.", choices.len()),
        )?;
    }
}

fn print_step(
    out: &mut impl Write,
    acct: &Account,
    step: &Step,
    n: usize,
    of: usize,
) -> Result<(), AppError> {
    let status = acct.status(step.id.as_str());
    let mut text = vec![format!(
        "Step {n} of {of}: {} [{}]",
        step.title,
        status.label()
    )];
    if let Status::Skipped { reason, .. } = status {
        text.push(format!("Skipped before: {reason}"));
    }
    text.push(format!("Why: {}", step.why));
    if !step.path.is_empty() {
        text.push(format!("Where: {}", step.path.join(" > ")));
    }
    text.push("How:".into());
    for (i, h) in step.how.iter().enumerate() {
        text.push(format!("  {}. {h}", i + 1));
    }
    for warning in &step.warnings {
        text.push(format!("Warning: {warning}"));
    }
    for url in &step.links {
        text.push(format!("Link: {}", crate::checklist::link(url).describe()));
    }
    if let Some(note) = acct.note(step.id.as_str()) {
        text.push(format!("Your note: {note}"));
    }
    for t in text {
        writeln!(out, "{}", line(&t)).map_err(io_err)?;
    }
    Ok(())
}

/// Reads one line; None at the end of input.
fn read(input: &mut impl BufRead) -> Result<Option<String>, AppError> {
    let mut s = String::new();
    let n = input.read_line(&mut s).map_err(|e| AppError::Output {
        file: "stdin".into(),
        source: e,
    })?;
    Ok((n > 0).then(|| s.trim_end_matches(['\n', '\r']).to_string()))
}

/// What an answer did.
enum Answer {
    /// A change was saved: the account as saved.
    Saved(Box<Account>),
    Next,
    Quit,
}

/// Asks what to do with one step until the answer moves on.
fn ask(
    cli: &Cli,
    paths: &Paths,
    clock: &impl Fn() -> Clock,
    step: &Step,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> Result<Answer, AppError> {
    let id = step.id.as_str();
    loop {
        write!(out, "[d/s/x/n/!, Enter = next, q = quit] > ").map_err(io_err)?;
        out.flush().map_err(io_err)?;
        let Some(answer) = read(input)? else {
            writeln!(out).map_err(io_err)?;
            return Ok(Answer::Quit);
        };
        let reply = |out: &mut dyn Write, t: &str| writeln!(out, "{}", line(t)).map_err(io_err);
        let result = match answer.trim().to_lowercase().as_str() {
            "" => return Ok(Answer::Next),
            "!" => return emergency(cli, paths, clock, input, out),
            "q" | "quit" => return Ok(Answer::Quit),
            "d" | "done" => apply(cli, paths, clock(), |a, cl| {
                a.check(cl, id, clock().now)?;
                Ok(("Saved: done.", a.clone()))
            }),
            "x" | "na" => apply(cli, paths, clock(), |a, cl| {
                a.not_applicable(cl, id, clock().now)?;
                Ok((
                    "Saved: not applicable (it leaves the score total).",
                    a.clone(),
                ))
            }),
            "s" | "skip" => {
                write!(out, "Why skip it? > ").map_err(io_err)?;
                out.flush().map_err(io_err)?;
                let Some(reason) = read(input)? else {
                    return Ok(Answer::Quit);
                };
                apply(cli, paths, clock(), |a, cl| {
                    a.skip(cl, id, &reason, clock().now)?;
                    Ok(("Saved: skipped.", a.clone()))
                })
            }
            "n" | "note" => {
                write!(out, "Note (never a password, seed phrase or 2FA secret) > ")
                    .map_err(io_err)?;
                out.flush().map_err(io_err)?;
                let Some(note) = read(input)? else {
                    return Ok(Answer::Quit);
                };
                match apply(cli, paths, clock(), |a, cl| {
                    a.set_note(cl, id, &note, clock().now)?;
                    Ok(())
                }) {
                    Ok(()) => reply(out, "Saved: note. (d, s, x or Enter to go on)")?,
                    Err(e) => reply(out, &format!("Not saved: {e}"))?,
                }
                continue;
            }
            other => {
                reply(out, &format!("'{other}' is not an answer here. {CHOICES}."))?;
                continue;
            }
        };
        match result {
            Ok((msg, acct)) => {
                reply(out, msg)?;
                return Ok(Answer::Saved(Box::new(acct)));
            }
            // A refused answer (an empty skip reason, a secret) is said; the step is asked again.
            Err(AppError::Op(e)) => reply(out, &format!("Not saved: {e}"))?,
            Err(e) => return Err(e),
        }
    }
}

/// `!` in the plain walkthrough: the emergency steps at once, what to do first; an incident is
/// started only on `y` (as `S` does in the TUI), or shown when one is open. Ends the walkthrough:
/// securing the account comes before setup.
fn emergency(
    cli: &Cli,
    paths: &Paths,
    clock: &impl Fn() -> Clock,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> Result<Answer, AppError> {
    let w = |out: &mut dyn Write, text: &str| writeln!(out, "{}", line(text)).map_err(io_err);
    // An open incident: its steps, done or not (the card below says what each one is).
    let (open, card) = apply_loaded(cli, paths, clock(), |a, l| {
        let open = a.open_incident().map(|i| {
            let steps = l.checklist.emergency().map_or(&[][..], |s| &s.steps[..]);
            let done: Vec<(String, Option<chrono::DateTime<chrono::Utc>>)> = steps
                .iter()
                .map(|s| (s.title.clone(), i.steps.get(&s.id).copied()))
                .collect();
            (i.id, done)
        });
        Ok((open, crate::export::card(&l.checklist, None)))
    })?;
    w(out, "")?;
    for l in card.lines() {
        w(out, l)?;
    }
    if let Some((id, done)) = open {
        w(out, "")?;
        w(out, &format!("Incident #{id}, where it stands:"))?;
        for (st, at) in &done {
            match at {
                Some(at) => w(
                    out,
                    &format!("  [x] {st} (done {} UTC)", at.format("%H:%M")),
                )?,
                None => w(out, &format!("  [ ] {st}"))?,
            }
        }
        w(
            out,
            "Mark steps with `lockstep incident done STEP`, log tickets with `lockstep incident \
             note --ticket N`.",
        )?;
        return Ok(Answer::Quit);
    }
    w(out, "")?;
    write!(
        out,
        "Start the incident now? It records the time and reopens your done setup steps for \
         re-verification. y = start, Enter = back to the walkthrough > "
    )
    .map_err(io_err)?;
    out.flush().map_err(io_err)?;
    let Some(answer) = read(input)? else {
        return Ok(Answer::Quit);
    };
    if !matches!(answer.trim().to_lowercase().as_str(), "y" | "yes") {
        w(out, "Nothing recorded. Back to the walkthrough.")?;
        return Ok(Answer::Next);
    }
    let text = apply_loaded(cli, paths, clock(), |a, l| {
        super::write::compromised(a, l, clock())
    })?;
    for l in text.lines() {
        w(out, l)?;
    }
    Ok(Answer::Quit)
}
