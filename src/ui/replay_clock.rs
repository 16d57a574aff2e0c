//! The replay's clock, held by the App in read-only review mode (`App::replay_clock`): a
//! position in incident time, playing or paused, a speed from a fixed ladder, and the
//! keys that move it. The view only supplies the log ([`ReplayIndex`]: its span, where
//! its timeline entries and key times are) and folds the state at the clock's position.
//! Pure: the caller says how much real time has passed.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::incident::KeyTime;

/// The speeds `+`/`-` step through.
pub const SPEEDS: [f64; 5] = [1.0, 2.0, 10.0, 60.0, 600.0];

/// What the clock needs to know of the log it plays: supplied by the replay view.
pub trait ReplayIndex {
    /// The first timeline entry after `t`.
    fn entry_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>>;
    /// The last timeline entry before `t`.
    fn entry_before(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>>;
    /// A key time, when the log reached it.
    fn key_time(&self, k: KeyTime) -> Option<DateTime<Utc>>;
}

/// What a key did to the clock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClockKey {
    /// Not one of the clock's keys: the App handles it.
    NotMine,
    /// The clock moved, played, paused or changed speed.
    Done,
    /// The key asked for something the log does not have (the text says what).
    Refused(String),
}

/// A virtual clock over `[start, end]`.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayClock {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    position: DateTime<Utc>,
    playing: bool,
    speed: usize,
    /// Sub-millisecond remainder carried between ticks so slow speeds do not drift.
    carry_nanos: f64,
}

impl ReplayClock {
    /// A paused clock at `start` running at 1x. `end` earlier than `start` is treated as `start`.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        ReplayClock {
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

    /// The clock's keys: space play/pause, `+`/`-` speed, ←/→ 10 s (with Shift 1 min),
    /// `[`/`]` previous/next timeline entry, `g`/`G` start/end, `1`-`5` the key times.
    pub fn key(&mut self, key: &KeyEvent, log: &dyn ReplayIndex) -> ClockKey {
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        let step = |s: &mut Self, secs: i64| {
            let t = s.position.checked_add_signed(Duration::seconds(secs));
            s.set_position(t.unwrap_or(s.position));
        };
        let mut said = None;
        match key.code {
            KeyCode::Char(' ') => self.toggle(),
            KeyCode::Char('+') | KeyCode::Char('=') => self.faster(),
            KeyCode::Char('-') | KeyCode::Char('_') => self.slower(),
            KeyCode::Left => step(self, if shift { -60 } else { -10 }),
            KeyCode::Right => step(self, if shift { 60 } else { 10 }),
            KeyCode::Char('[') => match log.entry_before(self.position) {
                Some(t) => self.set_position(t),
                None => said = Some("no earlier timeline entry".to_string()),
            },
            KeyCode::Char(']') => match log.entry_after(self.position) {
                Some(t) => self.set_position(t),
                None => said = Some("no later timeline entry".to_string()),
            },
            KeyCode::Char('g') | KeyCode::Home => self.set_position(self.start),
            KeyCode::Char('G') | KeyCode::End => self.set_position(self.end),
            KeyCode::Char(c @ '1'..='5') => {
                let k = KeyTime::ALL[(c as u8 - b'1') as usize];
                match log.key_time(k) {
                    Some(t) => self.set_position(t),
                    None => said = Some(format!("this incident has no \"{}\" time", k.label())),
                }
            }
            _ => return ClockKey::NotMine,
        }
        said.map_or(ClockKey::Done, ClockKey::Refused)
    }

    /// Time since the start.
    pub fn elapsed(&self) -> Duration {
        self.position - self.start
    }
    pub fn total(&self) -> Duration {
        self.end - self.start
    }
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
        let mut c = ReplayClock::new(t0(), t0() + Duration::seconds(100));
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
        let mut c = ReplayClock::new(t0(), t0());
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

    /// A log with timeline entries at +60 s and +300 s and only a detected time.
    struct Log;
    impl ReplayIndex for Log {
        fn entry_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
            [60, 300]
                .map(|s| t0() + Duration::seconds(s))
                .into_iter()
                .find(|e| *e > t)
        }
        fn entry_before(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
            [300, 60]
                .map(|s| t0() + Duration::seconds(s))
                .into_iter()
                .find(|e| *e < t)
        }
        fn key_time(&self, k: KeyTime) -> Option<DateTime<Utc>> {
            (k == KeyTime::Detected).then(|| t0() + Duration::seconds(60))
        }
    }

    fn press(c: &mut ReplayClock, code: KeyCode) -> ClockKey {
        c.key(&KeyEvent::from(code), &Log)
    }

    #[test]
    fn keys_move_the_clock_through_the_log_and_name_what_it_lacks() {
        let mut c = ReplayClock::new(t0(), t0() + Duration::seconds(600));
        assert_eq!(press(&mut c, KeyCode::Char(']')), ClockKey::Done);
        assert_eq!(c.elapsed(), Duration::seconds(60));
        press(&mut c, KeyCode::Right);
        assert_eq!(c.elapsed(), Duration::seconds(70));
        press(&mut c, KeyCode::Char('G'));
        assert_eq!(c.position(), c.end());
        assert_eq!(
            press(&mut c, KeyCode::Char(']')),
            ClockKey::Refused("no later timeline entry".into())
        );
        press(&mut c, KeyCode::Char('['));
        assert_eq!(c.elapsed(), Duration::seconds(300));
        press(&mut c, KeyCode::Char('2'));
        assert_eq!(c.elapsed(), Duration::seconds(60), "2 = detected");
        assert!(
            matches!(press(&mut c, KeyCode::Char('5')), ClockKey::Refused(m) if m.contains("resolved"))
        );
        assert_eq!(
            c.elapsed(),
            Duration::seconds(60),
            "a missing key time does not move it"
        );
        press(&mut c, KeyCode::Char(' '));
        assert!(c.is_playing());
        assert_eq!(press(&mut c, KeyCode::Char('q')), ClockKey::NotMine);
    }
}
