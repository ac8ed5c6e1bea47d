//! The desktop notification server of the session bus (`org.freedesktop.Notifications`): who it
//! is, whether it reads body markup, and `Notify` with an urgency and an expiry.

use std::time::Duration;

use lockstep_core::notice::{Notification, markup_escape};

use crate::dbus::{self, Call, Connection, SessionBus, Value, Writer};

const NAME: &str = "org.freedesktop.Notifications";
const PATH: &str = "/org/freedesktop/Notifications";

fn call(member: &'static str, signature: &'static str) -> Call<'static> {
    Call {
        destination: NAME,
        path: PATH,
        interface: NAME,
        member,
        signature,
    }
}

/// A connection to the notification server, with what it said about itself.
#[derive(Debug)]
pub struct NotificationServer {
    conn: Connection,
    /// Its name (`GetServerInformation`), e.g. "dunst".
    pub name: String,
    /// It announced `body-markup`: the body is read as markup, so text must be escaped.
    pub markup: bool,
}

/// Says why a server could not be reached, in words for the user.
fn why(e: &dbus::Error) -> String {
    match e {
        dbus::Error::Remote { name, .. }
            if name == "org.freedesktop.DBus.Error.ServiceUnknown"
                || name == "org.freedesktop.DBus.Error.NameHasNoOwner" =>
        {
            "no notification server is running in the desktop session".into()
        }
        dbus::Error::Remote { name, message }
            if name.starts_with("org.freedesktop.DBus.Error.Spawn") =>
        {
            format!("the notification server could not be started: {message}")
        }
        e => e.to_string(),
    }
}

impl NotificationServer {
    /// Connects to `bus` and asks the notification server who it is and what it can do (the bus
    /// starts it if it can). Err says why there is none.
    pub fn connect(bus: &SessionBus, timeout: Duration) -> Result<NotificationServer, String> {
        let mut conn = Connection::open(bus, timeout)
            .map_err(|e| format!("cannot use the session bus ({}): {e}", bus.found_in))?;
        let info = conn
            .call(&call("GetServerInformation", ""), &[])
            .map_err(|e| why(&e))?;
        let name = info
            .first()
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or("a notification server")
            .to_owned();
        let caps = conn
            .call(&call("GetCapabilities", ""), &[])
            .map_err(|e| why(&e))?;
        let markup = caps
            .first()
            .is_some_and(|c| c.strings().iter().any(|c| c == "body-markup"));
        Ok(NotificationServer { conn, name, markup })
    }

    /// Shows `n`: critical urgency and no expiry for an incident, normal urgency and the server's
    /// expiry otherwise; the body escaped when the server reads markup. Returns the id the
    /// server gave it.
    pub fn notify(&mut self, n: &Notification) -> Result<u32, String> {
        let body = if self.markup {
            markup_escape(&n.body)
        } else {
            n.body.as_str().into()
        };
        let mut w = Writer::new();
        w.str("lockstep"); // app_name
        w.u32(0); // replaces_id: a new notification
        w.str(""); // app_icon
        w.str(&n.summary);
        w.str(&body);
        w.strings(&[]); // actions
        w.array(8, |w| {
            w.begin_struct();
            w.str("urgency");
            w.sig("y");
            w.byte(n.urgency.level());
        });
        // Milliseconds; -1 is the server's default, 0 never expires.
        w.i32(if n.urgency.expires() { -1 } else { 0 });
        let reply = self
            .conn
            .call(&call("Notify", "susssasa{sv}i"), &w.buf)
            .map_err(|e| why(&e))?;
        reply
            .first()
            .and_then(Value::as_u32)
            .ok_or_else(|| "the notification server gave no id".to_owned())
    }
}
