//! The boundaries the workspace promises, checked: the domain crate (`crates/core`) and the guard
//! (`crates/guard`) depend on no crate that touches the operating system or the terminal, and
//! their sources name no file system, process, network, environment or clock API; the TUI never
//! reaches into the command line.

use std::fs;
use std::path::{Path, PathBuf};

/// Crates that reach the OS or the terminal: none may be a dependency of the pure crates.
const OS_CRATES: &[&str] = &[
    "libc",
    "directories",
    "ratatui",
    "crossterm",
    "signal-hook",
    "tui-input",
    "clap",
    "tempfile",
    "nix",
    "rustix",
    "zbus",
    "notify-rust",
    "lockstep-store",
    "lockstep-os",
];

/// Paths the pure crates' sources must not name (tests included: they run from the same files).
const OS_APIS: &[&str] = &[
    "std::fs",
    "std::process",
    "std::net",
    "std::env",
    "std::os",
    "std::time::SystemTime",
    "std::time::Instant",
    "SystemTime::now",
    "Instant::now",
    "Utc::now",
    "Local::now",
    "chrono::Local",
    "std::io::stdin",
    "std::io::stdout",
    "std::io::stderr",
    "std::thread",
    "std::path::absolute",
    "canonicalize(",
    "println!",
    "eprintln!",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The names of the `[dependencies]` (not dev or build) of a crate's manifest.
fn normal_dependencies(manifest: &Path) -> Vec<String> {
    let text = fs::read_to_string(manifest).unwrap();
    let mut deps = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == "[dependencies]" || line.starts_with("[target.");
            continue;
        }
        if inside && let Some((name, _)) = line.split_once('=') {
            let name = name.trim().trim_end_matches(".workspace").trim();
            if !name.is_empty() && !name.starts_with('#') {
                deps.push(name.to_string());
            }
        }
    }
    deps
}

#[test]
fn the_domain_and_the_guard_depend_on_nothing_os_side() {
    for krate in ["core", "guard"] {
        let deps = normal_dependencies(&root().join("crates").join(krate).join("Cargo.toml"));
        assert!(!deps.is_empty(), "{krate}: no dependencies read");
        for d in &deps {
            assert!(
                !OS_CRATES.contains(&d.as_str()),
                "crates/{krate} depends on {d}, which reaches the OS or the terminal"
            );
        }
    }
}

#[test]
fn the_domain_and_the_guard_name_no_os_api() {
    for krate in ["core", "guard"] {
        let mut files = Vec::new();
        rust_files(&root().join("crates").join(krate).join("src"), &mut files);
        assert!(files.len() > 3, "{krate}: sources not found");
        for f in files {
            let text = fs::read_to_string(&f).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for api in OS_APIS {
                    assert!(
                        !code.contains(api),
                        "{}:{}: names {api}: the domain never touches the OS\n{line}",
                        f.display(),
                        n + 1
                    );
                }
            }
        }
    }
}

#[test]
fn the_tui_never_imports_the_command_line() {
    let mut files = Vec::new();
    rust_files(&root().join("src").join("tui"), &mut files);
    assert!(!files.is_empty());
    for f in files {
        let text = fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            for bad in ["crate::cli", "clap::", "super::cli", "lockstep::cli"] {
                assert!(
                    !line.contains(bad),
                    "{}:{}: the TUI names {bad}; it calls the application layer (`crate::app`)",
                    f.display(),
                    n + 1
                );
            }
        }
    }
}

/// `cargo tree ARGS` on the workspace, offline and by the lock file: its output.
fn cargo_tree(args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .current_dir(root())
        .args(["tree", "--offline", "--locked", "--prefix", "none"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn schema_generation_stays_out_of_the_shipped_binary() {
    // What `cargo build --release` links: the binary's normal dependencies, features as a
    // release build resolves them (dev-dependencies enable the `schema` feature for the tests).
    let tree = cargo_tree(&["-p", "lockstep", "-e", "normal", "--format", "{p}"]);
    assert!(tree.contains("lockstep-core"), "{tree}");
    assert!(
        !tree.contains("schemars"),
        "schemars ships in the binary:\n{tree}"
    );
}

#[test]
fn one_version_of_each_crate_reaches_the_binary() {
    let dups = cargo_tree(&["-d", "-e", "normal"]);
    assert!(dups.trim().is_empty(), "two versions of a crate:\n{dups}");
}
