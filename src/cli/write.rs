//! Commands that change progress: each loads under the lock, applies one domain operation, saves
//! and prints one line.

use super::output::out;
use super::{AppError, Cli, ExitStatus, IncidentCommand};
use crate::app::{
    Clock, Committed, ForWrite, Write, commit, open_for_write, print_notices, warn_after_save,
};
use crate::checklist::{Checklist, Loaded, Section};
use crate::guard::{clean, line};
use crate::ids::PersonaId;
use crate::schedule;
use crate::state::{Account, OpError};
use crate::store::Paths;

/// A step's title and id, for messages.
pub(super) fn title(cl: &Checklist, step: &str) -> String {
    cl.step(step)
        .map(|(_, s)| format!("{} ({step})", line(&s.title)))
        .unwrap_or_else(|| step.to_string())
}

/// Load under the lock, apply `f`, save, print its message.
pub(super) fn mutate(
    cli: &Cli,
    paths: &Paths,
    clock: Clock,
    f: impl FnOnce(&mut Account, &Checklist) -> Result<String, AppError>,
) -> Result<ExitStatus, AppError> {
    let msg = apply(cli, paths, clock, f)?;
    out(&format!("{}\n", clean(&msg, true)))?;
    Ok(0)
}

/// Load under the lock, apply `f`, save (the lock goes with the store); returns `f`'s message.
pub(super) fn apply<R>(
    cli: &Cli,
    paths: &Paths,
    clock: Clock,
    f: impl FnOnce(&mut Account, &Checklist) -> Result<R, AppError>,
) -> Result<R, AppError> {
    apply_loaded(cli, paths, clock, |a, l| f(a, &l.checklist))
}

/// Like [`apply`], with the checklist's origin too (for commands that show steps).
pub(super) fn apply_loaded<R>(
    cli: &Cli,
    paths: &Paths,
    clock: Clock,
    f: impl FnOnce(&mut Account, &Loaded) -> Result<R, AppError>,
) -> Result<R, AppError> {
    apply_then(cli, paths, clock, |a, l| Ok((f(a, l)?, Write::Changes))).map(|(r, _)| r)
}

/// Opens under the lock, says the notices, applies `f`, then takes the application layer's one
/// write path ([`commit`]: settle, save or purge, refresh the calendar) with what `f` asks to
/// write.
fn apply_then<R>(
    cli: &Cli,
    paths: &Paths,
    clock: Clock,
    f: impl FnOnce(&mut Account, &Loaded) -> Result<(R, Write), AppError>,
) -> Result<(R, Committed), AppError> {
    let ForWrite {
        mut store,
        mut state,
        name,
        loaded,
        notices,
        ..
    } = open_for_write(&cli.target(), paths, clock)?;
    print_notices(&name, &notices, false);
    let acct = state.accounts.get_mut(&name).expect("opened");
    let (r, write) = f(acct, &loaded)?;
    let done = commit(&mut store, &mut state, Some(&name), write, clock)?;
    warn_after_save(&done);
    Ok((r, done))
}

pub(super) fn review(
    a: &mut Account,
    cl: &Checklist,
    section: &str,
    clock: Clock,
) -> Result<String, AppError> {
    let today = clock.today;
    a.complete_review(cl, section, clock.now, today)?;
    let s = cl.section(section).expect("checked");
    Ok(match s.every_months {
        Some(m) => format!(
            "{} recorded on {today}; next due {}",
            s.title,
            schedule::add_months(today, m)
        ),
        None => format!("{} recorded on {today}", s.title),
    })
}

pub(super) fn snooze(
    a: &mut Account,
    cl: &Checklist,
    section: &str,
    days: u64,
    undo: bool,
    clock: Clock,
) -> Result<String, AppError> {
    let title = cl.section(section).map_or(section, |s| s.title.as_str());
    if undo {
        schedule::unsnooze(a, cl, section, clock.now)?;
        return Ok(format!("{title} reminder shows again (snooze undone)"));
    }
    let s = schedule::snooze(a, cl, section, days, clock.today, clock.now)?;
    let cap = if s.capped {
        format!(
            " (capped at {} days: a due review should not wait longer)",
            schedule::MAX_SNOOZE_DAYS
        )
    } else {
        String::new()
    };
    Ok(format!(
        "{title} reminder {}{cap}; the schedule is unchanged ({}). Undo with \
         `lockstep snooze {section} --undo`",
        schedule::snoozed_words(s.until),
        s.due.describe()
    ))
}

