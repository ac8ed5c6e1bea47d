//! The worst day from the command line (assert_cmd): the emergency card, `!` in the plain
//! walkthrough, `na` refused on a step that applies to everyone (or is not one that may not
//! apply), several accounts with none named, and closing an incident with steps left open.

mod common;

use common::cli::{Env, env};
use predicates::prelude::*;

#[test]
fn the_card_is_one_page_of_plain_text_with_the_lock_first_and_no_notes() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.cmd(&["note", "totp-2fa", "Aegis on the old phone"])
        .assert()
        .success();
    e.cmd(&["accounts", "label", "default", "Main savings"])
        .assert()
        .success();
    let card = e.stdout(&["card"]);
    let lines: Vec<&str> = card.lines().collect();
    assert!(lines.len() <= 60, "one page: {} lines\n{card}", lines.len());
    assert!(lines.iter().all(|l| l.chars().count() <= 76), "{card}");
    assert!(!card.contains('\x1b'), "plain text: {card:?}");
    assert!(
        lines[0].starts_with("EMERGENCY CARD: Crypto.com account hardening"),
        "{card}"
    );
    assert!(card.contains("Account: Main savings."), "{card}");
    assert!(card.contains("Checklist: bundled (lockstep"), "{card}");
    // What to do first, then the steps in order, then the support channels the checklist names.
    let first = card.find("FIRST, before anything else:").expect(&card);
    let lock = card
        .find("Trigger the One-Button Lock immediately")
        .expect(&card);
    let support = card
        .find("2. Contact support via in-app chat")
        .expect(&card);
    let email = card
        .find("3. Secure your email before unlocking")
        .expect(&card);
    let channels = card.find("Prepare your support habits").expect(&card);
    assert!(
        first < lock && lock < support && support < email && email < channels,
        "{card}"
    );
    assert!(
        card.contains("in-app live chat (open 24/7), email and the Help Center"),
        "{card}"
    );
    // No notes, no tickets: nothing the user typed.
    assert!(!card.contains("Aegis"), "{card}");
}

#[test]
fn the_card_prints_before_any_progress_from_the_checklist_a_new_account_would_follow() {
    // The worst day may be the first: no account yet, and the card still prints, says which
    // checklist it comes from and how to choose another, and writes nothing.
    let e = env();
    let card = e.stdout(&["card"]);
    assert!(
        card.starts_with("EMERGENCY CARD: Crypto.com account hardening"),
        "{card}"
    );
    assert!(card.contains("No account is tracked here yet."), "{card}");
    assert!(card.contains("--checklist ID picks another"), "{card}");
    assert!(
        card.contains("Trigger the One-Button Lock immediately"),
        "{card}"
    );
    let named = e.stdout(&["--checklist", "generic-exchange", "card"]);
    assert!(
        named.starts_with("EMERGENCY CARD: Exchange account hardening"),
        "{named}"
    );
    assert!(named.contains("the one you named"), "{named}");
    e.cmd(&["--checklist", "no-such-list", "card"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("'no-such-list' is not installed"));
    assert!(!e.data.exists(), "a card writes nothing");
}

#[test]
fn na_is_refused_on_a_step_that_applies_to_everyone_and_says_why() {
    let e = env();
    e.cmd(&["na", "totp-2fa"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "'Turn on authenticator-app 2FA' applies to everyone, so it cannot be marked not applicable",
        ))
        .stderr(predicate::str::contains("such as API keys or sub-accounts"));
    e.cmd(&["na", "api-read-only"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "not applicable: Restrict API keys",
        ));
    let s = e.state();
    let steps = &s["accounts"]["default"]["steps"];
    assert!(steps.get("totp-2fa").is_none(), "{s}");
    assert_eq!(steps["api-read-only"]["status"]["state"], "not_applicable");
}

#[test]
fn bang_in_the_plain_walkthrough_shows_the_emergency_steps_and_starts_only_on_yes() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    // ! then Enter: the steps, nothing recorded, back to the walkthrough.
    let out = e.stdout_with(&["walk", "essentials"], "!\n\nq\n");
    assert!(out.contains("FIRST, before anything else:"), "{out}");
    assert!(
        out.contains("Nothing recorded. Back to the walkthrough."),
        "{out}"
    );
    assert!(
        e.state()["accounts"]["default"]["incidents"]
            .as_array()
            .is_none_or(|a| a.is_empty())
    );
    // ! then y: the incident is open, the walkthrough ends (securing comes first).
    let out = e.stdout_with(&["walk", "essentials"], "!\ny\n");
    assert!(out.contains("Incident #1 opened"), "{out}");
    assert!(out.contains("Do these now, in order"), "{out}");
    assert_eq!(e.state()["accounts"]["default"]["incidents"][0]["id"], 1);
    // Once open, the walkthrough says so at the top, and ! shows where its steps stand.
    e.cmd(&["incident", "done", "c-lock"]).assert().success();
    let out = e.stdout_with(&["walk", "essentials"], "!\n");
    assert!(out.contains("!! Incident #1 is open (since "), "{out}");
    assert!(out.contains("1 of 3 emergency steps done"), "{out}");
    assert!(out.contains("Incident #1, where it stands:"), "{out}");
    assert!(
        out.contains("  [x] Hit the One-Button Lock now (done "),
        "{out}"
    );
    assert!(
        out.contains("  [ ] Contact support via in-app chat"),
        "{out}"
    );
}

