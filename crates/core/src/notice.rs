//! What `lockstep notify` says: one notification per account composed from what is due, and
//! the record of what was sent so each review is notified at most once a day. Pure: delivery and
//! the record's file live in the OS-side crate (`lockstep_os::notify`).
//!
//! The review data comes in as plain structs ([`AccountDue`], [`DueItem`]) so this module does not
//! depend on how the state or the schedule are stored.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::guard;

/// True when a word needs no shell quoting.
pub fn is_plain(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '/' | '.' | '_' | '-' | '+' | ':' | '@' | ',' | '=')
        })
}

/// Quotes one word for a POSIX shell: plain words as they are, others in single quotes.
pub fn sh_quote(s: &str) -> String {
    if is_plain(s) {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// Where a review stands, as far as a notification is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueState {
    /// Past its due date by `days` days.
    Overdue { days: i64 },
    /// Due now (today, never done since setup started, or forced by an incident).
    Due,
    /// Due in `days` days; listed with a notification, never the reason for one.
    Soon { days: i64 },
}

impl DueState {
    fn rank(self) -> u8 {
        match self {
            DueState::Overdue { .. } => 0,
            DueState::Due => 1,
            DueState::Soon { .. } => 2,
        }
    }

    fn triggers(self) -> bool {
        !matches!(self, DueState::Soon { .. })
    }
}

/// One review of an account that is due, overdue or coming up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    /// Stable identifier of the review within its account (e.g. its section id); what the sent
    /// record remembers.
    pub key: String,
    /// What the user sees, e.g. "Quarterly API key review".
    pub label: String,
    /// The checklist section it belongs to; shown after the label when different.
    pub section_title: String,
    pub state: DueState,
    /// Due or overdue: the date it has been due since. Soon: the date it becomes due.
    pub since: NaiveDate,
}

/// An incident that is still open on an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenIncident {
    /// The incident's number and when it was opened: a second incident opened the same day is
    /// notified too, also when an account was removed and made again (its numbers restart).
    pub id: u32,
    pub opened: chrono::DateTime<chrono::Utc>,
    pub since: NaiveDate,
    /// A short description, if any.
    pub what: Option<String>,
}

/// Everything a notification for one account is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDue {
    /// The account name, as given to `--account`.
    pub account: String,
    /// A friendlier name (e.g. the exchange), shown with the account name.
    pub label: Option<String>,
    pub items: Vec<DueItem>,
    pub incident: Option<OpenIncident>,
    /// Said in the notification when one is sent (never a reason to send one): records of a
    /// review from a wrong clock, ignored.
    pub notes: Vec<String>,
}

/// How the user opens lockstep, shown at the end of each notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCommand {
    /// Passed as `--data-dir` when the job was given one.
    pub data_dir: Option<String>,
    /// The account lockstep opens without `--account`.
    pub default_account: String,
}

impl OpenCommand {
    /// `lockstep`, plus `--data-dir DIR` and `--account NAME` where needed, shell-quoted.
    pub fn for_account(&self, account: &str) -> String {
        let mut s = String::from("lockstep");
        if let Some(d) = &self.data_dir {
            s.push_str(" --data-dir ");
            s.push_str(&sh_quote(d));
        }
        if account != self.default_account {
            s.push_str(" --account ");
            s.push_str(&sh_quote(account));
        }
        s
    }
}

/// How urgent a notification is (the desktop notification levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Urgency {
    /// Reviews due: shown the usual way, and expiring as the server decides.
    #[default]
    Normal,
    /// An open incident: shown as critical and kept on screen until dismissed.
    Critical,
}

impl Urgency {
    /// The level's number in the notification specification (0 low, 1 normal, 2 critical).
    pub fn level(self) -> u8 {
        match self {
            Urgency::Normal => 1,
            Urgency::Critical => 2,
        }
    }

    /// False when the notification stays until the user dismisses it.
    pub fn expires(self) -> bool {
        self == Urgency::Normal
    }
}

/// One notification, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub account: String,
    /// The title line.
    pub summary: String,
    /// The lines below it, plain text (see [`markup_escape`] for a server that reads markup).
    pub body: String,
    /// Sent-record keys this notification covers.
    pub keys: Vec<String>,
    /// Critical when it tells of an open incident.
    pub urgency: Urgency,
}

impl Notification {
    /// Summary and body as printed when no notifier is reachable.
    pub fn text(&self) -> String {
        format!("{}\n{}\n", self.summary, self.body)
    }
}

/// Plain text as notification body markup (the subset of HTML a server that announces
/// `body-markup` reads): `&`, `<` and `>` become entities, so the text arrives as written.
pub fn markup_escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['&', '<', '>']) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out.into()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn days(n: i64) -> String {
    if n == 1 {
        "1 day".into()
    } else {
        format!("{n} days")
    }
}

fn item_key(item: &DueItem) -> String {
    format!("review:{}", item.key)
}

fn incident_key(i: &OpenIncident) -> String {
    format!("incident:{}@{}", i.id, i.opened.timestamp())
}

fn item_line(item: &DueItem, today: NaiveDate) -> String {
    let label = guard::line(&item.label);
    let section = guard::line(&item.section_title);
    let what = if section.is_empty() || section == label {
        label.into_owned()
    } else {
        format!("{label} ({section})")
    };
    let when = match item.state {
        DueState::Overdue { days: d } => format!("Overdue by {} (due {})", days(d), item.since),
        DueState::Due if item.since >= today => "Due today".into(),
        DueState::Due => format!("Due since {}", item.since),
        DueState::Soon { days: 1 } => format!("Due tomorrow ({})", item.since),
        DueState::Soon { days: d } => format!("Due in {} ({})", days(d), item.since),
    };
    format!("{when}: {what}")
}

