//! The one-line text prompt (notes, skip reasons, tickets, resolutions): what it asks for, and
//! its editing, done by the `tui-input` widget (cursor ←/→, Home/End, Ctrl-W, Ctrl-U, ...).

use tui_input::{Input as Field, InputRequest};

use crate::ids::StepId;

/// The longest text a prompt takes.
pub const MAX_CHARS: usize = 500;

#[derive(Debug, Clone, PartialEq)]
pub enum InputKind {
    Note {
        step: StepId,
    },
    Skip {
        step: StepId,
    },
    IncidentNote,
    Ticket,
    CloseIncident,
    /// Cancel the open incident as a false alarm (the reason may be empty).
    FalseAlarm {
        restores: usize,
    },
}

impl InputKind {
    pub fn prompt(&self) -> String {
        match self {
            InputKind::Note { .. } => "Note (never a password, seed phrase or 2FA secret)".into(),
            InputKind::Skip { .. } => "Why skip this step?".into(),
            InputKind::IncidentNote => "Incident note".into(),
            InputKind::Ticket => "Support ticket number".into(),
            InputKind::CloseIncident => "How was it resolved? (closes the incident)".into(),
            InputKind::FalseAlarm { restores } => format!(
                "False alarm? Enter cancels the incident and restores {restores} step{}; why (optional)",
                if *restores == 1 { "" } else { "s" }
            ),
        }
    }
}

/// An open prompt: what it is for, and the text being edited.
#[derive(Debug, Clone)]
pub struct Input {
    pub kind: InputKind,
    pub field: Field,
    /// Ctrl-C was pressed once with text typed: a second one quits without it.
    pub quit_asked: bool,
}

impl PartialEq for Input {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
            && self.field.value() == other.field.value()
            && self.field.cursor() == other.field.cursor()
    }
}

impl Input {
    pub fn new(kind: InputKind, text: &str) -> Input {
        Input {
            kind,
            field: Field::new(text.to_string()),
            quit_asked: false,
        }
    }

    /// The text typed so far.
    pub fn text(&self) -> &str {
        self.field.value()
    }

    /// Applies one editing request; typing stops at [`MAX_CHARS`] and control characters are
    /// never inserted.
    pub fn edit(&mut self, req: InputRequest) {
        if let InputRequest::InsertChar(c) = req
            && (c.is_control() || self.field.value().chars().count() >= MAX_CHARS)
        {
            return;
        }
        self.field.handle(req);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use InputRequest::*;

    fn typed(text: &str) -> Input {
        let mut i = Input::new(InputKind::IncidentNote, "");
        for c in text.chars() {
            i.edit(InsertChar(c));
        }
        i
    }

    #[test]
    fn cursor_moves_and_words_delete() {
        let mut i = typed("call the bank");
        i.edit(GoToStart);
        i.edit(InsertChar('>'));
        assert_eq!(i.text(), ">call the bank");
        i.edit(GoToEnd);
        i.edit(DeletePrevWord);
        assert_eq!(i.text(), ">call the ");
        i.edit(GoToPrevChar);
        i.edit(GoToPrevChar);
        i.edit(DeletePrevChar);
        assert_eq!(i.text(), ">call te ");
        i.edit(DeleteLine);
        assert_eq!(i.text(), "");
    }

    #[test]
    fn length_is_capped_and_controls_are_dropped() {
        let mut i = typed(&"a".repeat(MAX_CHARS + 10));
        assert_eq!(i.text().chars().count(), MAX_CHARS);
        i.edit(DeleteLine);
        i.edit(InsertChar('\u{7}'));
        assert_eq!(i.text(), "");
    }
}