/// What only these tests ask of the shared sandbox.
impl Env {
    fn stdout_with(&self, args: &[&str], stdin: &str) -> String {
        let out = self
            .cmd(args)
            .write_stdin(stdin)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).unwrap();
        assert!(!out.contains('\x1b'), "plain text: {out:?}");
        out
    }

    fn incidents(&self, account: &str) -> usize {
        self.state()["accounts"][account]["incidents"]
            .as_array()
            .map_or(0, Vec::len)
    }
}

#[test]
fn na_on_a_persona_step_gives_the_true_reason() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    // A holder-only step, for an account without the holder persona.
    e.cmd(&["na", "t-cold-storage"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("applies to everyone").not())
        .stderr(predicate::str::contains(
            "'Move long-term holdings to cold storage' cannot be marked not applicable: the \
             checklist does not list it among the steps that may not apply",
        ))
        .stderr(predicate::str::contains(
            "It is a step for holder only, and this account's personas do not include it (none \
             is chosen): the step is not shown for this account and does not count",
        ));
    e.cmd(&["personas", "holder"]).assert().success();
    e.cmd(&["na", "t-cold-storage"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "It is a step for holder, one of this account's personas, so it counts as open",
        ));
}

/// Three accounts: `main` and `mom` follow the default checklist, `gen` another one.
fn three_accounts() -> Env {
    let e = env();
    e.cmd(&["--account", "main", "check", "totp-2fa"])
        .assert()
        .success();
    for (name, list) in [("mom", "crypto-com"), ("gen", "generic-exchange")] {
        e.cmd(&["--account", name, "--checklist", list, "check", "totp-2fa"])
            .assert()
            .success();
    }
    e
}

#[test]
fn with_several_accounts_and_none_named_the_card_still_prints() {
    let e = env();
    e.cmd(&["--account", "main", "check", "totp-2fa"])
        .assert()
        .success();
    e.cmd(&[
        "--account",
        "mom",
        "--checklist",
        "crypto-com",
        "note",
        "totp-2fa",
        "x",
    ])
    .assert()
    .success();
    // One checklist: one card naming both accounts.
    let card = e.stdout(&["card"]);
    assert_eq!(card.matches("EMERGENCY CARD:").count(), 1, "{card}");
    assert!(
        card.contains("Accounts: main, mom (all follow this checklist)."),
        "{card}"
    );
    assert!(card.contains("FIRST, before anything else:"), "{card}");
    // Two checklists: one card each, naming its accounts.
    e.cmd(&[
        "--account",
        "gen",
        "--checklist",
        "generic-exchange",
        "check",
        "totp-2fa",
    ])
    .assert()
    .success();
    let cards = e.stdout(&["card"]);
    assert_eq!(cards.matches("EMERGENCY CARD:").count(), 2, "{cards}");
    assert!(cards.contains("Account: gen."), "{cards}");
    assert!(cards.contains("Accounts: main, mom (all"), "{cards}");
    // Naming one still prints that one only.
    let one = e.stdout(&["--account", "gen", "card"]);
    assert_eq!(one.matches("EMERGENCY CARD:").count(), 1, "{one}");
}

#[test]
fn compromised_with_several_accounts_prints_the_steps_then_refuses() {
    let e = three_accounts();
    let out = e
        .cmd(&["compromised"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "3 accounts are tracked and none was named, so no incident was opened",
        ))
        .stderr(predicate::str::contains(
            "`lockstep --account NAME compromised`, NAME one of: gen, main, mom",
        ))
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("Emergency steps for gen (checklist: "),
        "{out}"
    );
    assert!(
        out.contains("Emergency steps for main, mom (checklist: "),
        "{out}"
    );
    assert!(out.contains("  1. [ ] Lock the account now"), "{out}");
    for a in ["main", "mom", "gen"] {
        assert_eq!(e.incidents(a), 0, "nothing recorded for {a}");
    }
    e.cmd(&["--account", "mom", "compromised"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Incident #1 opened"));
    assert_eq!(e.incidents("mom"), 1);
}

#[test]
fn opening_says_which_setup_steps_are_reopened_and_closing_names_the_open_steps() {
    let e = env();
    e.cmd(&["check", "totp-2fa"]).assert().success();
    e.cmd(&["compromised"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "The 1 setup step that was done is reopened for re-verification.",
        ))
        .stdout(predicate::str::contains("Every setup step").not());
    let history = e.stdout(&["history"]);
    assert!(
        history.contains("Incident #1: 1 setup step reopened for re-verification"),
        "{history}"
    );
    e.cmd(&["incident", "done", "c-lock"]).assert().success();
    let out = e
        .cmd(&["incident", "close", "support", "restored", "access"])
        .assert()
        .success()
        .stdout(predicate::str::contains("incident #1 closed"))
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.starts_with("lockstep: warning: incident #1 was closed with "),
        "{err}"
    );
    assert!(err.contains("emergency steps never marked done: "), "{err}");
    assert!(
        !err.contains("(c-lock)"),
        "the step done is not named: {err}"
    );
    // A second incident on an account whose steps are all to re-verify or not done.
    let e = env();
    e.cmd(&["compromised"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "No setup step was done yet, so none needs re-verifying.",
        ));
}
