//! The D-Bus wire format, as much as a client of a few methods needs: marshalling arguments
//! (little-endian) with [`Writer`], method-call messages, and reading any message (either byte
//! order, every type) into [`Value`]s, with every length checked against the bytes received.

use std::fmt;

/// Message types (the second byte of a message).
pub const METHOD_CALL: u8 = 1;
pub const METHOD_RETURN: u8 = 2;
pub const ERROR: u8 = 3;
pub const SIGNAL: u8 = 4;

/// Header field codes.
const PATH: u8 = 1;
const INTERFACE: u8 = 2;
const MEMBER: u8 = 3;
const ERROR_NAME: u8 = 4;
const REPLY_SERIAL: u8 = 5;
const DESTINATION: u8 = 6;
const SIGNATURE: u8 = 8;

/// Nesting deeper than this is refused (the specification allows 32 arrays and 32 structs).
const MAX_DEPTH: u32 = 64;

/// A message that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError(pub String);

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed D-Bus message: {}", self.0)
    }
}

impl std::error::Error for WireError {}

fn bad<T>(what: impl Into<String>) -> Result<T, WireError> {
    Err(WireError(what.into()))
}

/// A value read from a message. Strings, object paths and signatures are all `Str`; a dict
/// entry is a `Struct` of two.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Byte(u8),
    Bool(bool),
    I16(i16),
    U16(u16),
    I32(i32),
    U32(u32),
    I64(i64),
    U64(u64),
    Double(f64),
    Str(String),
    Fd(u32),
    Array(Vec<Value>),
    Struct(Vec<Value>),
    Variant(Box<Value>),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_u32(&self) -> Option<u32> {
        match self {
            Value::U32(v) => Some(*v),
            _ => None,
        }
    }

    /// The strings of an `as` array (other elements are skipped).
    pub fn strings(&self) -> Vec<String> {
        match self {
            Value::Array(items) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Builds marshalled data. Offsets count from the start of the buffer, which must sit at an
/// 8-aligned place in the message (a message's start, or its body's).
#[derive(Debug, Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn new() -> Writer {
        Writer::default()
    }

    pub fn pad(&mut self, align: usize) {
        while !self.buf.len().is_multiple_of(align) {
            self.buf.push(0);
        }
    }

    pub fn byte(&mut self, b: u8) {
        self.buf.push(b);
    }

    pub fn u32(&mut self, v: u32) {
        self.pad(4);
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn i32(&mut self, v: i32) {
        self.pad(4);
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// A string (`s`) or object path (`o`). D-Bus strings cannot hold NUL: one becomes U+FFFD.
    pub fn str(&mut self, s: &str) {
        let s = s.replace('\0', "\u{fffd}");
        self.u32(u32::try_from(s.len()).expect("strings sent are small"));
        self.buf.extend_from_slice(s.as_bytes());
        self.buf.push(0);
    }

    /// A signature (`g`): at most 255 bytes.
    pub fn sig(&mut self, s: &str) {
        self.byte(u8::try_from(s.len()).expect("signatures sent are short"));
        self.buf.extend_from_slice(s.as_bytes());
        self.buf.push(0);
    }

    /// An array whose elements have alignment `elem_align`, written by `f`.
    pub fn array(&mut self, elem_align: usize, f: impl FnOnce(&mut Writer)) {
        self.pad(4);
        let at = self.buf.len();
        self.buf.extend_from_slice(&[0; 4]);
        self.pad(elem_align);
        let start = self.buf.len();
        f(self);
        let len = u32::try_from(self.buf.len() - start).expect("arrays sent are small");
        self.buf[at..at + 4].copy_from_slice(&len.to_le_bytes());
    }

    /// A list of strings (`as`).
    pub fn strings(&mut self, items: &[&str]) {
        self.array(4, |w| items.iter().for_each(|s| w.str(s)));
    }

    /// The start of a struct or dict entry (8-aligned).
    pub fn begin_struct(&mut self) {
        self.pad(8);
    }
}

/// What a method call is sent to.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    pub destination: &'a str,
    pub path: &'a str,
    pub interface: &'a str,
    pub member: &'a str,
    /// The body's signature ("" for none).
    pub signature: &'a str,
}

/// A complete method-call message with serial number `serial` and the marshalled `body`.
pub fn method_call(serial: u32, call: &Call<'_>, body: &[u8]) -> Vec<u8> {
    let mut w = Writer::new();
    w.byte(b'l');
    w.byte(METHOD_CALL);
    w.byte(0); // flags: a reply is expected; the bus may start the service
    w.byte(1); // protocol version
    w.u32(u32::try_from(body.len()).expect("bodies sent are small"));
    w.u32(serial);
    w.array(8, |w| {
        let mut field = |code: u8, ty: &str, value: &str| {
            w.begin_struct();
            w.byte(code);
            w.sig(ty);
            if ty == "g" {
                w.sig(value)
            } else {
                w.str(value)
            }
        };
        field(PATH, "o", call.path);
        field(INTERFACE, "s", call.interface);
        field(MEMBER, "s", call.member);
        field(DESTINATION, "s", call.destination);
        if !call.signature.is_empty() {
            field(SIGNATURE, "g", call.signature);
        }
    });
    w.pad(8);
    w.buf.extend_from_slice(body);
    w.buf
}

/// A D-Bus type, parsed from a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Type {
    Basic(u8),
    Array(Box<Type>),
    Struct(Vec<Type>),
    Entry(Box<Type>, Box<Type>),
    Variant,
}