pub(super) fn personas(
    a: &mut Account,
    cl: &Checklist,
    personas: &[String],
    clock: Clock,
) -> Result<String, AppError> {
    let personas: Vec<PersonaId> = personas
        .iter()
        .filter(|p| !p.is_empty())
        .map(PersonaId::from)
        .collect();
    for p in &personas {
        if !cl.personas.iter().any(|x| &x.id == p) {
            return Err(AppError::UnknownPersona {
                persona: p.to_string(),
                known: cl.personas.iter().map(|x| x.id.to_string()).collect(),
            });
        }
    }
    a.set_personas(personas.clone(), clock.now);
    Ok(if personas.is_empty() {
        "personas cleared: showing steps for everyone".into()
    } else {
        format!("personas: {}", personas.join(", "))
    })
}

pub(super) fn compromised(a: &mut Account, l: &Loaded, clock: Clock) -> Result<String, AppError> {
    let cl = &l.checklist;
    // Like the TUI: without emergency steps there is nothing to open an incident with (an open
    // one can still be shown and closed).
    if cl.emergency().is_none() && a.open_incident().is_none() {
        return Err(OpError::NoEmergencySection.into());
    }
    let had = a.open_incident().map(|i| i.id);
    let id = a.open_compromise(cl, clock.now)?;
    let mut s = String::new();
    s.push_str(&match had {
        Some(_) => format!(
            "Incident #{id} is already open (since {}); no second one was opened.\n",
            a.open_incident()
                .map_or(clock.now, |i| i.opened)
                .format("%Y-%m-%d %H:%M UTC")
        ),
        None => format!(
            "Incident #{id} opened at {}. {}\n",
            clock.now.format("%Y-%m-%d %H:%M UTC"),
            a.reopened_sentence(id)
        ),
    });
    s.push_str(&format!(
        "Do these now, in order (checklist: {}):\n",
        l.describe()
    ));
    if let Some(em) = cl.emergency() {
        let inc = a.open_incident().expect("just opened");
        s.push_str(&emergency_steps(em, |id| inc.steps.contains_key(id)));
    }
    s.push_str(
        "Log tickets with `lockstep incident note --ticket N`, mark steps with \
         `lockstep incident done STEP`, or run `lockstep` and press !. A false alarm: \
         `lockstep incident cancel` gives every reopened step its status back.",
    );
    Ok(s)
}

