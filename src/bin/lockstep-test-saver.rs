//! Test helper (built only with the `test-hooks` feature, which the tests enable): saves in a
//! loop as fast as it can, printing "saved N" only after each save returned, so the reliability
//! tests can SIGKILL it at random moments and check that no reported save is lost.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use lockstep::checklist::{BUNDLED, parse};
use lockstep::state::Account;
use lockstep::store::{Paths, Store};

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: lockstep-test-saver DIR"),
    );
    let paths = Paths {
        data_dir: dir,
        config_dir: None,
    };
    let cl = parse("crypto-com.json", BUNDLED[0].1).expect("bundled checklist");
    let (mut store, loaded) = Store::open(&paths, Duration::from_secs(10)).expect("open");
    let mut state = loaded.state;
    let now = chrono::Utc::now();
    let acct = state
        .accounts
        .entry("default".into())
        .or_insert_with(|| Account::new("crypto-com", now));
    // Continue the numbering of the previous (killed) run.
    let mut n: usize = acct
        .note("totp-2fa")
        .and_then(|t| t.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0);
    let mut out = std::io::stdout();
    loop {
        n += 1;
        let acct = state.accounts.get_mut("default").expect("created");
        let text = format!("save {n} {}", "x".repeat(n % 200));
        acct.set_note(&cl, "totp-2fa", &text, chrono::Utc::now())
            .expect("note");
        store.save(&mut state).expect("save");
        writeln!(out, "saved {n}").expect("stdout");
        out.flush().expect("stdout");
    }
}
