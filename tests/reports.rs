//! Integration tests of `lockstep::export`, the reports: Markdown and JSON progress, the incident
//! report, control-character neutralisation (the calendar is in `tests/export.rs`).

mod common;

use common::{EVIL, at, bundled, d};
use lockstep::checklist::{Checklist, Origin};
use lockstep::export;
use lockstep::state::Account;

fn progress_account(cl: &Checklist) -> Account {
    let mut a = Account::new("crypto-com", at(2026, 10, 1, 8, 0));
    a.set_personas(vec!["holder".into()], at(2026, 10, 1, 8, 1));
    a.check(cl, "totp-2fa", at(2026, 10, 1, 9, 0)).unwrap();
    a.check(cl, "anti-phishing-code", at(2026, 10, 1, 9, 5))
        .unwrap();
    a.skip(
        cl,
        "withdrawal-whitelist",
        "I only buy and hold",
        at(2026, 10, 1, 9, 10),
    )
    .unwrap();
    a.not_applicable(cl, "api-read-only", at(2026, 10, 1, 9, 15))
        .unwrap();
    a.set_note(
        cl,
        "totp-2fa",
        "Aegis on the old phone\nbackup in the safe",
        at(2026, 10, 1, 9, 20),
    )
    .unwrap();
    a.complete_review(cl, "monthly", at(2026, 10, 20, 18, 0), d(2026, 10, 20))
        .unwrap();
    a
}

#[test]
fn markdown_progress_report() {
    let cl = bundled();
    let a = progress_account(&cl);
    let md = export::markdown(&cl, &Origin::Bundled, "main", &a, d(2026, 11, 25));
    assert!(
        md.starts_with("# lockstep progress: Crypto.com account hardening\n"),
        "{md}"
    );
    assert!(md.contains("- Account: main\n"));
    assert!(md.contains("- Checklist: Crypto.com account hardening (`crypto-com`, updated "));
    assert!(md.contains("- Personas: Long-term holding\n"), "{md}");
    // Score: essentials done weight 17 (2FA 10 + anti-phishing 7) of 53 x 50 = 16.0, advanced
    // (without the not-applicable API keys) and risks nothing done: 16,
    // minus 5 for the monthly review overdue by 5 days (quarterly never done is due now, no
    // penalty). Cross-checked with the score module.
    let sc = lockstep::score::score(&cl, &a, d(2026, 11, 25));
    assert_eq!((sc.base, sc.value), (16, Some(11)));
    assert!(
        md.contains("- Score: 11/100 (setup 16/100, -5 for 1 overdue review)\n"),
        "{md}"
    );
    assert!(md.contains("## 5-Minute Essentials (2/7 done)\n"), "{md}");
    // A note: a block quote after a blank line, its line break kept (a hard break).
    assert!(
        md.contains(
            "- [x] Turn on authenticator-app 2FA\n\n  > Aegis on the old phone\\\n  > backup in the safe\n\n"
        ),
        "{md}"
    );
    assert!(md.contains("- [x] Set an anti-phishing code\n"));
    assert!(md.contains("- [ ] Enable the 24-hour withdrawal lock\n"));
    // `[-]` is no task-list marker: escaped, it stays text.
    assert!(md.contains(
        "- \\[-\\] Whitelist your withdrawal addresses (skipped: I only buy and hold)\n"
    ));
    assert!(
        md.contains("- ~~Restrict API keys (bots, tax or portfolio apps)~~ (not applicable)\n"),
        "{md}"
    );
    // Persona filtering: holder steps shown, trader-only steps not.
    assert!(md.contains("- [ ] Move long-term holdings to cold storage\n"));
    assert!(
        md.contains("Segment funds with sub-accounts"),
        "a step for everyone"
    );
    assert!(!md.contains("Keep derivatives positions small"));
    // Reviews.
    assert!(md.contains(
        "### Monthly review (every month)\n\n- Last done: 2026-10-20\n- State: overdue by 5 days\n- Next due: 2026-11-20\n"
    ), "{md}");
    // Never done: first due one interval after setup started (2026-10-01).
    assert!(md.contains("### Quarterly review (every 3 months)\n\n- Last done: never\n- State: next 2027-01-01\n- Next due: 2027-01-01\n"), "{md}");
}