impl Type {
    fn align(&self) -> usize {
        match self {
            Type::Basic(b'y' | b'g') | Type::Variant => 1,
            Type::Basic(b'n' | b'q') => 2,
            Type::Basic(b'x' | b't' | b'd') | Type::Struct(_) | Type::Entry(..) => 8,
            Type::Basic(_) | Type::Array(_) => 4,
        }
    }
}

/// The complete types of a signature, in order.
fn parse_signature(sig: &[u8]) -> Result<Vec<Type>, WireError> {
    let mut at = 0;
    let mut out = Vec::new();
    while at < sig.len() {
        out.push(parse_type(sig, &mut at, 0)?);
    }
    Ok(out)
}

fn parse_type(sig: &[u8], at: &mut usize, depth: u32) -> Result<Type, WireError> {
    if depth > MAX_DEPTH {
        return bad("signature nested too deeply");
    }
    let Some(&c) = sig.get(*at) else {
        return bad("signature ends inside a type");
    };
    *at += 1;
    match c {
        b'y' | b'b' | b'n' | b'q' | b'i' | b'u' | b'x' | b't' | b'd' | b's' | b'o' | b'g'
        | b'h' => Ok(Type::Basic(c)),
        b'v' => Ok(Type::Variant),
        b'a' if sig.get(*at) == Some(&b'{') => {
            *at += 1;
            let key = parse_type(sig, at, depth + 1)?;
            if !matches!(key, Type::Basic(_)) {
                return bad("a dict key must be a basic type");
            }
            let value = parse_type(sig, at, depth + 1)?;
            if sig.get(*at) != Some(&b'}') {
                return bad("a dict entry holds exactly two types");
            }
            *at += 1;
            Ok(Type::Array(Box::new(Type::Entry(
                Box::new(key),
                Box::new(value),
            ))))
        }
        b'a' => Ok(Type::Array(Box::new(parse_type(sig, at, depth + 1)?))),
        b'(' => {
            let mut fields = Vec::new();
            while sig.get(*at) != Some(&b')') {
                fields.push(parse_type(sig, at, depth + 1)?);
            }
            *at += 1;
            if fields.is_empty() {
                return bad("empty struct");
            }
            Ok(Type::Struct(fields))
        }
        c => bad(format!("unknown type code {:?}", c as char)),
    }
}

/// Reads values out of a whole message; alignment counts from the message's start.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    big: bool,
}

