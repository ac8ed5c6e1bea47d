//! The operating-system side of lockstep's reminders: the daily job (systemd, cron, launchd),
//! desktop notifications (straight to the session bus's notification server, or `osascript`)
//! and the programs they run, behind runner abstractions the tests replace.

pub mod dbus;
pub mod notify;
pub mod reminders;
pub mod sys;
