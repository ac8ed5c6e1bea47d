//! Completions that know the data, through the real binary: each shell's entry point called the way
//! its script calls it (`COMPLETE=bash|zsh|fish lockstep -- WORDS` with the variables the script
//! sets), the bash and fish scripts run by the real shells, and what a completion may touch: it
//! writes nothing and opens only files that `status` or `checklists` open.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const EXE: &str = env!("CARGO_BIN_EXE_lockstep");

struct Env {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    data: PathBuf,
}

fn env() -> Env {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().to_path_buf();
    fs::create_dir_all(root.join("home")).unwrap();
    Env {
        data: root.join("data"),
        root,
        _tmp: tmp,
    }
}

/// The binary's directory first on the search path, as after installing it.
fn search_path() -> String {
    let dir = Path::new(EXE).parent().unwrap();
    format!("{}:/usr/bin:/bin", dir.display())
}

impl Env {
    fn base(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .env("HOME", self.root.join("home"))
            .env("XDG_CONFIG_HOME", self.root.join("config"))
            .env("PATH", search_path())
            .env("TZ", "UTC");
        c
    }
    /// lockstep on the data directory; panics unless it succeeds.
    fn run(&self, args: &[&str]) {
        let out = self
            .base(EXE)
            .arg("--data-dir")
            .arg(&self.data)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
    }
    /// A completion request: `COMPLETE=shell lockstep -- lockstep --data-dir D WORDS...` with
    /// the shell's own variables; returns stdout.
    fn complete(&self, shell: &str, words: &[&str], vars: &[(&str, String)]) -> String {
        let data = self.data.to_str().unwrap();
        let mut c = self.base(EXE);
        c.env("COMPLETE", shell)
            .args(["--", "lockstep", "--data-dir", data])
            .args(words);
        for (k, v) in vars {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        assert!(out.status.success(), "{words:?}: {out:?}");
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
    /// Candidates as bash's script asks for them (values only, split on its IFS). Like the
    /// other shells' helpers it drops the options clap offers beside values at an empty word
    /// (`--data-dir`, `--help` ...), unless the word being completed starts with `-`.
    fn bash(&self, words: &[&str]) -> Vec<String> {
        // The index of the word being completed, counting `lockstep --data-dir D`.
        let index = (3 + words.len() - 1).to_string();
        let vars = [
            ("_CLAP_IFS", "\u{b}".to_string()),
            ("_CLAP_COMPLETE_INDEX", index),
            ("_CLAP_COMPLETE_COMP_TYPE", "9".to_string()),
            ("_CLAP_COMPLETE_SPACE", "false".to_string()),
        ];
        let out = self.complete("bash", words, &vars);
        out.split('\u{b}')
            .filter(|s| !s.is_empty() && keep(words, s))
            .map(String::from)
            .collect()
    }
    /// Candidates as zsh's script asks for them: `value:description` lines.
    fn zsh(&self, words: &[&str]) -> Vec<(String, String)> {
        let index = (3 + words.len() - 1).to_string();
        let vars = [
            ("_CLAP_IFS", "\n".to_string()),
            ("_CLAP_COMPLETE_INDEX", index),
        ];
        let out = self.complete("zsh", words, &vars);
        out.lines()
            .map(|l| {
                let (v, d) = l.split_once(':').unwrap_or((l, ""));
                (v.to_string(), d.to_string())
            })
            .filter(|(v, _)| keep(words, v))
            .collect()
    }
    /// Candidates as fish's script asks for them: `value<TAB>description` lines (the words up
    /// to the cursor, then the current token).
    fn fish(&self, words: &[&str]) -> Vec<(String, String)> {
        let out = self.complete("fish", words, &[]);
        out.lines()
            .map(|l| {
                let (v, d) = l.split_once('\t').unwrap_or((l, ""));
                (v.to_string(), d.to_string())
            })
            .filter(|(v, _)| keep(words, v))
            .collect()
    }
}

/// False for an option offered while a value is being completed.
fn keep(words: &[&str], candidate: &str) -> bool {
    !candidate.starts_with('-') || words.last().is_some_and(|w| w.starts_with('-'))
}

/// `(id, title)` of each step of a bundled checklist's sections of `kind` that applies to an
/// account without personas (no `personas` of its own).
fn bundled_steps(checklist: &str, kind: &str) -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("checklists/{checklist}.json"));
    let c: serde_json::Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for s in c["sections"].as_array().unwrap() {
        if s["kind"] == kind {
            for t in s["steps"].as_array().unwrap() {
                if t["personas"].as_array().is_some_and(|p| !p.is_empty()) {
                    continue;
                }
                let id = t["id"].as_str().unwrap().to_string();
                out.push((id, t["title"].as_str().unwrap().to_string()));
            }
        }
    }
    out
}

