//! Fast reading and writing of the UTC timestamps and dates that state and history files hold
//! by the thousand (the same text as chrono's serde, proven by the tests below).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize, Serializer};

/// A timestamp written as chrono's serde writes it (RFC 3339 with `Z`, the fraction in 0, 3, 6
/// or 9 digits: chrono's `SecondsFormat::AutoSi`), from a stack buffer in one piece: chrono's
/// own writer goes through `fmt` a few characters at a time, and serde_json escapes each piece,
/// which made writing the timestamps most of the cost of writing a state file. Years outside
/// 0..=9999 and leap seconds are left to chrono.
struct Rfc3339<'a>(&'a DateTime<Utc>);

impl Serialize for Rfc3339<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 30];
        match format_utc_fast(self.0, &mut buf) {
            Some(n) => s.serialize_str(std::str::from_utf8(&buf[..n]).expect("ASCII")),
            None => self.0.serialize(s),
        }
    }
}

/// Writes `value` as `width` decimal digits at `at`.
fn digits(buf: &mut [u8], at: usize, mut value: u32, width: usize) {
    for i in (at..at + width).rev() {
        buf[i] = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

fn format_utc_fast(t: &DateTime<Utc>, buf: &mut [u8; 30]) -> Option<usize> {
    let year = u32::try_from(t.year()).ok().filter(|y| *y <= 9999)?;
    let nanos = t.nanosecond();
    if nanos >= 1_000_000_000 {
        return None;
    }
    digits(buf, 0, year, 4);
    buf[4] = b'-';
    digits(buf, 5, t.month(), 2);
    buf[7] = b'-';
    digits(buf, 8, t.day(), 2);
    buf[10] = b'T';
    digits(buf, 11, t.hour(), 2);
    buf[13] = b':';
    digits(buf, 14, t.minute(), 2);
    buf[16] = b':';
    digits(buf, 17, t.second(), 2);
    let (width, fraction) = match nanos {
        0 => (0, 0),
        n if n % 1_000_000 == 0 => (3, n / 1_000_000),
        n if n % 1_000 == 0 => (6, n / 1_000),
        n => (9, n),
    };
    let mut end = 19;
    if width > 0 {
        buf[end] = b'.';
        digits(buf, end + 1, fraction, width);
        end += 1 + width;
    }
    buf[end] = b'Z';
    Some(end + 1)
}

/// `#[serde(with = "utc")]`: a timestamp read by [`fast_utc`] and written as [`Rfc3339`].
pub mod utc {
    use super::*;
    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        Rfc3339(t).serialize(s)
    }
    pub use super::fast_utc as deserialize;
}

/// `#[serde(with = "utc_opt")]`: the same for an optional timestamp.
pub mod utc_opt {
    use super::*;
    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        t.as_ref().map(Rfc3339).serialize(s)
    }
    pub use super::fast_utc_opt as deserialize;
}

/// Writes a map of timestamps (step id -> when) as [`Rfc3339`].
pub fn utc_map<S: Serializer, K: Serialize>(
    m: &BTreeMap<K, DateTime<Utc>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(m.iter().map(|(k, v)| (k, Rfc3339(v))))
}

/// `#[serde(with = "date")]`: a `YYYY-MM-DD` date read by [`fast_date`] and written as chrono
/// writes it, in one piece (years outside 0..=9999 are left to chrono).
pub mod date {
    use super::*;
    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        let Some(year) = u32::try_from(d.year()).ok().filter(|y| *y <= 9999) else {
            return d.serialize(s);
        };
        let mut buf = [0u8; 10];
        digits(&mut buf, 0, year, 4);
        buf[4] = b'-';
        digits(&mut buf, 5, d.month(), 2);
        buf[7] = b'-';
        digits(&mut buf, 8, d.day(), 2);
        s.serialize_str(std::str::from_utf8(&buf).expect("ASCII"))
    }
    pub use super::fast_date as deserialize;
}

