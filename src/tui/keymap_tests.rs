//! Tests of the keymap: every screen answers `!` and Ctrl-C, labels come from the keys, no key
//! is bound twice on one screen.
use super::*;

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, NONE)
}

#[test]
fn bang_works_everywhere_and_keys_are_screen_specific() {
    for s in ScreenKind::ALL {
        assert_eq!(
            action_for(*s, key(KeyCode::Char('!'))),
            Some(Action::Compromised),
            "{s:?}"
        );
        assert_eq!(
            action_for(*s, KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
    }
    assert_eq!(
        action_for(Dashboard, key(KeyCode::Enter)),
        Some(Action::Open)
    );
    assert_eq!(
        action_for(Personas, key(KeyCode::Enter)),
        Some(Action::Confirm)
    );
    assert_eq!(action_for(Dashboard, key(KeyCode::Char('s'))), None);
    assert_eq!(
        action_for(Walkthrough, key(KeyCode::Char('l'))),
        Some(Action::Next)
    );
    assert_eq!(
        action_for(Walkthrough, key(KeyCode::Char('3'))),
        Some(Action::Jump(2))
    );
    assert_eq!(action_for(Dashboard, key(KeyCode::Char('3'))), None);
    // Nothing on the not-yet-started compromise screen records anything but S; the keys
    // of the started incident say why they wait.
    for c in [' ', 't', 'n', 'u'] {
        assert_eq!(
            action_for(Compromise, key(KeyCode::Char(c))),
            Some(Action::NeedsIncident)
        );
    }
    // Space never undoes a done emergency step: that has its own key.
    assert_eq!(
        action_for(Emergency, key(KeyCode::Char('u'))),
        Some(Action::UndoStep)
    );
    assert_eq!(
        action_for(Compromise, KeyEvent::new(KeyCode::Char('S'), SHIFT)),
        Some(Action::StartIncident)
    );
}

#[test]
fn labels_come_from_the_keys() {
    let label = |a: Action, s: ScreenKind| {
        KEYMAP
            .iter()
            .find(|b| b.action == a && b.on.matches(s))
            .map(Binding::label)
            .unwrap()
    };
    assert_eq!(label(Action::Compromised, Dashboard), "!");
    assert_eq!(label(Action::StartIncident, Compromise), "S");
    assert_eq!(label(Action::Prev, Walkthrough), "←↑");
    assert_eq!(label(Action::Help, Dashboard), "?");
    assert_eq!(label(Action::Quit, Dashboard), "Ctrl-C");
    assert_eq!(label(Action::Jump(0), Walkthrough), "1-9");
    assert_eq!(label(Action::Done, Walkthrough), "Space");
    // The same keys are written the same way on every screen.
    assert_eq!(
        label(Action::Back, ReminderOffer),
        label(Action::Back, Dashboard)
    );
    for b in KEYMAP {
        assert!(!b.label().is_empty(), "{b:?}");
    }
}

#[test]
fn the_prompt_footer_comes_from_its_keys() {
    let footer: Vec<(String, &str)> = PROMPT
        .iter()
        .filter_map(|b| b.footer.map(|f| (b.label(), f)))
        .collect();
    let want = [
        ("Enter", "save"),
        ("Esc", "cancel"),
        ("←→ Home End", "move"),
        ("Ctrl-W", "delete word"),
        ("Ctrl-U", "clear"),
    ]
    .map(|(k, f)| (k.to_string(), f));
    assert_eq!(footer, want);
    // The keys it shows do what tui-input would make of them (or the prompt's own action).
    for k in PROMPT.iter().flat_map(|b| b.keys) {
        if let (Action::Edit(req), Mods::Exactly(m)) = (k.action, k.mods) {
            let event = ratatui::crossterm::event::Event::Key(KeyEvent::new(k.code, m));
            assert_eq!(
                tui_input::backend::crossterm::to_input_request(&event),
                Some(req),
                "{k:?}"
            );
        }
    }
    assert_eq!(
        prompt_action(KeyEvent::new(KeyCode::Enter, SHIFT)),
        Some(Action::InputSubmit)
    );
    assert_eq!(prompt_action(key(KeyCode::Char('w'))), None);
}

#[test]
fn no_key_is_bound_twice_on_one_screen() {
    for s in ScreenKind::ALL {
        let mut seen = Vec::new();
        for b in bindings_for(*s) {
            for k in b.keys {
                assert!(!seen.contains(k), "{s:?}: {k:?} bound twice");
                seen.push(*k);
            }
        }
    }
}
