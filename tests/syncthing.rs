//! Two real Syncthing instances on 127.0.0.1 (no discovery, relays or NAT) share a data
//! directory, a change on each side while they are paused makes a real conflict copy, and
//! lockstep on each machine merges it and sets it aside: `scripts/syncthing-conflict.py` does
//! the work and checks every step; this runs it against the binary under test.

mod common;

use std::process::Command;

#[test]
fn a_real_syncthing_conflict_is_merged_on_both_machines() {
    if common::tool("syncthing", "syncthing").is_none() {
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/syncthing-conflict.py");
    let o = Command::new("python3")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_lockstep"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        out.contains("Syncthing made: history.sync-conflict-"),
        "{out}"
    );
    assert!(out.contains("ok: both machines hold both changes"), "{out}");
}
