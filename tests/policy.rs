//! One policy, one answer: a review whose section was renamed (`aliases`) and whose state holds
//! both ids is due on the same date in `due`, `due --json` and `status --json`.

use std::fs;
use std::path::Path;
use std::process::Command;

fn lockstep(data: &Path, home: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_lockstep"))
        .env_clear()
        .env("HOME", home)
        .env("TZ", "UTC")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap()
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_renamed_review_holding_both_ids_is_due_on_one_date_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let (home, data) = (tmp.path(), tmp.path().join("data"));
    // A checklist that renamed `monthly` to `monthly-v2`.
    let bundled = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists/crypto-com.json"),
    )
    .unwrap();
    let renamed = bundled.replacen(
        r#""id": "monthly","#,
        r#""id": "monthly-v2", "aliases": ["monthly"],"#,
        1,
    );
    assert_ne!(renamed, bundled);
    let file = tmp.path().join("renamed.json");
    fs::write(&file, renamed).unwrap();
    let f = file.to_str().unwrap();
    assert!(
        lockstep(
            &data,
            home,
            &["--checklist-file", f, "review", "monthly-v2"]
        )
        .status
        .success()
    );
    // The state holds both ids: `monthly` with the completion, `monthly-v2` never done (as an
    // older lockstep, a hand edit or a merge can leave it).
    let state_file = data.join("state.json");
    let mut state: serde_json::Value =
        serde_json::from_slice(&fs::read(&state_file).unwrap()).unwrap();
    // Setup long ago: a review never done is long overdue.
    state["accounts"]["default"]["setup_started"] = "2025-01-01".into();
    let reviews = &mut state["accounts"]["default"]["reviews"];
    let done = reviews["monthly-v2"].clone();
    let done_on = done["completions"][0]["date"].as_str().unwrap().to_string();
    reviews["monthly"] = done;
    reviews["monthly-v2"] = serde_json::json!({"completions": [], "in_progress": {}});
    fs::write(&state_file, serde_json::to_vec_pretty(&state).unwrap()).unwrap();
    let next = chrono::NaiveDate::parse_from_str(&done_on, "%Y-%m-%d")
        .unwrap()
        .checked_add_months(chrono::Months::new(1))
        .unwrap()
        .to_string();

    // `due` (text): nothing due, and with --soon no overdue line either.
    let text = lockstep(&data, home, &["due", "--soon"]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(!text.contains("Monthly review"), "{text}");
    // (The quarterly review was never done since 2025: it is overdue, and said so.)
    assert!(text.contains("Quarterly review: overdue"), "{text}");
    // `due --json`: the monthly review is not listed as due (only soon ones are listed).
    let due = json(&lockstep(&data, home, &["due", "--json"]));
    for item in due.as_array().unwrap() {
        let r = &item["review"];
        if r["section"] == "monthly-v2" {
            assert_eq!(r["due"]["next"], next.as_str(), "{item}");
        }
    }
    // `status --json`: next due one month after the completion under the former id.
    let status = json(&lockstep(&data, home, &["status", "--json"]));
    let text = status.to_string();
    let reviews = status
        .pointer("/reviews")
        .or_else(|| status.pointer("/accounts/0/reviews"))
        .unwrap_or_else(|| panic!("no reviews in {text}"));
    let monthly = reviews
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["section"] == "monthly-v2")
        .unwrap_or_else(|| panic!("no monthly-v2 in {text}"));
    assert_eq!(monthly["due"]["next"], next.as_str(), "{monthly}");
    assert_eq!(monthly["last"], done_on.as_str(), "{monthly}");
}

/// A fresh data directory whose account started setup on 2025-01-01 (every review overdue).
fn overdue_setup(tmp: &Path) -> std::path::PathBuf {
    let data = tmp.join("data");
    assert!(
        lockstep(&data, tmp, &["check", "totp-2fa"])
            .status
            .success()
    );
    let file = data.join("state.json");
    let mut state: serde_json::Value = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
    state["accounts"]["default"]["setup_started"] = "2025-01-01".into();
    fs::write(&file, serde_json::to_vec_pretty(&state).unwrap()).unwrap();
    data
}

#[test]
fn a_snoozed_overdue_review_is_named_not_hidden() {
    let tmp = tempfile::tempdir().unwrap();
    let data = overdue_setup(tmp.path());
    for section in ["monthly", "quarterly"] {
        let o = lockstep(&data, tmp.path(), &["snooze", section, "--days", "3"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let o = lockstep(&data, tmp.path(), &["due", "--exit-code"]);
    assert_eq!(o.status.code(), Some(0), "nothing reminds");
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.starts_with("lockstep: nothing due ("), "{text}");
    assert!(text.contains("monthly review snoozed until"), "{text}");
    assert!(text.contains("quarterly review snoozed until"), "{text}");
    // --json keeps them, marked snoozed.
    let due = json(&lockstep(&data, tmp.path(), &["due", "--json"]));
    let snoozed: Vec<&serde_json::Value> = due
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["review"]["snoozed"] == true)
        .collect();
    assert_eq!(snoozed.len(), 2, "{due}");
    // -q says nothing at all.
    let o = lockstep(&data, tmp.path(), &["due", "-q"]);
    assert!(o.stdout.is_empty());
}

#[test]
fn snooze_for_zero_days_is_refused_with_a_message() {
    let tmp = tempfile::tempdir().unwrap();
    let data = overdue_setup(tmp.path());
    let o = lockstep(&data, tmp.path(), &["snooze", "monthly", "--days", "0"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("'0'") && err.contains("--days"), "{err}");
    let state = fs::read_to_string(data.join("state.json")).unwrap();
    assert!(!state.contains("snoozed_until"), "nothing changed: {state}");
}

#[test]
fn an_incident_note_takes_its_ticket_before_or_after_the_words() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(
        lockstep(&data, tmp.path(), &["compromised"])
            .status
            .success()
    );
    for args in [
        &["incident", "note", "called support", "--ticket", "12345"][..],
        &[
            "incident", "note", "--ticket", "777", "spoke", "to", "an", "agent",
        ],
        &["incident", "note", "-t", "888", "--", "-> escalated"],
    ] {
        let o = lockstep(&data, tmp.path(), args);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let state: serde_json::Value =
        serde_json::from_slice(&fs::read(data.join("state.json")).unwrap()).unwrap();
    let log = state["accounts"]["default"]["incidents"][0]["log"]
        .as_array()
        .unwrap()
        .clone();
    let notes: Vec<(String, String)> = log
        .iter()
        .filter(|e| e["text"].is_string())
        .map(|e| {
            (
                e["text"].as_str().unwrap().to_string(),
                e["ticket"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let want = [
        ("called support", "12345"),
        ("spoke to an agent", "777"),
        ("-> escalated", "888"),
    ];
    for (text, ticket) in want {
        assert!(
            notes.iter().any(|(t, k)| t == text && k == ticket),
            "{text} / {ticket} in {notes:?}"
        );
    }
}