impl<'a> Reader<'a> {
    fn align(&mut self, n: usize) -> Result<(), WireError> {
        let p = self.pos.next_multiple_of(n);
        if p > self.buf.len() {
            return bad("padding runs past the end");
        }
        if self.buf[self.pos..p].iter().any(|&b| b != 0) {
            return bad("non-zero padding");
        }
        self.pos = p;
        Ok(())
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.buf.len());
        let Some(end) = end else {
            return bad("a value runs past the end");
        };
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn fixed<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        self.align(N)?;
        let mut b: [u8; N] = self.take(N)?.try_into().expect("N bytes taken");
        if self.big {
            b.reverse();
        }
        Ok(b)
    }

    fn u32(&mut self) -> Result<u32, WireError> {
        self.fixed::<4>().map(u32::from_le_bytes)
    }

    fn text(&mut self, len: usize) -> Result<String, WireError> {
        let bytes = self.take(len)?;
        if self.take(1)? != [0] {
            return bad("a string is not NUL-terminated");
        }
        String::from_utf8(bytes.to_vec()).or_else(|_| bad("a string is not UTF-8"))
    }

    fn value(&mut self, t: &Type, depth: u32) -> Result<Value, WireError> {
        if depth > MAX_DEPTH {
            return bad("values nested too deeply");
        }
        Ok(match t {
            Type::Basic(c) => self.basic(*c)?,
            Type::Array(elem) => {
                let len = self.u32()? as usize;
                self.align(elem.align())?;
                let end = self.pos.checked_add(len).filter(|&e| e <= self.buf.len());
                let Some(end) = end else {
                    return bad("an array runs past the end");
                };
                let mut items = Vec::new();
                while self.pos < end {
                    items.push(self.value(elem, depth + 1)?);
                }
                if self.pos != end {
                    return bad("an array's length splits an element");
                }
                Value::Array(items)
            }
            Type::Struct(fields) => {
                self.align(8)?;
                let mut items = Vec::with_capacity(fields.len());
                for f in fields {
                    items.push(self.value(f, depth + 1)?);
                }
                Value::Struct(items)
            }
            Type::Entry(k, v) => {
                self.align(8)?;
                let k = self.value(k, depth + 1)?;
                Value::Struct(vec![k, self.value(v, depth + 1)?])
            }
            Type::Variant => {
                let len = self.take(1)?[0] as usize;
                let sig = self.text(len)?;
                let mut types = parse_signature(sig.as_bytes())?;
                if types.len() != 1 {
                    return bad("a variant holds exactly one type");
                }
                Value::Variant(Box::new(self.value(&types.remove(0), depth + 1)?))
            }
        })
    }

    fn basic(&mut self, c: u8) -> Result<Value, WireError> {
        Ok(match c {
            b'y' => Value::Byte(self.take(1)?[0]),
            b'b' => Value::Bool(self.u32()? != 0),
            b'n' => Value::I16(self.fixed::<2>().map(i16::from_le_bytes)?),
            b'q' => Value::U16(self.fixed::<2>().map(u16::from_le_bytes)?),
            b'i' => Value::I32(self.fixed::<4>().map(i32::from_le_bytes)?),
            b'u' => Value::U32(self.u32()?),
            b'h' => Value::Fd(self.u32()?),
            b'x' => Value::I64(self.fixed::<8>().map(i64::from_le_bytes)?),
            b't' => Value::U64(self.fixed::<8>().map(u64::from_le_bytes)?),
            b'd' => Value::Double(self.fixed::<8>().map(f64::from_le_bytes)?),
            b's' | b'o' => {
                let len = self.u32()? as usize;
                Value::Str(self.text(len)?)
            }
            b'g' => {
                let len = self.take(1)?[0] as usize;
                Value::Str(self.text(len)?)
            }
            c => return bad(format!("unknown type code {:?}", c as char)),
        })
    }
}

/// The first 16 bytes of every message: enough to know how long it is.
pub const FIXED_HEADER: usize = 16;

/// The whole length of the message whose first 16 bytes are `head`.
pub fn message_len(head: &[u8; FIXED_HEADER]) -> Result<usize, WireError> {
    let big = match head[0] {
        b'l' => false,
        b'B' => true,
        _ => return bad("unknown byte order"),
    };
    if head[3] != 1 {
        return bad(format!("protocol version {}", head[3]));
    }
    let word = |i: usize| {
        let b: [u8; 4] = head[i..i + 4].try_into().expect("4 bytes");
        (if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }) as usize
    };
    let (body, fields) = (word(4), word(12));
    Ok((FIXED_HEADER + fields).next_multiple_of(8) + body)
}

/// A message received.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub kind: u8,
    pub serial: u32,
    pub reply_serial: Option<u32>,
    pub error_name: Option<String>,
    pub member: Option<String>,
    pub signature: String,
    pub body: Vec<Value>,
}

