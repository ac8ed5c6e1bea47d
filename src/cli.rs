//! Command-line interface (SPEC §5): argument parsing and the non-interactive commands.

use std::io::{self, Write};
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Parser, Subcommand, ValueEnum};

use crate::checklist::{self, Catalog, Checklist, Origin, Outline, SectionKind};
use crate::guard::{clean, line};
use crate::schedule;
use crate::score;
use crate::state::{Account, DEFAULT_ACCOUNT, State, Status};
use crate::store::{self, Paths, Store, StoreError};

#[derive(Debug, Parser)]
#[command(
    name = "lockstep",
    version,
    about = "Harden your exchange accounts step by step, and keep them hardened."
)]
pub struct Cli {
    /// Where progress is stored (default: $XDG_DATA_HOME/lockstep).
    #[arg(long, global = true, value_name = "DIR", env = "LOCKSTEP_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Which tracked account to use (default: "default"; `due` without it reports every account).
    #[arg(long, global = true, value_name = "NAME")]
    pub account: Option<String>,
    /// Checklist for a new account (see `lockstep checklists`).
    #[arg(long, global = true, value_name = "ID")]
    pub checklist: Option<String>,
    /// Colour in the TUI (command output is plain text).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The account named with `--account`, or [`DEFAULT_ACCOUNT`].
    pub fn account_name(&self) -> &str {
        self.account.as_deref().unwrap_or(DEFAULT_ACCOUNT)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Per-section progress, score, next due dates and any open incident.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// One line per due or overdue review (for shell start-up).
    Due {
        /// Print nothing when nothing is due.
        #[arg(long, short)]
        quiet: bool,
        /// Exit with status 1 when something is due.
        #[arg(long)]
        exit_code: bool,
        #[arg(long)]
        json: bool,
    },
    /// Mark a setup step done.
    Check { step: String },
    /// Mark a setup step not done.
    Uncheck { step: String },
    /// Skip a setup step, with a reason.
    Skip {
        step: String,
        #[arg(long, short)]
        reason: String,
    },
    /// Mark a setup step as not applicable (it leaves the score total).
    Na { step: String },
    /// Attach a note to a step (never a secret: they are refused).
    Note { step: String, text: String },
    /// Record a completed review (monthly, quarterly, after-integration) with all items checked.
    Review { section: String },
    /// Hide a due review's reminder for some days (the schedule does not move).
    Snooze {
        section: String,
        #[arg(long, default_value_t = 7)]
        days: u64,
    },
    /// Set how you use the account (comma-separated persona ids; empty for none).
    Personas {
        #[arg(value_delimiter = ',')]
        personas: Vec<String>,
    },
    /// I think I'm compromised: open an incident and print the emergency steps.
    Compromised,
    /// The incident log.
    Incident {
        #[command(subcommand)]
        command: IncidentCommand,
    },
    /// Export progress or a reminder calendar.
    Export {
        #[arg(long, short, value_enum)]
        format: ExportFormat,
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// List available checklists.
    Checklists,
    /// Validate checklist files.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Every recorded event, newest first.
    History {
        #[arg(long)]
        json: bool,
    },
    /// Tracked accounts.
    Accounts,
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff).
    Man,
}

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Add a note and/or a support ticket number to the open incident.
    Note {
        text: Option<String>,
        #[arg(long, short)]
        ticket: Option<String>,
    },
    /// Mark an emergency step done for the open incident.
    Done { step: String },
    /// Close the open incident with a resolution note.
    Close { resolution: String },
    /// The incident timeline as Markdown, ready to paste to support.
    Report {
        #[arg(long)]
        id: Option<u32>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Md,
    Json,
    Ics,
}

/// A CLI failure: printed to stderr, exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Op(#[from] crate::state::OpError),
    #[error("{0}")]
    Checklist(#[from] checklist::ChecklistErrors),
    #[error("{0}")]
    Msg(String),
    #[error("cannot write {file}: {source}")]
    Output { file: String, source: io::Error },
}

/// `snooze --days` is clamped to this before any date arithmetic (the snooze itself is capped
/// at the next due date, or a week when the review is already due).
pub const MAX_SNOOZE_DAYS: u64 = 3650;

/// Exit status requested by a command that succeeded (1 = "something is due").
pub type ExitStatus = i32;

/// Clock readings, passed in so commands never read the clock themselves.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
}

