//! Read-only commands: status, history, exports, incident report, the checklist catalog,
//! validation, a template and the schema to write a checklist, accounts, completions and the
//! man page.

use std::io;
use std::path::PathBuf;

use super::context::{Clock, catalog, open_existing, open_read};
use super::output::{json_out, out};
use super::{Cli, CliError, ExitStatus, ExportFormat};
use crate::checklist::{self, Origin};
use crate::export;
use crate::guard::{clean, line};
use crate::store::{self, Paths};

pub(super) fn status(
    cli: &Cli,
    paths: &Paths,
    json: bool,
    clock: Clock,
) -> Result<ExitStatus, CliError> {
    let name = cli.account_name();
    let Some((state, cl)) = open_read(cli, paths)? else {
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
    let acct = &state.accounts[name];
    if json {
        json_out(&export::json(&cl, name, acct, clock.today))?;
    } else {
        out(&export::status_text(&cl, name, acct, clock.today))?;
    }
    Ok(0)
}

pub(super) fn incident_report(
    cli: &Cli,
    paths: &Paths,
    id: Option<u32>,
    clock: Clock,
) -> Result<ExitStatus, CliError> {
    let (state, cl) = open_existing(cli, paths)?;
    let name = cli.account_name();
    let history = read_history(paths)?;
    out(&export::incident_report(
        &cl,
        name,
        &state.accounts[name],
        history.of(name),
        id,
        clock.now,
    )?)?;
    Ok(0)
}

pub(super) fn export(
    cli: &Cli,
    paths: &Paths,
    format: ExportFormat,
    output: Option<&PathBuf>,
    clock: Clock,
) -> Result<ExitStatus, CliError> {
    let (state, cl) = open_existing(cli, paths)?;
    let name = cli.account_name();
    let acct = &state.accounts[name];
    let Clock { now, today } = clock;
    let text = match format {
        ExportFormat::Md => export::markdown(&cl, name, acct, today),
        ExportFormat::Json => export::json_text(&cl, name, acct, today),
        ExportFormat::Ics => export::ics(&cl, name, acct, today, now),
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
            store::write_atomic(f, text.as_bytes(), None)?;
            eprintln!("wrote {}", line(&f.display().to_string()));
        }
        _ => out(&text)?,
    }
    Ok(0)
}

pub(super) fn checklists(paths: &Paths) -> Result<ExitStatus, CliError> {
    let cat = catalog(paths);
    let mut s = String::new();
    for l in &cat.checklists {
        let c = &l.checklist;
        let steps: usize = c.sections.iter().map(|x| x.steps.len()).sum();
        let origin = match &l.origin {
            Origin::Bundled(_) => "bundled".to_string(),
            Origin::User(p) => p.display().to_string(),
        };
        s.push_str(&format!(
            "{:<20} {} ({} sections, {steps} steps; updated {}; {})\n",
            line(&c.id),
            line(&c.title),
            c.sections.len(),
            c.updated,
            line(&origin)
        ));
    }
    if let Some(d) = paths.user_checklists() {
        s.push_str(&format!(
            "Your own checklists go in {}\n",
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
pub(super) fn template(today: chrono::NaiveDate) -> Result<ExitStatus, CliError> {
    out(&checklist::template(today))?;
    Ok(0)
}

/// `checklists --schema`: the JSON Schema for checklist files.
pub(super) fn schema() -> Result<ExitStatus, CliError> {
    out(&checklist::json_schema_text())?;
    Ok(0)
}

pub(super) fn validate(files: &[PathBuf]) -> Result<ExitStatus, CliError> {
    let mut bad = 0;
    for f in files {
        match checklist::load_file(f) {
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
fn read_history(paths: &Paths) -> Result<store::History, CliError> {
    let h = store::read_history(paths)?;
    for w in h.warnings(&paths.history_file()) {
        eprintln!("{}", line(&w));
    }
    Ok(h)
}

pub(super) fn history(cli: &Cli, paths: &Paths, json: bool) -> Result<ExitStatus, CliError> {
    let (_, cl) = open_existing(cli, paths)?;
    let history = read_history(paths)?;
    let events = history.of(cli.account_name());
    if json {
        let v: Vec<_> = events.iter().rev().collect();
        json_out(&serde_json::to_value(v).expect("json"))?;
    } else {
        let mut s = String::new();
        for e in events.iter().rev() {
            s.push_str(&format!(
                "{}  {}\n",
                e.at.format("%Y-%m-%dT%H:%M:%SZ"),
                line(&e.kind.describe(Some(&cl)))
            ));
        }
        out(&s)?;
    }
    Ok(0)
}

pub(super) fn accounts(paths: &Paths) -> Result<ExitStatus, CliError> {
    let loaded = store::load(paths)?;
    let mut s = String::new();
    for (name, a) in &loaded.state.accounts {
        s.push_str(&format!("{:<20} {}\n", line(name), line(&a.checklist)));
    }
    out(&s)?;
    Ok(0)
}

pub(super) fn completions(shell: clap_complete::Shell) -> Result<ExitStatus, CliError> {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "lockstep", &mut buf);
    out(&String::from_utf8_lossy(&buf))?;
    Ok(0)
}

pub(super) fn man() -> Result<ExitStatus, CliError> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .map_err(|e: io::Error| CliError::Output {
            file: "stdout".into(),
            source: e,
        })?;
    out(&String::from_utf8_lossy(&buf))?;
    Ok(0)
}