#[test]
fn markdown_shows_scheduled_review_and_penalty_free_score() {
    let cl = bundled();
    let a = progress_account(&cl);
    let md = export::markdown(&cl, &Origin::Bundled, "main", &a, d(2026, 11, 1));
    assert!(
        md.contains("- State: next 2026-11-20\n- Next due: 2026-11-20\n"),
        "{md}"
    );
    assert!(
        md.contains("- Score: 16/100\n"),
        "no overdue review, no penalty: {md}"
    );
}

#[test]
fn markdown_reverify_and_open_incident_instead_of_score() {
    let cl = bundled();
    let mut a = progress_account(&cl);
    a.open_compromise(&cl, at(2026, 11, 25, 9, 14)).unwrap();
    let md = export::markdown(&cl, &Origin::Bundled, "main", &a, d(2026, 11, 25));
    assert!(
        md.contains("- Score: none, open incident #1 since 2026-11-25T09:14:00Z"),
        "{md}"
    );
    assert!(!md.contains("/100"), "no score while an incident is open");
    assert!(
        md.contains("- \\[?\\] Turn on authenticator-app 2FA (re-verify)\n"),
        "{md}"
    );
    assert!(md.contains("- \\[?\\] Set an anti-phishing code (re-verify)\n"));
    assert!(
        md.contains("(skipped: I only buy and hold)"),
        "skips stay skipped"
    );
}

#[test]
fn control_and_bidi_characters_are_neutralised_in_markdown() {
    let cl = bundled();
    let mut a = progress_account(&cl);
    a.set_note(&cl, "withdrawal-lock", EVIL, at(2026, 10, 2, 0, 0))
        .unwrap();
    a.skip(
        &cl,
        "verify-messages",
        "later\u{202E}gnp",
        at(2026, 10, 2, 0, 0),
    )
    .unwrap();
    let md = export::markdown(&cl, &Origin::Bundled, "m\x1bain", &a, d(2026, 11, 25));
    assert!(
        !md.chars().any(|c| lockstep::guard::is_dangerous(c, true)),
        "{md:?}"
    );
    // Made visible as `\u{..}`, then escaped for Markdown (which then shows `\u{..}`).
    assert!(
        md.contains(r"  > red \\u\{1b\}\[31mALERT\\u\{202e\}txt.exe"),
        "{md}"
    );
    assert!(md.contains(r"(skipped: later\\u\{202e\}gnp)"));
    assert!(md.contains("- Account: m\\\\u\\{1b\\}ain\n"));
}