/// Parses a UTC timestamp; the common `YYYY-MM-DDTHH:MM:SS[.fraction]Z` form without chrono's
/// general parser (history files hold many thousands), anything else through chrono.
pub fn fast_utc<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let s = <std::borrow::Cow<'de, str> as Deserialize>::deserialize(d)?;
    if let Some(t) = parse_utc_fast(&s) {
        return Ok(t);
    }
    s.parse::<DateTime<Utc>>().map_err(serde::de::Error::custom)
}

/// [`fast_utc`] for an optional timestamp (`null` or absent is `None`).
pub fn fast_utc_opt<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let s = <Option<std::borrow::Cow<'de, str>> as Deserialize>::deserialize(d)?;
    s.map(|s| match parse_utc_fast(&s) {
        Some(t) => Ok(t),
        None => s.parse::<DateTime<Utc>>().map_err(serde::de::Error::custom),
    })
    .transpose()
}

pub(crate) fn parse_utc_fast(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() < 20
        || *b.last()? != b'Z'
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let nanos = match &b[19..b.len() - 1] {
        [] => 0,
        [b'.', frac @ ..] if !frac.is_empty() && frac.len() <= 9 => {
            let n = frac.iter().try_fold(0u32, |n, c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })?;
            n * 10u32.pow(9 - frac.len() as u32)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let time =
        chrono::NaiveTime::from_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)?;
    Some(date.and_time(time).and_utc())
}

/// Parses a `YYYY-MM-DD` date without chrono's general parser (state files hold thousands).
pub fn fast_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let s = <std::borrow::Cow<'de, str> as Deserialize>::deserialize(d)?;
    parse_date_fast(&s).map_or_else(
        || s.parse::<NaiveDate>().map_err(serde::de::Error::custom),
        Ok,
    )
}

fn parse_date_fast(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

#[cfg(test)]
mod date_tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Serialize)]
    struct Fast<'a> {
        #[serde(with = "utc")]
        t: &'a DateTime<Utc>,
    }

    fn written_fast(t: &DateTime<Utc>) -> String {
        serde_json::to_string(&Rfc3339(t)).unwrap()
    }

    proptest! {
        // Byte for byte what chrono's serde writes, for every instant chrono can hold: whole
        // seconds, every fraction width, leap seconds, years before 0 and after 9999.
        #[test]
        fn timestamps_are_written_as_chrono_writes_them(
            secs in -400_000_000_000i64..400_000_000_000i64,
            nanos in prop_oneof![
                Just(0u32),
                (0u32..1000).prop_map(|m| m * 1_000_000),
                (0u32..1_000_000).prop_map(|u| u * 1_000),
                0u32..1_000_000_000,
                1_000_000_000u32..2_000_000_000,
            ],
        ) {
            if let Some(t) = DateTime::<Utc>::from_timestamp(secs, nanos) {
                prop_assert_eq!(written_fast(&t), serde_json::to_string(&t).unwrap());
                let back: DateTime<Utc> = serde_json::from_str(&written_fast(&t)).unwrap();
                prop_assert_eq!(back, t);
            }
        }

        #[test]
        fn dates_are_written_as_chrono_writes_them(days in -4_000_000i32..4_000_000) {
            if let Some(d) = NaiveDate::from_num_days_from_ce_opt(days) {
                #[derive(Serialize)]
                struct D(#[serde(with = "date")] NaiveDate);
                prop_assert_eq!(
                    serde_json::to_string(&D(d)).unwrap(),
                    serde_json::to_string(&d).unwrap()
                );
            }
        }
    }

    #[test]
    fn the_with_modules_write_fields_as_chrono_does() {
        let t = "2026-11-25T09:14:00.120Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            serde_json::to_string(&Fast { t: &t }).unwrap(),
            r#"{"t":"2026-11-25T09:14:00.120Z"}"#
        );
    }

    #[test]
    fn fast_dates_agree_with_chrono() {
        for s in ["2026-11-25", "2024-02-29", "0001-01-01", "9999-12-31"] {
            assert_eq!(parse_date_fast(s), s.parse().ok(), "{s}");
        }
        for s in [
            "2025-02-29",
            "2026-13-01",
            "2026-1-01",
            "20261125",
            "2026-11-2x",
        ] {
            assert_eq!(parse_date_fast(s), None, "{s}");
        }
    }
}
