//! Read-only commands: status, history, exports, incident report, the checklist catalog,
//! validation, a template and the schema to write a checklist, accounts, completions and the
//! man page.

use std::io::{self, Write};
use std::path::PathBuf;

use super::output::{json_out, out};
use super::{AppError, Cli, ExitStatus, ExportFormat};
use crate::app::{Clock, catalog, open_existing, open_read, print_notices};
use crate::checklist::{self, Origin};
use crate::export;
use crate::guard::{clean, line};
use crate::state::DEFAULT_ACCOUNT;
use crate::store::{self, Paths};

pub(super) fn status(
    cli: &Cli,
    paths: &Paths,
    json: bool,
    clock: Clock,
) -> Result<ExitStatus, AppError> {
    let Some(view) = open_read(&cli.target(), paths, clock)? else {
        let name = cli.named_account().unwrap_or(DEFAULT_ACCOUNT);
        if json {
            json_out(&serde_json::json!({"account": name, "started": false}))?;
        } else {
            out(&format!(
                "No progress yet for account '{}'. Run `lockstep` to start the walkthrough.\n",
                line(name)
            ))?;
        }
        return Ok(0);
    };
    let (cl, origin) = (&view.loaded.checklist, &view.loaded.origin);
    let (name, acct) = (view.name.as_str(), view.acct());
    if json {
        let mut v = export::json(cl, origin, name, acct, clock.today);
        v["notices"] = serde_json::json!(view.notices);
        json_out(&v)?;
    } else {
        let mut text = export::status_text(cl, origin, name, acct, clock.today);
        if !view.notices.is_empty() {
            text.push('\n');
            for n in &view.notices {
                text.push_str(&format!("Note: {}\n", line(n)));
            }
            text.push_str("(These notes are recorded, and not repeated, at your next change.)\n");
        }
        out(&text)?;
    }
    Ok(0)
}

/// `lockstep status --all`: every account, worst first. An account whose checklist cannot be
/// used is listed with why (exit 2), the others as usual.
pub(super) fn status_all(paths: &Paths, json: bool, clock: Clock) -> Result<ExitStatus, AppError> {
    let loaded = store::load(paths)?;
    for w in &loaded.warnings {
        eprintln!("{}", line(w));
    }
    let mut state = loaded.state;
    let resolved = crate::app::resolve_all(paths, &state);
    for (name, r) in &resolved {
        if let (Ok(r), Some(a)) = (r, state.accounts.get_mut(name)) {
            a.follow_aliases(&r.loaded.checklist, clock.now);
        }
    }
    let o = export::overview(
        state.accounts.iter().map(|(name, a)| {
            let c = match &resolved[name] {
                Ok(r) => Ok(&r.loaded),
                Err(e) => Err(e.to_string()),
            };
            (name.as_str(), a, c)
        }),
        clock.today,
    );
    if json {
        json_out(&serde_json::to_value(&o).expect("json"))?;
    } else if o.accounts.is_empty() {
        out("No account is tracked yet. Run `lockstep` to start.\n")?;
    } else {
        out(&export::overview_text(&o))?;
    }
    let broken: Vec<_> = resolved.iter().filter(|(_, r)| r.is_err()).collect();
    for (name, r) in &broken {
        if let Err(e) = r {
            eprintln!(
                "lockstep: error: account '{}': {}",
                line(name.as_str()),
                clean(&e.to_string(), true)
            );
        }
    }
    Ok(if broken.is_empty() { 0 } else { 2 })
}

pub(super) fn incident_report(
    cli: &Cli,
    paths: &Paths,
    id: Option<u32>,
    clock: Clock,
) -> Result<ExitStatus, AppError> {
    let view = open_existing(&cli.target(), paths, clock)?;
    print_notices(&view.name, &view.notices, true);
    let history = read_history(paths)?;
    let acct = view.acct();
    let events = acct.own_events(&view.name, |n| history.of(n));
    out(&export::incident_report(
        &view.loaded.checklist,
        &view.loaded.origin,
        &view.name,
        acct,
        &events,
        id,
        clock.now,
    )?)?;
    Ok(0)
}