pub fn catalog(paths: &Paths) -> Catalog {
    Catalog::load(paths.user_checklists().as_deref())
}

/// The catalog with only the bundled checklists these ids need.
fn catalog_for(paths: &Paths, ids: &[&str]) -> Catalog {
    Catalog::load_only(paths.user_checklists().as_deref(), ids)
}

/// Resolves the checklist for an account, printing warnings for broken user checklists.
fn checklist_for(cat: &Catalog, id: &str) -> Result<Checklist, CliError> {
    cat.get(id).cloned().ok_or_else(|| {
        let broken: Vec<String> = cat.errors.iter().map(|e| e.to_string()).collect();
        CliError::Msg(if broken.is_empty() {
            format!("checklist '{id}' is not installed (see `lockstep checklists`)")
        } else {
            format!(
                "checklist '{id}' is not available; these checklist files have errors:\n{}",
                broken.join("\n")
            )
        })
    })
}

/// Opens the state for writing, creating the account if needed. Returns store, state, checklist.
pub fn open_for_write(
    cli: &Cli,
    paths: &Paths,
    clock: Clock,
) -> Result<(Store, State, Checklist), CliError> {
    let (st, loaded) = Store::open(paths)?;
    for w in &loaded.warnings {
        eprintln!("{}", line(w));
    }
    let mut state = loaded.state;
    let name = cli.account_name();
    let id = match (state.accounts.get(name), &cli.checklist) {
        (Some(a), _) => {
            checklist_matches(cli, name, a)?;
            a.checklist.clone()
        }
        (None, wanted) => wanted
            .clone()
            .unwrap_or_else(|| checklist::DEFAULT_CHECKLIST.to_string()),
    };
    let cl = checklist_for(&catalog(paths), &id)?;
    if !state.accounts.contains_key(name) {
        validate_account_name(name)?;
        state
            .accounts
            .insert(name.to_string(), Account::new(&id, clock.now));
    }
    Ok((st, state, cl))
}

fn validate_account_name(name: &str) -> Result<(), CliError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
    if ok {
        Ok(())
    } else {
        Err(CliError::Msg(format!(
            "invalid account name '{}': use letters, digits, '-', '_', '.', '@' (at most 64)",
            line(name)
        )))
    }
}

/// Read-only access: the state (without locking) and the account's checklist, if the account exists.
/// `--checklist ID` names the checklist of a new account; for an existing account that follows
/// another checklist it is an error rather than silently ignored.
fn checklist_matches(cli: &Cli, name: &str, acct: &Account) -> Result<(), CliError> {
    match &cli.checklist {
        Some(wanted) if &acct.checklist != wanted => Err(CliError::Msg(format!(
            "account '{}' already uses checklist '{}'; use --account NAME to track another \
             account with '{}'",
            line(name),
            line(&acct.checklist),
            line(wanted)
        ))),
        _ => Ok(()),
    }
}

fn open_read(cli: &Cli, paths: &Paths) -> Result<Option<(State, Checklist)>, CliError> {
    let loaded = store::load(paths)?;
    for w in &loaded.warnings {
        eprintln!("{}", line(w));
    }
    let Some(acct) = loaded.state.accounts.get(cli.account_name()) else {
        return Ok(None);
    };
    checklist_matches(cli, cli.account_name(), acct)?;
    let cl = checklist_for(&catalog_for(paths, &[&acct.checklist]), &acct.checklist)?;
    Ok(Some((loaded.state, cl)))
}

fn no_account(cli: &Cli) -> CliError {
    CliError::Msg(format!(
        "no progress recorded for account '{}' yet; run `lockstep` to start",
        line(cli.account_name())
    ))
}

fn out(text: &str) -> Result<(), CliError> {
    let mut o = io::stdout().lock();
    // A closed pipe (`lockstep history | head`) is not an error.
    match o.write_all(text.as_bytes()).and_then(|_| o.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(|e| CliError::Output {
            file: "stdout".into(),
            source: e,
        }),
    }
}