fn ids(v: &[(String, String)]) -> Vec<&str> {
    v.iter().map(|(i, _)| i.as_str()).collect()
}

#[test]
fn check_completes_the_open_steps_with_their_titles_in_every_shell() {
    let e = env();
    e.run(&["check", "totp-2fa"]);
    e.run(&["na", "sub-accounts"]);
    let setup = bundled_steps("crypto-com", "setup");
    // Open: not done, and applying (persona-only advice does not before personas are chosen).
    let open: Vec<(String, String)> = setup
        .iter()
        .filter(|(id, _)| id != "totp-2fa" && id != "sub-accounts")
        .cloned()
        .collect();
    assert_eq!(e.zsh(&["check", ""]), open, "zsh: ids with titles");
    assert_eq!(e.fish(&["check", ""]), open, "fish: ids with titles");
    assert_eq!(
        e.bash(&["check", ""]),
        ids(&open),
        "bash: ids (bash shows no titles)"
    );
    // What is typed narrows the list.
    let with = |p: &str| -> Vec<&str> {
        ids(&open)
            .into_iter()
            .filter(|i| i.starts_with(p))
            .collect()
    };
    assert_eq!(e.bash(&["check", "with"]), with("with"));
    assert_eq!(ids(&e.fish(&["check", "t-"])), with("t-"));
    // uncheck offers what is marked; note every step; incident done the emergency steps.
    assert_eq!(e.bash(&["uncheck", ""]), ["totp-2fa", "sub-accounts"]);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists/crypto-com.json");
    let c: serde_json::Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
    let every: usize = c["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["steps"].as_array().unwrap().len())
        .sum();
    assert_eq!(e.bash(&["note", ""]).len(), every);
    let emergency = bundled_steps("crypto-com", "emergency");
    assert_eq!(e.zsh(&["incident", "done", ""]), emergency);
    // forget: only steps that have a note.
    assert!(e.bash(&["forget", ""]).is_empty());
    e.run(&["note", "passkeys", "bought", "two", "keys"]);
    assert_eq!(e.bash(&["forget", ""]), ["passkeys"]);
}

#[test]
fn sections_accounts_checklists_and_personas_complete_from_the_data() {
    let e = env();
    e.run(&["check", "totp-2fa"]);
    e.run(&[
        "--account",
        "mom",
        "--checklist",
        "generic-exchange",
        "check",
        "passkeys",
    ]);
    e.run(&["accounts", "label", "mom", "Mom's exchange"]);
    // A checklist of the user's own is offered too.
    let own = e.root.join("config/lockstep/checklists");
    fs::create_dir_all(&own).unwrap();
    let template = e
        .base(EXE)
        .args(["checklists", "--template"])
        .output()
        .unwrap();
    fs::write(own.join("mine.json"), &template.stdout).unwrap();
    let own_id = serde_json::from_slice::<serde_json::Value>(&template.stdout).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let reviews = ["monthly", "quarterly", "after-integration"];
    assert_eq!(e.bash(&["review", ""]), reviews);
    assert_eq!(e.bash(&["snooze", ""]), ["monthly", "quarterly"]);
    assert_eq!(
        e.bash(&["walk", ""]),
        ["essentials", "advanced", "tailored"]
    );
    let review_titles = e.fish(&["review", ""]);
    assert!(
        review_titles.iter().all(|(_, t)| !t.is_empty()),
        "{review_titles:?}"
    );
    assert_eq!(
        ids(&e.fish(&["personas", ""])),
        ["holder", "trader", "card", "web3"]
    );

    let accounts = e.zsh(&["--account", ""]);
    assert_eq!(ids(&accounts), ["default", "mom"]);
    assert_eq!(
        accounts[1].1, "Mom's exchange",
        "the label describes the account"
    );
    assert_eq!(e.bash(&["accounts", "rename", ""]), ["default", "mom"]);
    let lists = e.bash(&["--checklist", ""]);
    assert_eq!(lists, ["crypto-com", "generic-exchange", own_id.as_str()]);
    assert_eq!(e.bash(&["accounts", "set-checklist", "mom", ""]), lists);

    // The named account's own checklist and progress: mom follows generic-exchange and has
    // passkeys done; the default account has totp-2fa done.
    let mom = e.bash(&["--account", "mom", "check", "pass"]);
    assert!(mom.is_empty(), "{mom:?}");
    assert_eq!(e.bash(&["--account", "mom", "check", "totp"]), ["totp-2fa"]);
    assert!(e.bash(&["check", "totp"]).is_empty());
    // A new account with --checklist completes that checklist's steps.
    assert_eq!(
        e.bash(&[
            "--account",
            "new",
            "--checklist",
            "generic-exchange",
            "check",
            "totp"
        ]),
        ["totp-2fa"]
    );
}

#[test]
fn commands_and_options_come_from_the_one_clap_definition() {
    let e = env();
    let cmds = e.bash(&[""]);
    for c in [
        "status",
        "due",
        "check",
        "review",
        "snooze",
        "completions",
        "man",
    ] {
        assert!(cmds.iter().any(|x| x == c), "{c} in {cmds:?}");
    }
    assert!(e.bash(&["due", "--"]).iter().any(|x| x == "--exit-code"));
    // Before anything is tracked, check offers the default checklist's setup steps.
    let setup = bundled_steps("crypto-com", "setup");
    assert_eq!(e.bash(&["check", ""]), ids(&setup));
    assert!(!e.data.exists(), "completing created the data directory");
}

#[test]
fn a_damaged_state_completes_no_data_and_says_nothing() {
    let e = env();
    e.run(&["check", "totp-2fa"]);
    // Damaged, and no log of changes to rebuild it from.
    fs::write(e.data.join("state.json"), b"{ not json").unwrap();
    fs::remove_file(e.data.join("history.jsonl")).unwrap();
    assert!(e.bash(&["check", ""]).is_empty());
    // Commands still complete: they come from the definition, not the data.
    assert!(e.bash(&["sta"]).iter().any(|c| c == "status"));
}

/// Every file under `dir` with its length, modification time and content.
fn snapshot(dir: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        let m = fs::symlink_metadata(&p).unwrap();
        let bytes = if m.is_file() {
            fs::read(&p).unwrap()
        } else {
            Vec::new()
        };
        out.push((p, m.len(), m.modified().unwrap(), bytes));
    }
    out.sort();
    out
}

