//! Where the operating system may be named: the domain crate and the guard name no OS API at all;
//! everything Unix-only sits in `crates/store/src/sys.rs` or `crates/os/src/sys.rs`, behind
//! `cfg(unix)` with a compile error that says what a port must provide. Only Linux can be built
//! on these machines, so this reads the sources: it keeps the boundary where ARCHITECTURE.md says.

use std::fs;
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The `.rs` files under `dir`, recursively, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A test-only file (`tests.rs`, `*_tests.rs`: included with `#[cfg(test)] mod ...;`).
fn is_test_file(p: &Path) -> bool {
    let name = p.file_name().unwrap().to_str().unwrap();
    name == "tests.rs" || name.ends_with("_tests.rs")
}

/// The product code of a source file: everything before its test module (`#[cfg(test)]` or
/// `#[cfg(all(test, unix))]` followed by `mod NAME {`, which by this project's layout closes a
/// file). Comments are dropped, so a doc comment may still name what it talks about.
fn product_code(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim_start();
        let next = lines.get(i + 1).map_or("", |n| n.trim_start());
        let test_attr = t.starts_with("#[cfg(test)]") || t.starts_with("#[cfg(all(test");
        if test_attr && next.starts_with("mod ") && next.ends_with('{') {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// Every `(file, line)` of product code under `dirs` that contains one of `needles`.
fn findings(dirs: &[&str], needles: &[&str], except: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for d in dirs {
        for f in rust_files(&Path::new(ROOT).join(d)) {
            let rel = f.strip_prefix(ROOT).unwrap().to_str().unwrap().to_string();
            if is_test_file(&f)
                || except
                    .iter()
                    .any(|e| rel == *e || (e.ends_with('/') && rel.starts_with(e)))
            {
                continue;
            }
            let code = product_code(&fs::read_to_string(&f).unwrap());
            for l in code.lines() {
                for needle in needles {
                    if l.contains(needle) {
                        found.push(format!("{rel}: `{needle}` in: {}", l.trim()));
                    }
                }
            }
        }
    }
    found
}

/// What the pure crates must never name: files, processes, the environment, the network, threads,
/// the clock, the terminal, signals, and anything chosen per platform.
const OS_APIS: &[&str] = &[
    "std::os",
    "std::fs",
    "std::process",
    "std::env",
    "std::net",
    "std::thread",
    "std::io::std",
    "SystemTime",
    "Instant::now",
    "Utc::now",
    "Local::now",
    "libc",
    "signal_hook",
    "directories",
    "cfg(unix)",
    "cfg(windows)",
    "target_os",
    "println!",
    "eprintln!",
];

#[test]
fn the_domain_and_the_guard_name_no_os_api() {
    let found = findings(&["crates/core/src", "crates/guard/src"], OS_APIS, &[]);
    assert!(
        found.is_empty(),
        "OS APIs in pure crates:\n{}",
        found.join("\n")
    );
    // Nor do they depend on a crate that is one.
    for c in ["crates/core/Cargo.toml", "crates/guard/Cargo.toml"] {
        let toml = fs::read_to_string(Path::new(ROOT).join(c)).unwrap();
        let deps = toml.split("[dev-dependencies]").next().unwrap();
        for os_crate in ["libc", "signal-hook", "directories", "nix", "windows"] {
            assert!(
                !deps.lines().any(|l| l.starts_with(os_crate)),
                "{c} depends on {os_crate}"
            );
        }
    }
}

#[test]
fn the_checker_sees_what_it_looks_for() {
    // The scan itself: product code before the test module, comments dropped.
    let text = "//! uses std::fs in prose\nuse std::fs;\n#[cfg(test)]\nmod tests {\n    use std::env;\n}\n";
    let code = product_code(text);
    assert_eq!(code, "use std::fs;\n");
    assert!(is_test_file(Path::new("a/b/schedule_tests.rs")));
    assert!(!is_test_file(Path::new("a/b/schedule.rs")));
    // A known OS call in the store is found when it is not excepted.
    assert!(!findings(&["crates/store/src"], &["libc::"], &[]).is_empty());
}

#[test]
fn unix_calls_live_only_behind_the_sys_modules() {
    let unix = ["std::os::unix", "libc::", "signal_hook", "CommandExt"];
    // The sys modules, and the D-Bus client, which speaks over unix sockets by nature (a port
    // provides another notifier instead; see README's Platforms).
    let sys = [
        "crates/store/src/sys.rs",
        "crates/os/src/sys.rs",
        "crates/os/src/dbus/",
    ];
    let found = findings(&["src", "crates/store/src", "crates/os/src"], &unix, &sys);
    assert!(
        found.is_empty(),
        "Unix-only calls outside the sys modules:\n{}",
        found.join("\n")
    );
    for f in sys.iter().filter(|f| !f.ends_with('/')) {
        let text = fs::read_to_string(Path::new(ROOT).join(f)).unwrap();
        assert!(
            text.contains("#[cfg(not(unix))]\ncompile_error!(\n    \"lockstep-"),
            "{f} must stop other targets with a compile error"
        );
        assert!(text.contains("A port must provide"), "{f}");
        // Everything that names Unix is inside the `cfg(unix)` module.
        let (before, unix_mod) = text.split_once("#[cfg(unix)]\nmod unix {").expect(f);
        assert!(
            !before.contains("libc::") && !before.contains("std::os::unix"),
            "{f}"
        );
        assert!(unix_mod.contains("std::os::unix"), "{f}");
    }
    // The libraries' Unix dependencies are Unix-only.
    for c in ["crates/store/Cargo.toml", "crates/os/Cargo.toml"] {
        let toml = fs::read_to_string(Path::new(ROOT).join(c)).unwrap();
        let (common, unix_deps) = toml
            .split_once("[target.'cfg(unix)'.dependencies]")
            .expect(c);
        assert!(!common.contains("libc"), "{c}");
        assert!(unix_deps.contains("libc"), "{c}");
    }
}

#[test]
fn unit_tests_that_use_unix_apis_are_unix_only() {
    // A test module that makes symlinks, FIFOs or modes is compiled on Unix only, so a port's
    // `cargo test` fails on what the port lacks, not on the tests' own imports.
    for d in ["src", "crates/store/src", "crates/os/src"] {
        for f in rust_files(&Path::new(ROOT).join(d)) {
            let text = fs::read_to_string(&f).unwrap();
            let Some(at) = text.find("\nmod tests {") else {
                continue;
            };
            let tests = &text[at..];
            let uses_unix = ["std::os::unix", "libc::"]
                .iter()
                .any(|n| tests.contains(n));
            let attr = text[..at].lines().last().unwrap_or("");
            if uses_unix {
                assert_eq!(attr, "#[cfg(all(test, unix))]", "{}", f.display());
            }
        }
    }
}

#[test]
fn every_dependency_comes_from_the_registry_or_the_workspace() {
    // cargo-deny's `sources` check refuses other registries and git; a path dependency has no
    // source in Cargo.lock, so this checks that each one is a workspace crate.
    let lock = fs::read_to_string(Path::new(ROOT).join("Cargo.lock")).unwrap();
    let members = [
        "lockstep",
        "lockstep-core",
        "lockstep-guard",
        "lockstep-os",
        "lockstep-store",
    ];
    let mut packages = 0;
    for block in lock.split("[[package]]").skip(1) {
        packages += 1;
        let field = |k: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{k} = \"")))
                .map(|v| v.trim_end_matches('"').to_string())
        };
        let name = field("name").unwrap();
        match field("source") {
            None => assert!(
                members.contains(&name.as_str()),
                "{name}: a path outside the workspace"
            ),
            Some(s) => assert_eq!(
                s, "registry+https://github.com/rust-lang/crates.io-index",
                "{name} comes from elsewhere"
            ),
        }
    }
    assert!(packages > members.len(), "Cargo.lock was not read");
}