/// `lockstep card`: the emergency card (checklist text only: no notes, tickets or secrets). With
/// no progress recorded yet it still prints, from the checklist a new account would follow (the
/// worst day may be the first day), and says which one and how to pick another.
pub(super) fn card(cli: &Cli, paths: &Paths, clock: Clock) -> Result<ExitStatus, AppError> {
    let target = cli.target();
    let view = match open_read(&target, paths, clock) {
        // The worst day: every account's card rather than a refusal.
        Err(AppError::SeveralAccounts(names)) if target.named_account().is_none() => {
            return super::worst::cards(paths, names, clock);
        }
        r => r?,
    };
    if let Some(view) = view {
        print_notices(&view.name, &view.notices, true);
        let about = format!(
            "Account: {}. Checklist: {}. Printed {}.",
            view.acct().display(&view.name),
            view.loaded.describe(),
            clock.today
        );
        out(&export::card(&view.loaded.checklist, Some(&about)))?;
        return Ok(0);
    }
    let (resolved, note) = crate::app::new_checklist(&target, paths)?;
    if let Some(n) = note {
        eprintln!("lockstep: note: {}", line(&n));
    }
    let loaded = &resolved.loaded;
    let chosen = if target.wants_checklist() {
        "the one you named"
    } else {
        "the default; --checklist ID picks another (see `lockstep checklists`)"
    };
    let about = format!(
        "No account is tracked here yet. Checklist: {}, {}: {chosen}. Printed {}.",
        line(loaded.checklist.id.as_str()),
        loaded.describe(),
        clock.today
    );
    out(&export::card(&loaded.checklist, Some(&about)))?;
    Ok(0)
}

pub(super) fn export(
    cli: &Cli,
    paths: &Paths,
    format: ExportFormat,
    output: Option<&PathBuf>,
    clock: Clock,
) -> Result<ExitStatus, AppError> {
    let view = open_existing(&cli.target(), paths, clock)?;
    print_notices(&view.name, &view.notices, true);
    let (cl, origin) = (&view.loaded.checklist, &view.loaded.origin);
    let (name, acct) = (view.name.as_str(), view.acct());
    let Clock { now, today } = clock;
    let text = match format {
        ExportFormat::Md => export::markdown(cl, origin, name, acct, today),
        ExportFormat::Json => export::json_text(cl, origin, name, acct, today),
        // The SEQUENCE numbers the kept-current calendar would write (the record is only read).
        ExportFormat::Ics => {
            let mut seq = crate::app::ics_feed::read_sequences(paths);
            export::ics_sequenced(cl, origin, name, acct, today, now, &mut seq)
        }
    };
    match output {
        Some(f) if f.as_os_str() != "-" => {
            // Exports hold notes: never into lockstep's own files, and private (0600).
            if store::is_in_data_dir(paths, f) {
                return Err(store::StoreError::IntoDataDir {
                    file: f.display().to_string(),
                    dir: paths.data_dir.display().to_string(),
                }
                .into());
            }
            match format {
                ExportFormat::Ics => crate::app::ics_feed::write_calendar(f, &text)?,
                _ => {
                    store::check_write_target(f)?;
                    store::write_atomic(f, text.as_bytes(), None)?
                }
            }
            eprintln!("wrote {}", line(&f.display().to_string()));
        }
        _ => out(&text)?,
    }
    Ok(0)
}

/// `lockstep checklists`: what can be chosen by id (bundled, then the user's own), the user files
/// that cannot (conflicts), and files with errors (on stderr; exit 2).
pub(super) fn checklists(paths: &Paths) -> Result<ExitStatus, AppError> {
    let cat = catalog(paths);
    let mut s = String::new();
    for l in &cat.checklists {
        let c = &l.checklist;
        let steps: usize = c.sections.iter().map(|x| x.steps.len()).sum();
        let origin = match &l.origin {
            Origin::Bundled => "bundled".to_string(),
            Origin::File { path, sha256 } => format!(
                "your file {}, sha256 {}",
                path.display(),
                checklist::short_sha(sha256)
            ),
        };
        s.push_str(&format!(
            "{:<20} {} ({} sections, {steps} steps; updated {}; {})\n",
            line(c.id.as_str()),
            line(&c.title),
            c.sections.len(),
            c.updated,
            line(&origin)
        ));
    }
    if !cat.conflicts.is_empty() {
        s.push_str("\nConflicts (these files are not used by id):\n");
        for c in &cat.conflicts {
            s.push_str(&format!("  {}\n", line(&c.to_string())));
        }
    }
    if let Some(d) = paths.user_checklists() {
        s.push_str(&format!(
            "Your own checklists go in {} (a checklist is only as trustworthy as its author)\n",
            line(&d.display().to_string())
        ));
    }
    out(&s)?;
    for e in &cat.errors {
        eprintln!("{}", clean(&e.to_string(), true));
    }
    Ok(if cat.errors.is_empty() { 0 } else { 2 })
}

/// `checklists --template`: a valid checklist to start from, updated today.
pub(super) fn template(today: chrono::NaiveDate) -> Result<ExitStatus, AppError> {
    out(&checklist::template(today))?;
    Ok(0)
}

/// `checklists --schema`: the JSON Schema for checklist files.
pub(super) fn schema() -> Result<ExitStatus, AppError> {
    out(checklist::SCHEMA_TEXT)?;
    Ok(0)
}