/// Prints pretty JSON; bidi and C1 control characters in strings become `\uXXXX` escapes.
fn json_out(v: &serde_json::Value) -> Result<(), CliError> {
    out(&format!(
        "{}\n",
        crate::guard::json_safe(&serde_json::to_string_pretty(v).expect("json"))
    ))
}

/// Runs a non-TUI command.
pub fn run(cli: &Cli, cmd: &Command, paths: &Paths, clock: Clock) -> Result<ExitStatus, CliError> {
    let Clock { now, today } = clock;
    let name = cli.account_name();
    match cmd {
        Command::Status { json } => {
            let Some((state, cl)) = open_read(cli, paths)? else {
                if *json {
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
            if *json {
                json_out(&crate::export::json(&cl, name, acct, today))?;
            } else {
                out(&status_text(&cl, name, acct, today))?;
            }
            Ok(0)
        }
        Command::Due {
            quiet,
            exit_code,
            json,
        } => due(cli, paths, today, *quiet, *exit_code, *json),
        Command::Check { step } => mutate(cli, paths, clock, |a, cl| {
            Ok(if a.check(cl, step, now)? {
                format!("done: {}", title(cl, step))
            } else {
                format!("already done: {}", title(cl, step))
            })
        }),
        Command::Uncheck { step } => mutate(cli, paths, clock, |a, cl| {
            a.uncheck(cl, step, now)?;
            Ok(format!("to do: {}", title(cl, step)))
        }),
        Command::Skip { step, reason } => mutate(cli, paths, clock, |a, cl| {
            a.skip(cl, step, reason, now)?;
            Ok(format!("skipped: {} ({})", title(cl, step), reason.trim()))
        }),
        Command::Na { step } => mutate(cli, paths, clock, |a, cl| {
            a.not_applicable(cl, step, now)?;
            Ok(format!("not applicable: {}", title(cl, step)))
        }),
        Command::Note { step, text } => mutate(cli, paths, clock, |a, cl| {
            a.set_note(cl, step, text, now)?;
            Ok(format!("note saved on {}", title(cl, step)))
        }),
        Command::Review { section } => mutate(cli, paths, clock, |a, cl| {
            a.complete_review(cl, section, now, today)?;
            let s = cl.section(section).expect("checked");
            Ok(match s.every_months {
                Some(m) => format!(
                    "{} recorded on {today}; next due {}",
                    s.title,
                    schedule::add_months(today, m)
                ),
                None => format!("{} recorded on {today}", s.title),
            })
        }),
        Command::Snooze { section, days } => mutate(cli, paths, clock, |a, cl| {
            use crate::state::OpError;
            let s = cl
                .section(section)
                .ok_or_else(|| OpError::UnknownSection(section.clone()))?;
            let every = match (s.kind, s.every_months) {
                (SectionKind::Recurring, Some(every)) => every,
                (SectionKind::Event, _) => return Err(OpError::NoSchedule(section.clone()).into()),
                _ => return Err(OpError::NotReview(section.clone()).into()),
            };
            let st = schedule::due(a.reviews.get(section), every, a.setup_started_on(), today);
            // The snooze is capped anyway (next due date, or a week); clamping first keeps huge
            // --days values from overflowing the date.
            let wanted = today
                .checked_add_days(chrono::Days::new((*days).min(MAX_SNOOZE_DAYS)))
                .unwrap_or(today);
            let until = schedule::snooze_until(st, today, wanted);
            a.snooze(cl, section, until, now)?;
            Ok(format!(
                "{} reminder snoozed until {until} (the schedule is unchanged; {})",
                s.title,
                st.describe()
            ))
        }),
        Command::Personas { personas } => mutate(cli, paths, clock, |a, cl| {
            let personas: Vec<String> =
                personas.iter().filter(|p| !p.is_empty()).cloned().collect();
            for p in &personas {
                if !cl.personas.iter().any(|x| &x.id == p) {
                    let known: Vec<_> = cl.personas.iter().map(|x| x.id.as_str()).collect();
                    return Err(CliError::Msg(format!(
                        "unknown persona '{}'; known: {}",
                        line(p),
                        known.join(", ")
                    )));
                }
            }
            a.set_personas(personas.clone(), now);
            Ok(if personas.is_empty() {
                "personas cleared: showing steps for everyone".into()
            } else {
                format!("personas: {}", personas.join(", "))
            })
        }),
        Command::Compromised => mutate(cli, paths, clock, |a, cl| {
            let had = a.open_incident().map(|i| i.id);
            let id = a.open_compromise(cl, now);
            let mut s = String::new();
            s.push_str(&match had {
                Some(_) => format!("Incident #{id} is already open.\n"),
                None => format!(
                    "Incident #{id} opened at {}. Every setup step is reopened for re-verification.\n",
                    now.format("%Y-%m-%d %H:%M UTC")
                ),
            });
            s.push_str("Do these now, in order:\n");
            if let Some(em) = cl.emergency() {
                let inc = a.open_incident().expect("just opened");
                for (i, t) in em.steps.iter().enumerate() {
                    let mark = if inc.steps.contains_key(&t.id) {
                        "[x]"
                    } else {
                        "[ ]"
                    };
                    s.push_str(&format!(
                        "  {}. {mark} {} ({})\n",
                        i + 1,
                        line(&t.title),
                        t.id
                    ));
                    for h in &t.how {
                        s.push_str(&format!("        - {}\n", line(h)));
                    }
                }
            }
            s.push_str(
                "Log tickets with `lockstep incident note --ticket N`, mark steps with \
                 `lockstep incident done STEP`, or run `lockstep` and press !.",
            );
            Ok(s)
        }),
        Command::Incident { command } => match command {
            IncidentCommand::Note { text, ticket } => mutate(cli, paths, clock, |a, _| {
                let id = a.incident_note(text.as_deref().unwrap_or(""), ticket.as_deref(), now)?;
                Ok(format!(
                    "logged on incident #{id} at {}",
                    now.format("%H:%M UTC")
                ))
            }),
            IncidentCommand::Done { step } => mutate(cli, paths, clock, |a, cl| {
                let inc = a
                    .open_incident()
                    .ok_or(crate::state::OpError::NoOpenIncident)?;
                if inc.steps.contains_key(step) {
                    return Ok(format!("already done: {}", title(cl, step)));
                }
                a.toggle_emergency_step(cl, step, now)?;
                Ok(format!("done: {}", title(cl, step)))
            }),
            IncidentCommand::Close { resolution } => mutate(cli, paths, clock, |a, _| {
                let id = a.close_incident(resolution, now)?;
                Ok(format!(
                    "incident #{id} closed. Re-verify the reopened setup steps (`lockstep status`)."
                ))
            }),
            IncidentCommand::Report { id } => {
                let (state, cl) = open_read(cli, paths)?.ok_or_else(|| no_account(cli))?;
                let acct = &state.accounts[name];
                let md = crate::export::incident_report(&cl, name, acct, *id, now)
                    .map_err(CliError::Msg)?;
                out(&md)?;
                Ok(0)
            }
        },
        Command::Export { format, output } => {
            let (state, cl) = open_read(cli, paths)?.ok_or_else(|| no_account(cli))?;
            let acct = &state.accounts[name];
            let text = match format {
                ExportFormat::Md => crate::export::markdown(&cl, name, acct, today),
                ExportFormat::Json => crate::export::json_text(&cl, name, acct, today),
                ExportFormat::Ics => crate::export::ics(&cl, name, acct, today, now),
            };
            match output {
                Some(f) if f.as_os_str() != "-" => {
                    std::fs::write(f, text).map_err(|e| CliError::Output {
                        file: f.display().to_string(),
                        source: e,
                    })?;
                    eprintln!("wrote {}", line(&f.display().to_string()));
                }
                _ => out(&text)?,
            }
            Ok(0)
        }
        Command::Checklists => {
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
                s.push_str(&format!("Your own checklists go in {}\n", d.display()));
            }
            out(&s)?;
            for e in &cat.errors {
                eprintln!("{}", clean(&e.to_string(), true));
            }
            Ok(if cat.errors.is_empty() { 0 } else { 2 })
        }
        Command::Validate { files } => {
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
        Command::History { json } => {
            let (state, cl) = open_read(cli, paths)?.ok_or_else(|| no_account(cli))?;
            let acct = &state.accounts[name];
            if *json {
                let v: Vec<_> = acct.history.iter().rev().collect();
                json_out(&serde_json::to_value(v).expect("json"))?;
            } else {
                let mut s = String::new();
                for e in acct.history.iter().rev() {
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
        Command::Accounts => {
            let loaded = store::load(paths)?;
            let mut s = String::new();
            for (name, a) in &loaded.state.accounts {
                s.push_str(&format!("{:<20} {}\n", line(name), line(&a.checklist)));
            }
            out(&s)?;
            Ok(0)
        }
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut cmd, "lockstep", &mut io::stdout());
            Ok(0)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut buf)
                .map_err(|e| CliError::Output {
                    file: "stdout".into(),
                    source: e,
                })?;
            out(&String::from_utf8_lossy(&buf))?;
            Ok(0)
        }
    }
}

fn title(cl: &Checklist, step: &str) -> String {
    cl.step(step)
        .map(|(_, s)| format!("{} ({step})", line(&s.title)))
        .unwrap_or_else(|| step.to_string())
}

/// Load under the lock, apply `f`, save, print its message.
fn mutate(
    cli: &Cli,
    paths: &Paths,
    clock: Clock,
    f: impl FnOnce(&mut Account, &Checklist) -> Result<String, CliError>,
) -> Result<ExitStatus, CliError> {
    let (st, mut state, cl) = open_for_write(cli, paths, clock)?;
    let acct = state.accounts.get_mut(cli.account_name()).expect("created");
    let msg = f(acct, &cl)?;
    st.save(&state)?;
    out(&format!("{}\n", clean(&msg, true)))?;
    Ok(0)
}

/// `lockstep due`: every account, or only the one named with `--account` (an error when it is not
/// tracked).
fn due(
    cli: &Cli,
    paths: &Paths,
    today: NaiveDate,
    quiet: bool,
    exit_code: bool,
    json: bool,
) -> Result<ExitStatus, CliError> {
    let loaded = store::load(paths)?;
    if let Some(wanted) = &cli.account
        && !loaded.state.accounts.contains_key(wanted)
    {
        let known: Vec<String> = loaded
            .state
            .accounts
            .keys()
            .map(|k| line(k).into_owned())
            .collect();
        return Err(CliError::Msg(if known.is_empty() {
            format!(
                "no account '{}' is tracked (nothing is tracked yet; run `lockstep` to start)",
                line(wanted)
            )
        } else {
            format!(
                "no account '{}' is tracked (tracked: {})",
                line(wanted),
                known.join(", ")
            )
        }));
    }
    let accounts: Vec<(&String, &Account)> = loaded
        .state
        .accounts
        .iter()
        .filter(|(name, _)| cli.account.as_ref().is_none_or(|w| w == *name))
        .collect();
    let mut lines = String::new();
    let mut items = Vec::new();
    let mut any = false;
    let user_dir = paths.user_checklists();
    // --json needs the full checklists (item progress); the text path only needs outlines.
    let cat = json.then(|| {
        let ids: Vec<&str> = accounts.iter().map(|(_, a)| a.checklist.as_str()).collect();
        catalog_for(paths, &ids)
    });
    for (name, acct) in &accounts {
        let prefix = if accounts.len() > 1 {
            format!("[{}] ", line(name))
        } else {
            String::new()
        };
        if let Some(inc) = acct.open_incident() {
            any = true;
            lines.push_str(&format!(
                "lockstep: {prefix}incident #{} is open: run `lockstep` and press ! to continue\n",
                inc.id
            ));
            items.push(serde_json::json!({
                "account": name,
                "incident": inc.id,
                "opened": inc.opened,
            }));
        }
        if let Some(cat) = &cat {
            let Some(cl) = cat.get(&acct.checklist) else {
                eprintln!(
                    "lockstep: checklist '{}' of account '{}' is not available",
                    line(&acct.checklist),
                    line(name)
                );
                continue;
            };
            for r in schedule::reviews(cl, acct, today)
                .into_iter()
                .filter(|r| r.remind())
            {
                any = true;
                items.push(serde_json::json!({"account": name, "review": r}));
            }
            continue;
        }
        let Some(outline) = Outline::find(user_dir.as_deref(), &acct.checklist) else {
            eprintln!(
                "lockstep: checklist '{}' of account '{}' is not available",
                line(&acct.checklist),
                line(name)
            );
            continue;
        };
        let started = acct.setup_started_on();
        for s in outline
            .sections
            .iter()
            .filter(|s| s.kind == SectionKind::Recurring)
        {
            let every = s.every_months.unwrap_or(1);
            if let Some(d) = schedule::reminder(acct.reviews.get(&s.id), every, started, today) {
                any = true;
                lines.push_str(&format!(
                    "lockstep: {prefix}{} {}: {}\n",
                    line(&outline.service),
                    line(&s.title),
                    d.describe()
                ));
            }
        }
    }
    if json {
        json_out(&serde_json::Value::Array(items))?;
    } else if any {
        out(&lines)?;
    } else if !quiet {
        out("lockstep: nothing due\n")?;
    }
    Ok(if exit_code && any { 1 } else { 0 })
}

/// The plain-text status report.
pub fn status_text(cl: &Checklist, name: &str, acct: &Account, today: NaiveDate) -> String {
    let mut s = String::new();
    s.push_str(&format!("{} (account: {})\n", line(&cl.title), line(name)));
    if !acct.personas.is_empty() {
        s.push_str(&format!("Personas: {}\n", acct.personas.join(", ")));
    }
    let sc = score::score(cl, acct, today);
    match (sc.value, acct.open_incident()) {
        (_, Some(inc)) => s.push_str(&format!(
            "!! INCIDENT #{} OPEN since {} - no score until it is closed (`lockstep incident close TEXT`)\n",
            inc.id,
            inc.opened.format("%Y-%m-%d %H:%M UTC")
        )),
        (Some(v), None) => s.push_str(&format!("Hardening score: {v}/100\n")),
        (None, None) => {}
    }
    let reviews = schedule::reviews(cl, acct, today);
    for sec in &cl.sections {
        let steps: Vec<_> = sec
            .steps
            .iter()
            .filter(|t| t.applies_to(&acct.personas))
            .collect();
        match sec.kind {
            SectionKind::Setup => {
                let (done, total) = sc
                    .section(&sec.id)
                    .map_or((0, 0), |x| (x.done, x.applicable));
                s.push_str(&format!("\n{} ({done}/{total})\n", line(&sec.title)));
                for t in steps {
                    let st = acct.status(&t.id);
                    let extra = match st {
                        Status::Skipped { reason, .. } => format!(" - skipped: {}", line(reason)),
                        Status::Reverify { .. } => " - re-verify".into(),
                        Status::NotApplicable { .. } => " - not applicable".into(),
                        _ => String::new(),
                    };
                    s.push_str(&format!(
                        "  {} {:<24} {}{extra}\n",
                        st.symbol(),
                        t.id,
                        line(&t.title)
                    ));
                }
            }
            SectionKind::Recurring => {
                let Some(r) = reviews.iter().find(|r| r.section == sec.id) else {
                    continue;
                };
                let last = r.last.map_or("never".to_string(), |d| d.to_string());
                let snoozed = if r.snoozed { " (reminder snoozed)" } else { "" };
                s.push_str(&format!(
                    "\n{} [{}]: {}{snoozed}; last done {last}\n",
                    line(&sec.title),
                    sec.id,
                    r.due.describe()
                ));
            }
            SectionKind::Event => {
                let last = acct
                    .reviews
                    .get(&sec.id)
                    .and_then(|r| r.last())
                    .map_or("never".to_string(), |c| c.date.to_string());
                s.push_str(&format!(
                    "\n{} [{}]: on demand; last done {last}\n",
                    line(&sec.title),
                    sec.id
                ));
            }
            SectionKind::Emergency => {}
        }
    }
    s
}
