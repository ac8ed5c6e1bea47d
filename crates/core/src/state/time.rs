//! Fast parsing of the UTC timestamps that history files hold by the thousand.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

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
