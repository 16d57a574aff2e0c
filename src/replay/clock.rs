//! The virtual clock of a replay: a position in incident time, playing or paused, and a
//! speed from a fixed ladder. Pure: the caller says how much real time has passed.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};

/// The speeds `+`/`-` step through.
pub const SPEEDS: [f64; 5] = [1.0, 2.0, 10.0, 60.0, 600.0];

#[derive(Clone, Debug, PartialEq)]
pub struct Clock {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    position: DateTime<Utc>,
    playing: bool,
    speed: usize,
    /// Sub-millisecond remainder carried between ticks so slow speeds do not drift.
    carry_nanos: f64,
}

impl Clock {
    /// A paused clock at `start` running at 1x. `end` earlier than `start` is treated as `start`.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Clock {
            start,
            end: end.max(start),
            position: start,
            playing: false,
            speed: 0,
            carry_nanos: 0.0,
        }
    }

    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }
    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }
    pub fn position(&self) -> DateTime<Utc> {
        self.position
    }
    pub fn is_playing(&self) -> bool {
        self.playing
    }
    /// The current speed factor (1, 2, 10, 60 or 600).
    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed]
    }

    /// Sets the speed to the ladder step nearest to `factor`.
    pub fn set_speed(&mut self, factor: f64) {
        let mut best = 0;
        for (i, s) in SPEEDS.iter().enumerate() {
            if (s - factor).abs() < (SPEEDS[best] - factor).abs() {
                best = i;
            }
        }
        self.speed = best;
    }
    pub fn faster(&mut self) {
        self.speed = (self.speed + 1).min(SPEEDS.len() - 1);
    }
    pub fn slower(&mut self) {
        self.speed = self.speed.saturating_sub(1);
    }

    /// Play or pause; playing at the end starts again from the start.
    pub fn toggle(&mut self) {
        if self.playing {
            self.playing = false;
        } else {
            if self.position >= self.end {
                self.position = self.start;
            }
            self.playing = true;
        }
        self.carry_nanos = 0.0;
    }
    pub fn pause(&mut self) {
        self.playing = false;
    }

    /// Moves to `t`, clamped to `[start, end]`.
    pub fn set_position(&mut self, t: DateTime<Utc>) {
        self.position = t.clamp(self.start, self.end);
        self.carry_nanos = 0.0;
    }

    /// Advances by `real` elapsed real time times the speed when playing; pauses at the
    /// end. Returns true when the position moved.
    pub fn advance(&mut self, real: StdDuration) -> bool {
        if !self.playing {
            return false;
        }
        let nanos = real.as_secs_f64() * 1e9 * self.speed() + self.carry_nanos;
        let whole = nanos.floor();
        self.carry_nanos = nanos - whole;
        let step = Duration::nanoseconds(whole.min(i64::MAX as f64) as i64);
        let before = self.position;
        let next = self.position.checked_add_signed(step).unwrap_or(self.end);
        self.position = next.min(self.end);
        if self.position >= self.end {
            self.playing = false;
        }
        self.position != before
    }

    /// Time since the start.
    pub fn elapsed(&self) -> Duration {
        self.position - self.start
    }
    pub fn total(&self) -> Duration {
        self.end - self.start
    }
}

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
    fn plays_at_speed_and_stops_at_the_end() {
        let mut c = Clock::new(t0(), t0() + Duration::seconds(100));
        c.set_speed(10.0);
        c.toggle();
        c.advance(StdDuration::from_secs(2));
        assert_eq!(c.elapsed(), Duration::seconds(20));
        c.advance(StdDuration::from_secs(60));
        assert_eq!(c.position(), c.end());
        assert!(!c.is_playing());
    }

    #[test]
    fn speed_ladder_is_bounded() {
        let mut c = Clock::new(t0(), t0());
        for _ in 0..10 {
            c.faster();
        }
        assert_eq!(c.speed(), 600.0);
        for _ in 0..10 {
            c.slower();
        }
        assert_eq!(c.speed(), 1.0);
        c.set_speed(50.0);
        assert_eq!(c.speed(), 60.0);
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
