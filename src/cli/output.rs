//! Writing command output: stdout that tolerates a closed pipe, and control-safe JSON.

use std::io::{self, Write};

use super::AppError;

/// Writes to stdout. A closed pipe (`lockstep history | head`) is not an error.
pub fn out(text: &str) -> Result<(), AppError> {
    let mut o = io::stdout().lock();
    match o.write_all(text.as_bytes()).and_then(|_| o.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(|e| AppError::Output {
            file: "stdout".into(),
            source: e,
        }),
    }
}

/// Prints pretty JSON; bidi and C1 control characters in strings become `\uXXXX` escapes.
pub fn json_out(v: &serde_json::Value) -> Result<(), AppError> {
    out(&format!(
        "{}\n",
        crate::guard::json_safe(&serde_json::to_string_pretty(v).expect("json"))
    ))
}