pub(super) fn validate(files: &[PathBuf]) -> Result<ExitStatus, AppError> {
    let mut bad = 0;
    for f in files {
        match checklist::load_file(&crate::store::DiskFiles, f) {
            Ok(c) => {
                let steps: usize = c.sections.iter().map(|x| x.steps.len()).sum();
                out(&format!(
                    "{}: ok ({} sections, {steps} steps)\n",
                    line(&f.display().to_string()),
                    c.sections.len()
                ))?;
            }
            Err(e) => {
                bad += 1;
                eprintln!("{}", clean(&e.to_string(), true));
            }
        }
    }
    Ok(if bad > 0 { 2 } else { 0 })
}

/// The history log, printing a warning for each damaged line it skipped.
fn read_history(paths: &Paths) -> Result<store::History, AppError> {
    let h = store::read_history(paths)?;
    for w in h.warnings(&paths.history_file()) {
        eprintln!("{}", line(&w));
    }
    Ok(h)
}

/// One event of `history --json`: its id (unique, stable: see [`store::Logged::id`]), the
/// change that holds it, the machine that made it, then the event's own fields.
fn json_event(logged: &store::Logged, e: &crate::state::Event) -> serde_json::Value {
    let mut v = serde_json::Map::new();
    v.insert("id".into(), logged.id().into());
    if let Some(c) = logged.change {
        v.insert("change".into(), c.into());
    }
    if let Some(m) = logged.machine {
        v.insert(
            "machine".into(),
            serde_json::json!({ "id": m.id, "name": m.name }),
        );
    }
    if let serde_json::Value::Object(fields) = serde_json::to_value(e).expect("json") {
        v.extend(fields);
    }
    serde_json::Value::Object(v)
}

pub(super) fn history(
    cli: &Cli,
    paths: &Paths,
    json: bool,
    clock: Clock,
) -> Result<ExitStatus, AppError> {
    let view = open_existing(&cli.target(), paths, clock)?;
    let cl = &view.loaded.checklist;
    let acct = view.acct();
    // Streamed, newest first: memory stays the same whatever the log's length.
    let mut o = io::BufWriter::new(io::stdout().lock());
    let mut first = true;
    let mut failed: Option<io::Error> = None;
    let here = store::machine::Here::of(paths);
    let problems = store::history_newest_first(paths, |logged, e| {
        if !acct.owns(&view.name, logged.account, e.at) {
            return true;
        }
        // Incidents by their number here (a merge may have renumbered one).
        let renumbered;
        let e = match e.kind.numbered_for(acct) {
            std::borrow::Cow::Borrowed(_) => e,
            std::borrow::Cow::Owned(kind) => {
                renumbered = crate::state::Event { at: e.at, kind };
                &renumbered
            }
        };
        // Changes another machine made (merged from its copy of the log) say so.
        let elsewhere = here.other(logged.machine);
        let r = if json {
            let v = json_event(logged, e);
            let text = serde_json::to_string_pretty(&v).expect("json");
            let text = crate::guard::json_safe(&text);
            let sep = if first { "[\n" } else { ",\n" };
            let indented = text
                .lines()
                .map(|l| format!("  {l}"))
                .collect::<Vec<_>>()
                .join("\n");
            write!(o, "{sep}{indented}")
        } else {
            let on = elsewhere.map_or_else(String::new, |m| format!("  (on {})", line(m)));
            writeln!(
                o,
                "{}  {}{on}",
                e.at.format("%Y-%m-%dT%H:%M:%SZ"),
                line(&e.kind.describe(Some(cl)))
            )
        };
        first = false;
        match r {
            Ok(()) => true,
            Err(e) => {
                failed = Some(e);
                false
            }
        }
    })?;
    let end = if !json {
        Ok(())
    } else if first {
        writeln!(o, "[]")
    } else {
        writeln!(o, "\n]")
    };
    let done = match failed {
        Some(e) => Err(e),
        None => end.and_then(|()| o.flush()),
    };
    match done {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        r => r.map_err(|e| AppError::Output {
            file: "stdout".into(),
            source: e,
        })?,
    }
    let h = store::History {
        events: Default::default(),
        problems,
    };
    for w in h.warnings(&paths.history_file()) {
        eprintln!("{}", line(&w));
    }
    Ok(0)
}

/// `completions SHELL`: the static script that asks this binary for candidates at each Tab
/// (see [`super::complete`]).
pub(super) fn completions(shell: clap_complete::Shell) -> Result<ExitStatus, AppError> {
    out(&super::complete::script(shell)?)?;
    Ok(0)
}

pub(super) fn man() -> Result<ExitStatus, AppError> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .map_err(|e: io::Error| AppError::Output {
            file: "stdout".into(),
            source: e,
        })?;
    out(&String::from_utf8_lossy(&buf))?;
    Ok(0)
}
