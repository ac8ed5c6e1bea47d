//! A minimal D-Bus client over a unix socket: connect, authenticate (EXTERNAL, by user id), say
//! Hello, and call methods one at a time with a deadline. Enough for the desktop notification
//! service; no signals, no file descriptors, no server side. Why not a crate: ARCHITECTURE.md.

pub mod address;
pub mod wire;

use std::fmt;
use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

pub use address::{Address, SessionBus, session_bus, session_bus_here};
pub use wire::{Call, Value, Writer};

/// Messages longer than this are refused (replies to the calls made here are tiny).
const MAX_MESSAGE: usize = 1 << 20;

/// Why a call did not get its answer.
#[derive(Debug)]
pub enum Error {
    /// The socket could not be reached, or broke.
    Io(io::Error),
    /// Nothing came back in time.
    Timeout,
    /// The bus refused to let us in.
    Auth(String),
    /// The other side answered with an error (its name, and its message if any).
    Remote { name: String, message: String },
    /// Bytes that are not D-Bus.
    Protocol(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "{e}"),
            Error::Timeout => f.write_str("no answer in time"),
            Error::Auth(s) => write!(f, "the bus refused the connection: {s}"),
            Error::Remote { name, message } if message.is_empty() => f.write_str(name),
            Error::Remote { name, message } => write!(f, "{name}: {message}"),
            Error::Protocol(s) => write!(f, "{s}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        match e.kind() {
            io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => Error::Timeout,
            _ => Error::Io(e),
        }
    }
}

impl From<wire::WireError> for Error {
    fn from(e: wire::WireError) -> Error {
        Error::Protocol(e.to_string())
    }
}

/// One connection to a bus.
#[derive(Debug)]
pub struct Connection {
    stream: UnixStream,
    serial: u32,
    timeout: Duration,
}

fn connect(address: &Address) -> io::Result<UnixStream> {
    match address {
        Address::Path(p) => UnixStream::connect(p),
        #[cfg(target_os = "linux")]
        Address::Abstract(name) => {
            use std::os::linux::net::SocketAddrExt;
            let addr = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
            UnixStream::connect_addr(&addr)
        }
        #[cfg(not(target_os = "linux"))]
        Address::Abstract(_) => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "abstract sockets exist only on Linux",
        )),
    }
}

impl Connection {
    /// Connects to the first address of `bus` that answers and registers with the bus. Each
    /// step, and later each call, may take up to `timeout`.
    pub fn open(bus: &SessionBus, timeout: Duration) -> Result<Connection, Error> {
        let mut last = Error::Protocol("no address".into());
        for a in &bus.addresses {
            match Connection::open_one(a, timeout) {
                Ok(c) => return Ok(c),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn open_one(address: &Address, timeout: Duration) -> Result<Connection, Error> {
        let stream = connect(address).map_err(|e| {
            Error::Io(io::Error::new(
                e.kind(),
                format!("cannot connect to {address}: {e}"),
            ))
        })?;
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        let mut c = Connection {
            stream,
            serial: 0,
            timeout,
        };
        c.authenticate()?;
        c.call(
            &Call {
                destination: "org.freedesktop.DBus",
                path: "/org/freedesktop/DBus",
                interface: "org.freedesktop.DBus",
                member: "Hello",
                signature: "",
            },
            &[],
        )?;
        Ok(c)
    }

    /// The SASL exchange: a NUL byte, `AUTH EXTERNAL <uid in hex>`, `OK <guid>`, `BEGIN`.
    fn authenticate(&mut self) -> Result<(), Error> {
        // SAFETY: geteuid has no preconditions and cannot fail.
        let uid = unsafe { libc::geteuid() }.to_string();
        let hex: String = uid.bytes().map(|b| format!("{b:02x}")).collect();
        self.stream
            .write_all(format!("\0AUTH EXTERNAL {hex}\r\n").as_bytes())?;
        let reply = self.auth_line()?;
        if !reply.starts_with("OK ") {
            return Err(Error::Auth(reply));
        }
        self.stream.write_all(b"BEGIN\r\n")?;
        Ok(())
    }

    /// One line of the SASL exchange, without its CRLF. Read byte by byte: the messages that
    /// follow must stay in the socket.
    fn auth_line(&mut self) -> Result<String, Error> {
        let mut line = Vec::new();
        let mut b = [0u8; 1];
        while !line.ends_with(b"\r\n") {
            if line.len() > 512 {
                return Err(Error::Auth("an overlong reply".into()));
            }
            if self.stream.read(&mut b)? == 0 {
                return Err(Error::Auth("the bus closed the connection".into()));
            }
            line.push(b[0]);
        }
        line.truncate(line.len() - 2);
        Ok(String::from_utf8_lossy(&line).into_owned())
    }

    /// Calls a method and waits (up to the timeout) for its reply; returns the reply's values.
    /// Messages in between (signals such as NameAcquired) are skipped.
    pub fn call(&mut self, call: &Call<'_>, body: &[u8]) -> Result<Vec<Value>, Error> {
        self.serial = self.serial.wrapping_add(1).max(1);
        let serial = self.serial;
        self.stream
            .write_all(&wire::method_call(serial, call, body))?;
        let deadline = Instant::now() + self.timeout;
        loop {
            let m = self.read_message(deadline)?;
            if m.reply_serial != Some(serial) {
                continue;
            }
            return match m.kind {
                wire::METHOD_RETURN => Ok(m.body),
                wire::ERROR => Err(Error::Remote {
                    name: m.error_name.unwrap_or_else(|| "an unnamed error".into()),
                    message: m.body.first().and_then(Value::as_str).unwrap_or("").into(),
                }),
                _ => continue,
            };
        }
    }

    fn read_message(&mut self, deadline: Instant) -> Result<wire::Message, Error> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Error::Timeout);
        }
        self.stream.set_read_timeout(Some(left))?;
        let mut head = [0u8; wire::FIXED_HEADER];
        self.stream.read_exact(&mut head)?;
        let len = wire::message_len(&head)?;
        if len > MAX_MESSAGE {
            return Err(Error::Protocol(format!("a {len}-byte message")));
        }
        let mut buf = head.to_vec();
        buf.resize(len, 0);
        self.stream.read_exact(&mut buf[wire::FIXED_HEADER..])?;
        Ok(wire::parse_message(&buf)?)
    }
}
