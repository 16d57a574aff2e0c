//! Positions in a log's time: `T+01:02:03` offsets for the time bar and exports, and the
//! `--at` forms `warroom replay` accepts. Pure.

use chrono::{DateTime, Duration, Utc};

/// `T+01:02:03` (hours may exceed 99; negative durations get `T-`).
pub fn format_offset(d: Duration) -> String {
    let sign = if d < Duration::zero() { "T-" } else { "T+" };
    let s = d.num_seconds().unsigned_abs();
    format!("{sign}{:02}:{:02}:{:02}", s / 3600, (s % 3600) / 60, s % 60)
}

/// Parses a position for `--at`: `T+mm:ss`, `T+hh:mm:ss`, `HH:MM[:SS]` (UTC, on the day of
/// `start`, or the next day when that is before `start`), or an RFC 3339 time.
pub fn parse_at(s: &str, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix("T+").or_else(|| s.strip_prefix("t+")) {
        return Some(start + parse_hms(rest, true)?);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let d = parse_hms(s, false)?;
    let midnight = start.date_naive().and_hms_opt(0, 0, 0)?.and_utc();
    let t = midnight + d;
    Some(if t < start { t + Duration::days(1) } else { t })
}

/// `mm:ss` / `hh:mm:ss` (offsets, when `offset`) or `HH:MM` / `HH:MM:SS` (clock times).
fn parse_hms(s: &str, offset: bool) -> Option<Duration> {
    let parts: Vec<&str> = s.split(':').collect();
    let nums: Option<Vec<i64>> = parts
        .iter()
        .map(|p| p.parse::<i64>().ok().filter(|n| *n >= 0))
        .collect();
    let nums = nums?;
    let (h, m, sec) = match (nums.as_slice(), offset) {
        ([m, s], true) => (0, *m, *s),
        ([h, m], false) => (*h, *m, 0),
        ([h, m, s], _) => (*h, *m, *s),
        _ => return None,
    };
    if m >= 60 && !(offset && nums.len() == 2) || sec >= 60 || (!offset && h >= 24) {
        return None;
    }
    Some(Duration::seconds(
        h.checked_mul(3600)?.checked_add(m * 60)?.checked_add(sec)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 5, 22, 0, 0).unwrap()
    }

    #[test]
    fn parses_positions() {
        assert_eq!(
            parse_at("T+01:30", t0()),
            Some(t0() + Duration::seconds(90))
        );
        assert_eq!(
            parse_at("T+1:00:05", t0()),
            Some(t0() + Duration::seconds(3605))
        );
        assert_eq!(parse_at("22:10", t0()), Some(t0() + Duration::minutes(10)));
        assert_eq!(
            parse_at("01:00:00", t0()),
            Some(t0() + Duration::hours(3)),
            "a clock time before the start is the next day"
        );
        assert_eq!(
            parse_at("2026-03-05T22:05:00Z", t0()),
            Some(t0() + Duration::minutes(5))
        );
        assert_eq!(parse_at("soon", t0()), None);
        assert_eq!(parse_at("25:00", t0()), None);
        assert_eq!(format_offset(Duration::seconds(3723)), "T+01:02:03");
    }
}
