//! The launchd backend: a LaunchAgent plist in `~/Library/LaunchAgents`. The plist is generated
//! here on every platform; only the `launchctl` calls are made on macOS alone (checked at run time
//! through [`Environment::os`]).

use std::path::PathBuf;

use super::job::sh_quote;
use super::{
    AtTime, Backend, Environment, InstallReport, Installed, Job, MARKER, Plan, PlannedFile,
    ReminderError, RemoveReport, Runner, TargetOs, read_optional, remove_owned_file, run_cmd,
    write_owned_file,
};

pub const LABEL: &str = "lockstep.notify";

/// `~/Library/LaunchAgents/lockstep.notify.plist`.
pub fn plist_path(env: &Environment) -> PathBuf {
    env.home
        .join("Library")
        .join("LaunchAgents")
        .join(format!("{LABEL}.plist"))
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

fn xml_unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The LaunchAgent: runs the job every day at its time (a run missed while the Mac slept
/// happens at wake-up).
pub fn plist(job: &Job) -> String {
    let args: String = job
        .argv()
        .into_iter()
        .map(|a| format!("\t\t<string>{}</string>\n", xml_escape(a)))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n\
         <!-- {MARKER}; `lockstep reminders remove` deletes it. -->\n\
         <plist version=\"1.0\">\n\
         <dict>\n\
         \t<key>Label</key>\n\
         \t<string>{LABEL}</string>\n\
         \t<key>ProgramArguments</key>\n\
         \t<array>\n\
         {args}\
         \t</array>\n\
         \t<key>StartCalendarInterval</key>\n\
         \t<dict>\n\
         \t\t<key>Hour</key>\n\
         \t\t<integer>{}</integer>\n\
         \t\t<key>Minute</key>\n\
         \t\t<integer>{}</integer>\n\
         \t</dict>\n\
         </dict>\n\
         </plist>\n",
        job.at.hour(),
        job.at.minute()
    )
}

/// The integer after `<key>{key}</key>`.
fn plist_integer(text: &str, key: &str) -> Option<u8> {
    let rest = &text[text.find(&format!("<key>{key}</key>"))?..];
    let start = rest.find("<integer>")? + "<integer>".len();
    let end = rest[start..].find("</integer>")? + start;
    rest[start..end].trim().parse().ok()
}

/// Reads the time of day and the program arguments back from a plist lockstep wrote.
pub fn parse_plist(text: &str) -> (Option<AtTime>, Vec<String>) {
    let at = plist_integer(text, "Hour")
        .zip(plist_integer(text, "Minute"))
        .and_then(|(h, m)| AtTime::new(h, m));
    let args = text
        .find("<key>ProgramArguments</key>")
        .and_then(|i| {
            let rest = &text[i..];
            let end = rest.find("</array>")?;
            Some(
                rest[..end]
                    .split("<string>")
                    .skip(1)
                    .filter_map(|s| s.split_once("</string>").map(|(v, _)| xml_unescape(v)))
                    .collect(),
            )
        })
        .unwrap_or_default();
    (at, args)
}

fn path_str(env: &Environment) -> String {
    plist_path(env).display().to_string()
}

pub(super) fn plan(env: &Environment, job: &Job) -> Plan {
    let path = path_str(env);
    let (commands, notes) = if env.os == TargetOs::MacOs {
        (
            vec![
                vec!["launchctl".into(), "unload".into(), path.clone()],
                vec!["launchctl".into(), "load".into(), "-w".into(), path],
            ],
            vec!["the launchd backend is untested; please report problems".to_owned()],
        )
    } else {
        (
            Vec::new(),
            vec![format!(
                "this is not macOS, so launchctl is not run; on a Mac, load the agent with \
                 `launchctl load -w {}`",
                sh_quote(&path)
            )],
        )
    };
    Plan {
        backend: Backend::Launchd,
        job: job.clone(),
        files: vec![PlannedFile {
            path: plist_path(env),
            contents: plist(job),
        }],
        crontab_line: None,
        commands,
        notes,
    }
}

pub(super) fn install(
    plan: &Plan,
    env: &Environment,
    runner: &dyn Runner,
) -> Result<InstallReport, ReminderError> {
    let mut report = InstallReport::default();
    for f in &plan.files {
        if write_owned_file(&f.path, &f.contents)? {
            report.changed = true;
            report.done.push(format!("wrote {}", f.path.display()));
        } else {
            report
                .done
                .push(format!("{} is already up to date", f.path.display()));
        }
    }
    if env.os != TargetOs::MacOs {
        report.warnings.extend(plan.notes.iter().cloned());
        return Ok(report);
    }
    let path = path_str(env);
    // Not loaded yet is fine: unload only makes a changed plist take effect.
    let _ = run_cmd(runner, "launchctl", &["unload", &path], None);
    let failure = match run_cmd(runner, "launchctl", &["load", "-w", &path], None) {
        Ok(out) if out.success() => None,
        Ok(out) => Some(out.first_error_line()),
        Err(e) => Some(e),
    };
    match failure {
        None => report.done.push(format!("loaded the agent ({LABEL})")),
        Some(why) => report.warnings.push(format!(
            "the plist is written, but `launchctl load -w` failed ({why}); run it yourself:\n    launchctl load -w {}",
            sh_quote(&path)
        )),
    }
    Ok(report)
}

pub(super) fn inspect(
    env: &Environment,
    runner: &dyn Runner,
) -> Result<Option<Installed>, ReminderError> {
    let path = plist_path(env);
    let Some(text) = read_optional(&path)?.filter(|t| t.contains(MARKER)) else {
        return Ok(None);
    };
    let (at, args) = parse_plist(&text);
    let mut found = Installed {
        backend: Backend::Launchd,
        locations: vec![path.display().to_string()],
        at,
        command: (!args.is_empty()).then(|| {
            args.iter()
                .map(|a| sh_quote(a))
                .collect::<Vec<_>>()
                .join(" ")
        }),
        active: None,
        next_run: None,
        notes: Vec::new(),
    };
    if env.os == TargetOs::MacOs {
        let loaded =
            run_cmd(runner, "launchctl", &["list", LABEL], None).is_ok_and(|o| o.success());
        found.active = Some(loaded);
        if !loaded {
            found.notes.push(format!(
                "the agent is not loaded; run `launchctl load -w {}`",
                sh_quote(&path.display().to_string())
            ));
        }
    } else {
        found
            .notes
            .push("this is not macOS: launchd does not run this agent here".into());
        found.active = Some(false);
    }
    Ok(Some(found))
}

pub(super) fn remove(
    env: &Environment,
    runner: &dyn Runner,
    report: &mut RemoveReport,
) -> Result<(), ReminderError> {
    let path = plist_path(env);
    let ours = read_optional(&path)?.is_some_and(|t| t.contains(MARKER));
    if ours && env.os == TargetOs::MacOs {
        let p = path.display().to_string();
        match run_cmd(runner, "launchctl", &["unload", "-w", &p], None) {
            Ok(out) if out.success() => {
                report.removed.push(format!("unloaded the agent ({LABEL})"))
            }
            Ok(out) => report.warnings.push(format!(
                "`launchctl unload -w` failed ({}); the agent may stay loaded until you log out",
                out.first_error_line()
            )),
            Err(e) => report.warnings.push(format!(
                "`launchctl unload -w` failed ({e}); the agent may stay loaded until you log out"
            )),
        }
    }
    remove_owned_file(&path, report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn job() -> Job {
        Job::new(
            Path::new("/Applications/A&B <x>/lockstep"),
            Some(Path::new("/Users/u/it's \"data\"")),
            "06:07".parse().unwrap(),
        )
        .unwrap()
    }

    fn env(os: TargetOs) -> Environment {
        Environment {
            systemd_booted: false,
            crontab_on_path: false,
            os,
            home: "/Users/u".into(),
            config_home: "/Users/u/.config".into(),
        }
    }

    #[test]
    fn plist_is_exact() {
        let j = Job::new(
            Path::new("/usr/local/bin/lockstep"),
            None,
            "09:30".parse().unwrap(),
        )
        .unwrap();
        let expected = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- {MARKER}; `lockstep reminders remove` deletes it. -->
<plist version="1.0">
<dict>
	<key>Label</key>
	<string>lockstep.notify</string>
	<key>ProgramArguments</key>
	<array>
		<string>/usr/local/bin/lockstep</string>
		<string>notify</string>
	</array>
	<key>StartCalendarInterval</key>
	<dict>
		<key>Hour</key>
		<integer>9</integer>
		<key>Minute</key>
		<integer>30</integer>
	</dict>
</dict>
</plist>
"#
        );
        assert_eq!(plist(&j), expected);
    }

    #[test]
    fn plist_escapes_xml_and_reads_back() {
        let text = plist(&job());
        assert!(
            text.contains("<string>/Applications/A&amp;B &lt;x&gt;/lockstep</string>"),
            "{text}"
        );
        assert!(
            text.contains("<string>/Users/u/it&apos;s &quot;data&quot;</string>"),
            "{text}"
        );
        let comment = &text[text.find("<!--").unwrap() + 4..text.find("-->").unwrap()];
        assert!(!comment.contains("--"), "an XML comment cannot contain --");
        let (at, args) = parse_plist(&text);
        assert_eq!(at, Some("06:07".parse().unwrap()));
        assert_eq!(args, job().argv());
    }

    #[test]
    fn launchctl_is_planned_on_macos_only() {
        let mac = plan(&env(TargetOs::MacOs), &job());
        assert_eq!(
            mac.files[0].path,
            PathBuf::from("/Users/u/Library/LaunchAgents/lockstep.notify.plist")
        );
        assert_eq!(mac.commands.len(), 2);
        assert_eq!(
            mac.commands[1],
            [
                "launchctl",
                "load",
                "-w",
                "/Users/u/Library/LaunchAgents/lockstep.notify.plist"
            ]
        );
        let linux = plan(&env(TargetOs::Linux), &job());
        assert!(linux.commands.is_empty());
        assert!(
            linux.notes[0].contains("launchctl load -w"),
            "{:?}",
            linux.notes
        );
        assert_eq!(linux.files, mac.files);
    }
}