/// Builds at most one notification per account: from the due or overdue reviews and the open
/// incident not yet notified on `today` (coming-up reviews are listed with them, never alone).
pub fn compose(
    accounts: &[AccountDue],
    sent: &SentRecord,
    today: NaiveDate,
    open: &OpenCommand,
) -> Vec<Notification> {
    let mut out = Vec::new();
    for acc in accounts {
        let mut items: Vec<&DueItem> = acc
            .items
            .iter()
            .filter(|i| !sent.sent_on(&acc.account, &item_key(i), today))
            .collect();
        items.sort_by_key(|i| i.state.rank());
        let incident = acc
            .incident
            .as_ref()
            .filter(|i| !sent.sent_on(&acc.account, &incident_key(i), today));
        if incident.is_none() && !items.iter().any(|i| i.state.triggers()) {
            continue;
        }
        let due = items.iter().filter(|i| i.state.triggers()).count();
        let overdue = items
            .iter()
            .filter(|i| matches!(i.state, DueState::Overdue { .. }))
            .count();
        let mut what = Vec::new();
        if incident.is_some() {
            what.push("incident open".to_owned());
        }
        if due > 0 {
            let mut s = plural(due, "review due", "reviews due");
            if overdue > 0 {
                s.push_str(&format!(" ({overdue} overdue)"));
            }
            what.push(s);
        }
        let account = guard::line(&acc.account);
        let who = match acc.label.as_deref().map(guard::line) {
            Some(l) if !l.is_empty() && l != account => format!("{l} ({account})"),
            _ => account.into_owned(),
        };
        let mut lines = Vec::new();
        let mut keys = Vec::new();
        if let Some(i) = incident {
            let what = i
                .what
                .as_deref()
                .map(|w| format!(" ({})", guard::line(w)))
                .unwrap_or_default();
            lines.push(format!(
                "Incident open since {}{what}: its reviews are due now",
                i.since
            ));
            keys.push(incident_key(i));
        }
        for i in &items {
            lines.push(item_line(i, today));
            keys.push(item_key(i));
        }
        lines.extend(acc.notes.iter().map(|n| guard::line(n).into_owned()));
        lines.push(format!(
            "Open lockstep: {}",
            guard::line(&open.for_account(&acc.account))
        ));
        out.push(Notification {
            account: acc.account.clone(),
            summary: format!("lockstep: {who}: {}", what.join(", ")),
            body: lines.join("\n"),
            keys,
            urgency: if incident.is_some() {
                Urgency::Critical
            } else {
                Urgency::Normal
            },
        });
    }
    out
}

/// The file in the data directory that remembers what was notified.
pub const SENT_FILE: &str = "notified.json";
const SENT_VERSION: u32 = 1;
/// How long sent entries are kept (only today's matter; older ones are pruned).
const KEEP_DAYS: u64 = 31;

/// What was notified when: account -> key -> the last day a notification covered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentRecord {
    pub version: u32,
    pub sent: BTreeMap<String, BTreeMap<String, NaiveDate>>,
}

impl Default for SentRecord {
    fn default() -> Self {
        SentRecord {
            version: SENT_VERSION,
            sent: BTreeMap::new(),
        }
    }
}

impl SentRecord {
    /// True when `key` of `account` was notified on `day` (a date recorded under a wrong clock,
    /// after `day`, does not count).
    pub fn sent_on(&self, account: &str, key: &str, day: NaiveDate) -> bool {
        self.sent
            .get(account)
            .and_then(|m| m.get(key))
            .is_some_and(|d| *d == day)
    }

    /// Records that `n` was sent on `day`.
    pub fn mark(&mut self, n: &Notification, day: NaiveDate) {
        let m = self.sent.entry(n.account.clone()).or_default();
        for k in &n.keys {
            m.insert(k.clone(), day);
        }
    }

    /// Drops entries older than a month before `today`, and future ones.
    pub fn prune(&mut self, today: NaiveDate) {
        let oldest = today
            .checked_sub_days(Days::new(KEEP_DAYS))
            .unwrap_or(today);
        for m in self.sent.values_mut() {
            m.retain(|_, d| *d >= oldest && *d <= today);
        }
        self.sent.retain(|_, m| !m.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_escape_turns_the_three_markup_characters_into_entities() {
        assert_eq!(markup_escape("plain text"), "plain text");
        assert!(matches!(
            markup_escape("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            markup_escape("lockstep --data-dir '/home/u/R&D <x>'"),
            "lockstep --data-dir '/home/u/R&amp;D &lt;x&gt;'"
        );
        // An entity already in the text is text too: its `&` is escaped again.
        assert_eq!(markup_escape("&amp; <b>"), "&amp;amp; &lt;b&gt;");
        assert_eq!(markup_escape("\"quotes\" 'stay'"), "\"quotes\" 'stay'");
    }

    #[test]
    fn urgency_levels_follow_the_specification() {
        assert_eq!(Urgency::Normal.level(), 1);
        assert_eq!(Urgency::Critical.level(), 2);
        assert!(Urgency::Normal.expires());
        assert!(!Urgency::Critical.expires());
        assert_eq!(Urgency::default(), Urgency::Normal);
    }
}