#[test]
fn json_progress_report() {
    let cl = bundled();
    let mut a = progress_account(&cl);
    let today = d(2026, 11, 25);
    let j = export::json(&cl, &Origin::Bundled, "main", &a, today);
    assert_eq!(j["account"], "main");
    assert_eq!(j["checklist"], "crypto-com");
    assert_eq!(j["personas"], serde_json::json!(["holder"]));
    let sc = lockstep::score::score(&cl, &a, today);
    assert_eq!(j["score"], serde_json::to_value(&sc).unwrap());
    assert_eq!(j["score"]["value"], serde_json::json!(sc.value.unwrap()));
    assert!(j["open_incident"].is_null());
    // The on-demand re-check is listed too (it has no schedule, so it is not in "reviews").
    assert_eq!(
        j["on_demand"],
        serde_json::json!([{
            "section": "after-integration",
            "title": "After each promo or integration",
            "last": null,
            "progress": [0, 2],
        }])
    );
    let sections = j["sections"].as_array().unwrap();
    assert_eq!(sections.len(), cl.sections.len());
    let ess = &sections[0];
    assert_eq!(
        (ess["id"].as_str(), ess["kind"].as_str()),
        (Some("essentials"), Some("setup"))
    );
    let step = |id: &str| {
        sections
            .iter()
            .flat_map(|s| s["steps"].as_array().unwrap())
            .find(|t| t["id"] == id)
            .cloned()
    };
    let totp = step("totp-2fa").unwrap();
    assert_eq!(totp["status"], "done");
    assert_eq!(totp["at"], "2026-10-01T09:00:00Z");
    assert_eq!(totp["note"], "Aegis on the old phone\nbackup in the safe");
    let skipped = step("withdrawal-whitelist").unwrap();
    assert_eq!(skipped["status"], "skipped");
    assert_eq!(skipped["reason"], "I only buy and hold");
    assert_eq!(step("api-read-only").unwrap()["status"], "not_applicable");
    let todo = step("withdrawal-lock").unwrap();
    assert_eq!(todo["status"], "todo");
    assert!(todo.get("at").is_none() && todo.get("reason").is_none() && todo.get("note").is_none());
    assert!(
        step("t-small-derivatives").is_none(),
        "trader-only step left out"
    );
    assert!(step("t-cold-storage").is_some());
    let reviews = j["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 2);
    assert_eq!(reviews[0]["section"], "monthly");
    assert_eq!(reviews[0]["last"], "2026-10-20");
    assert_eq!(reviews[0]["due"]["state"], "overdue");
    assert_eq!(reviews[0]["due"]["days"], 5);

    a.open_compromise(&cl, at(2026, 11, 25, 9, 14)).unwrap();
    a.toggle_emergency_step(&cl, "c-lock", at(2026, 11, 25, 9, 15))
        .unwrap();
    let j = export::json(&cl, &Origin::Bundled, "main", &a, today);
    assert_eq!(j["open_incident"], 1);
    assert!(j["score"]["value"].is_null());
    let totp = j["sections"][0]["steps"][0].clone();
    assert_eq!(
        (totp["status"].as_str(), totp["incident"].as_u64()),
        (Some("reverify"), Some(1))
    );
    let em = j["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "emergency")
        .unwrap();
    assert_eq!(em["steps"][0]["status"], "done");
    assert_eq!(em["steps"][0]["at"], "2026-11-25T09:15:00Z");
    assert_eq!(em["steps"][1]["status"], "todo");
}

// ----- incident report ---------------------------------------------------------------------------

#[test]
fn incident_report_timeline() {
    let cl = bundled();
    let mut a = progress_account(&cl);
    let opened = at(2026, 11, 25, 9, 14);
    assert_eq!(a.open_compromise(&cl, opened).unwrap(), 1);
    // Recorded out of time order on purpose: the report sorts by time.
    a.incident_note(
        "chat opened, agent Sam",
        Some("#12345"),
        at(2026, 11, 25, 9, 30),
    )
    .unwrap();
    a.toggle_emergency_step(&cl, "c-lock", at(2026, 11, 25, 9, 16))
        .unwrap();
    a.toggle_emergency_step(&cl, "c-email", at(2026, 11, 25, 9, 26))
        .unwrap();
    a.incident_note(
        "new password on the mailbox",
        None,
        at(2026, 11, 25, 10, 40),
    )
    .unwrap();
    a.close_incident("account recovered, no funds lost", at(2026, 11, 25, 11, 19))
        .unwrap();

    let report = export::incident_report(
        &cl,
        &Origin::Bundled,
        "Ana's CDC",
        &a,
        &[],
        None,
        at(2026, 11, 26, 0, 0),
    )
    .unwrap();
    assert!(report.starts_with("# Incident #1\n"), "{report}");
    assert!(
        report.contains("\n- Account: Ana's CDC\n- Service: Crypto.com ("),
        "{report}"
    );
    assert!(report.contains("- Opened: 2026-11-25T09:14:00Z\n"));
    assert!(
        report.contains(
            "- Status: closed at 2026-11-25T11:19:00Z: account recovered, no funds lost\n"
        )
    );
    assert!(
        report.contains("- Elapsed: 2h 5m\n"),
        "from opening to closure, not to now"
    );
    let timeline: Vec<&str> = report
        .split("## Timeline\n\n")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .collect();
    assert_eq!(
        timeline,
        vec![
            "- 2026-11-25T09:14:00Z (+0s) Incident opened",
            "- 2026-11-25T09:16:00Z (+2m) Done: Hit the One-Button Lock now",
            "- 2026-11-25T09:26:00Z (+12m) Done: Secure your email before unlocking",
            "- 2026-11-25T09:30:00Z (+16m) Support ticket: #12345; note: chat opened, agent Sam",
            "- 2026-11-25T10:40:00Z (+1h 26m) Note: new password on the mailbox",
            "- 2026-11-25T11:19:00Z (+2h 5m) Closed: account recovered, no funds lost",
        ]
    );
    let steps: Vec<&str> = report
        .split("## Emergency steps\n\n")
        .nth(1)
        .unwrap()
        .lines()
        .collect();
    assert_eq!(
        steps,
        vec![
            "- [x] Hit the One-Button Lock now (done 2026-11-25T09:16:00Z, +2m)",
            "- [ ] Contact support via in-app chat",
            "- [x] Secure your email before unlocking (done 2026-11-25T09:26:00Z, +12m)",
        ]
    );
    // Asking by id gives the same report.
    assert_eq!(
        export::incident_report(
            &cl,
            &Origin::Bundled,
            "Ana's CDC",
            &a,
            &[],
            Some(1),
            at(2026, 11, 26, 0, 0)
        )
        .unwrap(),
        report
    );
}

#[test]
fn incident_report_picks_open_or_latest_and_reports_errors() {
    let cl = bundled();
    let mut a = Account::new("crypto-com", at(2026, 11, 1, 0, 0));
    let err = export::incident_report(
        &cl,
        &Origin::Bundled,
        "main",
        &a,
        &[],
        None,
        at(2026, 11, 1, 0, 0),
    )
    .unwrap_err();
    assert_eq!(err, export::ReportError::NoIncidents);
    assert!(err.to_string().contains("no incidents"), "{err}");
    let err = export::incident_report(
        &cl,
        &Origin::Bundled,
        "main",
        &a,
        &[],
        Some(1),
        at(2026, 11, 1, 0, 0),
    )
    .unwrap_err();
    assert_eq!(err, export::ReportError::NoIncidents);

    a.open_compromise(&cl, at(2026, 11, 2, 8, 0)).unwrap();
    a.close_incident("false alarm", at(2026, 11, 2, 8, 45))
        .unwrap();
    a.open_compromise(&cl, at(2026, 11, 3, 8, 0)).unwrap();
    a.incident_note("", Some("T-9"), at(2026, 11, 3, 8, 1))
        .unwrap();
    let now = at(2026, 11, 4, 12, 30);
    let open = export::incident_report(&cl, &Origin::Bundled, "main", &a, &[], None, now).unwrap();
    assert!(open.starts_with("# Incident #2\n"), "{open}");
    assert!(open.contains("- Status: open\n"));
    assert!(
        open.contains("- Elapsed: 1d 4h (still open at 2026-11-04T12:30:00Z)\n"),
        "{open}"
    );
    assert!(open.contains("- 2026-11-03T08:01:00Z (+1m) Support ticket: T-9\n"));
    assert!(!open.contains("Closed:"));
    assert!(open.contains("- [ ] Hit the One-Button Lock now\n"));

    let first =
        export::incident_report(&cl, &Origin::Bundled, "main", &a, &[], Some(1), now).unwrap();
    assert!(first.starts_with("# Incident #1\n"));
    assert!(first.contains("- Elapsed: 45m\n"));
    assert!(first.contains("(+45m) Closed: false alarm\n"));

    a.close_incident("contained", at(2026, 11, 3, 9, 0))
        .unwrap();
    let latest =
        export::incident_report(&cl, &Origin::Bundled, "main", &a, &[], None, now).unwrap();
    assert!(
        latest.starts_with("# Incident #2\n"),
        "most recent when none is open"
    );

    let err =
        export::incident_report(&cl, &Origin::Bundled, "main", &a, &[], Some(7), now).unwrap_err();
    assert!(
        matches!(err, export::ReportError::NoSuchIncident { id: 7, .. }),
        "{err}"
    );
    let err = err.to_string();
    assert!(
        err.contains("no incident #7") && err.contains("#1, #2"),
        "{err}"
    );
}

#[test]
fn incident_report_shows_undone_steps() {
    let cl = bundled();
    let mut a = Account::new("crypto-com", at(2026, 11, 1, 0, 0));
    a.open_compromise(&cl, at(2026, 11, 2, 8, 0)).unwrap();
    // Done by mistake, undone, then done for real; another step done and undone.
    a.toggle_emergency_step(&cl, "c-lock", at(2026, 11, 2, 8, 1))
        .unwrap();
    a.toggle_emergency_step(&cl, "c-lock", at(2026, 11, 2, 8, 2))
        .unwrap();
    a.toggle_emergency_step(&cl, "c-email", at(2026, 11, 2, 8, 3))
        .unwrap();
    a.toggle_emergency_step(&cl, "c-lock", at(2026, 11, 2, 8, 4))
        .unwrap();
    a.toggle_emergency_step(&cl, "c-email", at(2026, 11, 2, 8, 5))
        .unwrap();
    let r = export::incident_report(
        &cl,
        &Origin::Bundled,
        "main",
        &a,
        &[],
        None,
        at(2026, 11, 2, 9, 0),
    )
    .unwrap();
    let timeline: Vec<&str> = r
        .split("## Timeline\n\n")
        .nth(1)
        .unwrap()
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .collect();
    assert_eq!(
        timeline,
        vec![
            "- 2026-11-02T08:00:00Z (+0s) Incident opened",
            "- 2026-11-02T08:01:00Z (+1m) Done: Hit the One-Button Lock now",
            "- 2026-11-02T08:02:00Z (+2m) Marked not done again: Hit the One-Button Lock now",
            "- 2026-11-02T08:03:00Z (+3m) Done: Secure your email before unlocking",
            "- 2026-11-02T08:04:00Z (+4m) Done: Hit the One-Button Lock now",
            "- 2026-11-02T08:05:00Z (+5m) Marked not done again: Secure your email before unlocking",
        ]
    );
    assert!(r.contains("- [x] Hit the One-Button Lock now (done 2026-11-02T08:04:00Z, +4m)\n"));
    assert!(
        r.contains("- [ ] Secure your email before unlocking\n"),
        "{r}"
    );
}

#[test]
fn json_text_escapes_bidi_and_c1_and_parses_back() {
    let cl = bundled();
    let mut a = Account::new("crypto-com", at(2026, 11, 1, 0, 0));
    let note = "evil\u{202E}txt.exe \u{2067}x\u{2069} \u{200F}\u{061C} c1:\u{9b}31m del:\u{7f}";
    a.set_note(&cl, "totp-2fa", note, at(2026, 11, 1, 1, 0))
        .unwrap();
    let text = export::json_text(&cl, &Origin::Bundled, "m\u{202E}ain", &a, d(2026, 11, 2));
    assert!(text.ends_with("}\n"));
    assert!(
        !text.chars().any(|c| lockstep::guard::is_dangerous(c, true)),
        "{text}"
    );
    assert!(text.contains("evil\\u202etxt.exe"), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v,
        export::json(&cl, &Origin::Bundled, "m\u{202E}ain", &a, d(2026, 11, 2))
    );
    assert_eq!(v["sections"][0]["steps"][0]["note"], note);
    assert_eq!(v["account"], "m\u{202E}ain");
}

#[test]
fn incident_report_neutralises_control_characters() {
    let cl = bundled();
    let mut a = Account::new("crypto-com", at(2026, 11, 1, 0, 0));
    a.open_compromise(&cl, at(2026, 11, 2, 8, 0)).unwrap();
    a.incident_note(EVIL, Some("T\x1b]0;x\x07"), at(2026, 11, 2, 8, 5))
        .unwrap();
    a.close_incident("done\u{202E}", at(2026, 11, 2, 9, 0))
        .unwrap();
    let r = export::incident_report(
        &cl,
        &Origin::Bundled,
        "m\x1bain",
        &a,
        &[],
        None,
        at(2026, 11, 2, 10, 0),
    )
    .unwrap();
    assert!(r.contains("- Account: m\\\\u\\{1b\\}ain\n"), "{r}");
    assert!(
        !r.chars().any(|c| lockstep::guard::is_dangerous(c, true)),
        "{r:?}"
    );
    assert!(
        r.contains(
            r"Support ticket: T\\u\{1b\}\]0;x\\u\{7\}; note: red \\u\{1b\}\[31mALERT\\u\{202e\}txt.exe"
        ),
        "{r}"
    );
    assert!(r.contains(r"Closed: done\\u\{202e\}"));
}