#[test]
fn completing_never_writes() {
    let e = env();
    e.run(&["check", "totp-2fa"]);
    let before = snapshot(&e.data);
    for words in [
        &["check", ""][..],
        &["--account", ""],
        &["--checklist", ""],
        &["review", ""],
        &["forget", ""],
    ] {
        e.bash(words);
        e.fish(words);
    }
    assert_eq!(snapshot(&e.data), before);
}

/// The files a run opens (strace), and whether any was opened for writing.
fn opened(e: &Env, completion: Option<&str>, args: &[&str]) -> (BTreeSet<String>, Vec<String>) {
    let strace = common::strace().expect("strace");
    let log = e.root.join("strace.log");
    let mut c = e.base(strace.to_str().unwrap());
    c.args(["-f", "-qq", "-e", "trace=open,openat,creat", "-o"])
        .arg(&log)
        .arg(EXE);
    if let Some(shell) = completion {
        c.env("COMPLETE", shell)
            .env("_CLAP_COMPLETE_INDEX", (args.len() + 2).to_string())
            .args(["--", "lockstep"]);
    }
    c.arg("--data-dir").arg(&e.data).args(args);
    assert!(c.output().unwrap().status.success());
    let trace = fs::read_to_string(&log).unwrap();
    let (mut files, mut writes) = (BTreeSet::new(), Vec::new());
    for l in trace.lines().filter(|l| !l.contains("ENOENT")) {
        let Some(path) = l.split('"').nth(1) else {
            continue;
        };
        if path.starts_with(e.root.to_str().unwrap()) {
            files.insert(path.to_string());
        }
        if l.contains("O_WRONLY") || l.contains("O_RDWR") || l.contains("O_CREAT") {
            writes.push(l.to_string());
        }
    }
    (files, writes)
}