/// The emergency steps in order, each with its instructions, marked `[x]` when `done`.
pub(super) fn emergency_steps(em: &Section, done: impl Fn(&str) -> bool) -> String {
    let mut s = String::new();
    for (i, t) in em.steps.iter().enumerate() {
        let mark = if done(t.id.as_str()) { "[x]" } else { "[ ]" };
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
    s
}

/// `lockstep compromised`. With several accounts and none named nothing is recorded (which one
/// is compromised cannot be guessed), but the emergency steps come first, then the refusal.
pub(super) fn compromised_command(
    cli: &Cli,
    paths: &Paths,
    clock: Clock,
) -> Result<ExitStatus, AppError> {
    match apply_loaded(cli, paths, clock, |a, l| compromised(a, l, clock)) {
        Err(AppError::SeveralAccounts(names)) if cli.target().named_account().is_none() => {
            super::worst::emergency_steps_then_refuse(paths, names)
        }
        r => {
            out(&format!("{}\n", clean(&r?, true)))?;
            Ok(0)
        }
    }
}

/// The emergency steps of the open incident never marked done, as "Title (id)", in order.
fn open_emergency_steps(a: &Account, cl: &Checklist) -> Vec<String> {
    let (Some(inc), Some(em)) = (a.open_incident(), cl.emergency()) else {
        return Vec::new();
    };
    em.steps
        .iter()
        .filter(|t| !inc.steps.contains_key(&t.id))
        .map(|t| format!("{} ({})", line(&t.title), t.id))
        .collect()
}

/// `lockstep incident close`: closes the open incident. Emergency steps never marked done do not
/// stop it (the resolution says what happened) but are named in a warning, as the TUI does.
fn close(
    a: &mut Account,
    cl: &Checklist,
    resolution: &str,
    clock: Clock,
) -> Result<(String, Option<String>), AppError> {
    let open = open_emergency_steps(a, cl);
    let total = cl.emergency().map_or(0, |e| e.steps.len());
    let id = a.close_incident(resolution, clock.now)?;
    let msg =
        format!("incident #{id} closed. Re-verify the reopened setup steps (`lockstep status`).");
    let warning = (!open.is_empty()).then(|| {
        format!(
            "incident #{id} was closed with {} of {total} emergency steps never marked done: {}",
            open.len(),
            open.join("; ")
        )
    });
    Ok((msg, warning))
}

/// The incident subcommands that change the log (`report` is read-only): the message, and a
/// warning to print after it is saved.
pub(super) fn incident(
    a: &mut Account,
    cl: &Checklist,
    cmd: &IncidentCommand,
    clock: Clock,
) -> Result<(String, Option<String>), AppError> {
    if let IncidentCommand::Close { resolution } = cmd {
        return close(a, cl, &resolution.join(" "), clock);
    }
    incident_change(a, cl, cmd, clock).map(|m| (m, None))
}

fn incident_change(
    a: &mut Account,
    cl: &Checklist,
    cmd: &IncidentCommand,
    clock: Clock,
) -> Result<String, AppError> {
    let now = clock.now;
    match cmd {
        IncidentCommand::Note { text, ticket } => {
            let id = a.incident_note(&text.join(" "), ticket.as_deref(), now)?;
            Ok(format!(
                "logged on incident #{id} at {}",
                now.format("%H:%M UTC")
            ))
        }
        IncidentCommand::Done { step } => {
            let inc = a.open_incident().ok_or(OpError::NoOpenIncident)?;
            if inc.steps.contains_key(step.as_str()) {
                return Ok(format!("already done: {}", title(cl, step)));
            }
            a.toggle_emergency_step(cl, step, now)?;
            Ok(format!("done: {}", title(cl, step)))
        }
        IncidentCommand::Cancel { reason } => {
            let (id, restored) = a.cancel_incident(&reason.join(" "), now)?;
            Ok(format!(
                "incident #{id} cancelled as a false alarm; {} setup step{} got {} status back",
                restored.len(),
                if restored.len() == 1 { "" } else { "s" },
                if restored.len() == 1 { "its" } else { "their" }
            ))
        }
        IncidentCommand::Close { .. } => unreachable!("close is `close`"),
        IncidentCommand::Report { .. } => unreachable!("report is read-only"),
    }
}

/// `lockstep forget STEP`: the note goes from the state, every past note event of the step in
/// the history, the backup of the previous save, and a pre-migration backup that holds it.
pub(super) fn forget(
    cli: &Cli,
    paths: &Paths,
    step: &str,
    clock: Clock,
) -> Result<ExitStatus, AppError> {
    let (title_of, committed) = apply_then(cli, paths, clock, |acct, loaded| {
        let old_text = acct.forget_note(&loaded.checklist, step, clock.now)?;
        let write = Write::Purge {
            step: step.to_string(),
            old_text,
        };
        Ok((title(&loaded.checklist, step), write))
    })?;
    let done = committed.forgotten.expect("a purge says what it removed");
    let mut msg = format!(
        "note on {} forgotten: removed from the state, {} past note{} in the history and the \
         backup of the previous save",
        title_of,
        done.events,
        if done.events == 1 { "" } else { "s" }
    );
    if done.damaged_lines > 0 {
        msg.push_str(&format!(
            "; {} damaged history line{} that may have held it dropped",
            done.damaged_lines,
            if done.damaged_lines == 1 { "" } else { "s" }
        ));
    }
    out(&format!("{}\n", clean(&msg, true)))?;
    Ok(0)
}