/// Reads a whole message (as long as [`message_len`] says).
pub fn parse_message(buf: &[u8]) -> Result<Message, WireError> {
    let head: &[u8; FIXED_HEADER] = buf
        .get(..FIXED_HEADER)
        .and_then(|h| h.try_into().ok())
        .ok_or_else(|| WireError("shorter than a header".into()))?;
    if message_len(head)? != buf.len() {
        return bad("length does not match the header");
    }
    let mut r = Reader {
        buf,
        pos: 4,
        big: head[0] == b'B',
    };
    let body_len = r.u32()? as usize;
    let serial = r.u32()?;
    let fields_type = Type::Array(Box::new(Type::Struct(vec![
        Type::Basic(b'y'),
        Type::Variant,
    ])));
    let Value::Array(fields) = r.value(&fields_type, 0)? else {
        unreachable!("an array type reads an array")
    };
    let mut m = Message {
        kind: head[1],
        serial,
        reply_serial: None,
        error_name: None,
        member: None,
        signature: String::new(),
        body: Vec::new(),
    };
    for f in fields {
        let Value::Struct(mut kv) = f else { continue };
        let (Some(Value::Variant(v)), Some(Value::Byte(code))) = (kv.pop(), kv.pop()) else {
            continue;
        };
        match (code, *v) {
            (REPLY_SERIAL, Value::U32(s)) => m.reply_serial = Some(s),
            (ERROR_NAME, Value::Str(s)) => m.error_name = Some(s),
            (MEMBER, Value::Str(s)) => m.member = Some(s),
            (SIGNATURE, Value::Str(s)) => m.signature = s,
            _ => {}
        }
    }
    r.align(8)?;
    if buf.len() - r.pos != body_len {
        return bad("the body length does not match");
    }
    for t in parse_signature(m.signature.as_bytes())? {
        m.body.push(r.value(&t, 0)?);
    }
    if r.pos != buf.len() {
        return bad("the body is longer than its signature");
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> Call<'static> {
        Call {
            destination: "org.example.Dest",
            path: "/org/example",
            interface: "org.example.Iface",
            member: "Do",
            signature: "sua{sv}",
        }
    }

    fn body() -> Vec<u8> {
        let mut w = Writer::new();
        w.str("héllo");
        w.u32(7);
        w.array(8, |w| {
            w.begin_struct();
            w.str("urgency");
            w.sig("y");
            w.byte(2);
        });
        w.buf
    }

    #[test]
    fn a_method_call_reads_back_with_its_body() {
        let msg = method_call(5, &call(), &body());
        let head: [u8; FIXED_HEADER] = msg[..FIXED_HEADER].try_into().unwrap();
        assert_eq!(message_len(&head).unwrap(), msg.len());
        let m = parse_message(&msg).unwrap();
        assert_eq!((m.kind, m.serial), (METHOD_CALL, 5));
        assert_eq!(m.member.as_deref(), Some("Do"));
        assert_eq!(m.signature, "sua{sv}");
        assert_eq!(
            m.body,
            [
                Value::Str("héllo".into()),
                Value::U32(7),
                Value::Array(vec![Value::Struct(vec![
                    Value::Str("urgency".into()),
                    Value::Variant(Box::new(Value::Byte(2)))
                ])])
            ]
        );
    }

    #[test]
    fn known_bytes_of_the_specification_layout() {
        // A string is its length, its bytes and a NUL; an array pads to its elements' alignment
        // after the length, which does not count the padding.
        let mut w = Writer::new();
        w.byte(1);
        w.str("ab");
        w.array(8, |w| {
            w.begin_struct();
            w.byte(9);
        });
        assert_eq!(
            w.buf,
            [1, 0, 0, 0, 2, 0, 0, 0, b'a', b'b', 0, 0, 1, 0, 0, 0, 9]
        );
    }

    #[test]
    fn big_endian_messages_are_read_too() {
        // A METHOD_RETURN in big-endian order, body "u" = 258, reply to serial 3.
        let mut m = vec![b'B', METHOD_RETURN, 0, 1, 0, 0, 0, 4, 0, 0, 0, 9];
        let fields: Vec<u8> = vec![
            REPLY_SERIAL,
            1,
            b'u',
            0,
            0,
            0,
            0,
            3, // (y v=u 3)
            SIGNATURE,
            1,
            b'g',
            0,
            1,
            b'u',
            0, // (y v=g "u")
        ];
        m.extend_from_slice(&(fields.len() as u32).to_be_bytes());
        m.extend_from_slice(&fields);
        while m.len() % 8 != 0 {
            m.push(0);
        }
        m.extend_from_slice(&258u32.to_be_bytes());
        let parsed = parse_message(&m).unwrap();
        assert_eq!(parsed.reply_serial, Some(3));
        assert_eq!(parsed.body, [Value::U32(258)]);
    }

    #[test]
    fn damaged_messages_are_errors_not_panics() {
        let msg = method_call(1, &call(), &body());
        for cut in 0..msg.len() {
            assert!(parse_message(&msg[..cut]).is_err(), "cut at {cut}");
        }
        // Every single-byte change either reads or is an error; none panics.
        for i in 0..msg.len() {
            for b in [0u8, 1, 0x7f, 0xff] {
                let mut m = msg.clone();
                m[i] = b;
                let _ = parse_message(&m);
            }
        }
        assert!(parse_signature(b"a{vs}").is_err());
        assert!(parse_signature(b"(").is_err());
        assert!(parse_signature(b"()").is_err());
        assert!(parse_signature(&[b'a'; 100]).is_err());
    }

    #[test]
    fn nul_cannot_go_into_a_string() {
        let mut w = Writer::new();
        w.str("a\0b");
        assert_eq!(&w.buf[4..], "a\u{fffd}b\0".as_bytes());
    }
}