#[test]
fn completing_opens_only_what_status_and_checklists_open() {
    if common::strace().is_none() {
        return;
    }
    let e = env();
    e.run(&["check", "totp-2fa"]);
    let (status, _) = opened(&e, None, &["status"]);
    let (lists, _) = opened(&e, None, &["checklists"]);
    let allowed: BTreeSet<String> = status.union(&lists).cloned().collect();
    assert!(
        status.iter().any(|f| f.ends_with("state.json")),
        "{status:?}"
    );
    for words in [&["check", ""][..], &["--checklist", ""], &["--account", ""]] {
        let (files, writes) = opened(&e, Some("bash"), words);
        assert!(
            writes.is_empty(),
            "{words:?} opened for writing: {writes:?}"
        );
        let extra: Vec<_> = files.difference(&allowed).collect();
        assert!(
            extra.is_empty(),
            "{words:?} opened what status does not: {extra:?}"
        );
    }
}

#[test]
fn the_bash_script_completes_through_the_real_shell() {
    let e = env();
    e.run(&["check", "totp-2fa"]);
    let script = e.root.join("lockstep.bash");
    let out = e.base(EXE).args(["completions", "bash"]).output().unwrap();
    fs::write(&script, &out.stdout).unwrap();
    // What bash-completion does at a Tab: COMP_WORDS/COMP_CWORD set, the function called with
    // the command, the current word and the previous one.
    let run = |words: &str, cword: usize, cur: &str, prev: &str| -> Vec<String> {
        let program = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD={cword}; \
             _clap_complete_lockstep lockstep '{cur}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let out = e.base("/bin/bash").args(["-c", &program]).output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .filter(|l| !l.is_empty() && keep(&[cur], l))
            .map(String::from)
            .collect()
    };
    let data = e.data.display().to_string();
    let got = run(
        &format!("lockstep --data-dir '{data}' check anti"),
        4,
        "anti",
        "check",
    );
    assert_eq!(got, ["anti-phishing-code"]);
    let got = run(
        &format!("lockstep --data-dir '{data}' uncheck ''"),
        4,
        "",
        "uncheck",
    );
    assert_eq!(got, ["totp-2fa"]);
    let got = run(
        &format!("lockstep --data-dir '{data}' snooze ''"),
        4,
        "",
        "snooze",
    );
    assert_eq!(got, ["monthly", "quarterly"]);
}

#[test]
fn the_fish_script_completes_through_the_real_shell_with_titles() {
    let Some(fish) = common::tool("fish", "fish") else {
        return;
    };
    let e = env();
    e.run(&["check", "totp-2fa"]);
    let script = e.root.join("lockstep.fish");
    let out = e.base(EXE).args(["completions", "fish"]).output().unwrap();
    fs::write(&script, &out.stdout).unwrap();
    let data = e.data.display().to_string();
    let program = format!(
        "source '{}'; complete --do-complete \"lockstep --data-dir '{data}' check anti\"",
        script.display()
    );
    let out = e
        .base(fish.to_str().unwrap())
        .args(["--no-config", "-c", &program])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let title = bundled_steps("crypto-com", "setup")
        .into_iter()
        .find(|(id, _)| id == "anti-phishing-code")
        .unwrap()
        .1;
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("anti-phishing-code\t{title}\n")
    );
}
