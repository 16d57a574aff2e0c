//! A source's event budget: at most `per_minute` change events in any one-minute window.
//! Changes beyond it are not recorded one by one; the source says them in one summary per
//! minute instead ("4,812 component changes in the last minute, 37 components now
//! degraded"), so a flapping page cannot grow the log without bound.

use chrono::{DateTime, Duration, Utc};

/// Default events per minute per source (`budget` in config).
pub use crate::config::DEFAULT_BUDGET as DEFAULT_PER_MINUTE;

#[derive(Clone, Debug)]
pub struct Budget {
    per_minute: u32,
    window: Option<DateTime<Utc>>,
    /// Changes recorded one by one in this window.
    sent: u32,
    /// Changes seen in this window but over budget.
    over: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(DEFAULT_PER_MINUTE)
    }
}

impl Budget {
    pub fn new(per_minute: u32) -> Self {
        Budget {
            per_minute,
            window: None,
            sent: 0,
            over: 0,
        }
    }

    fn roll(&mut self, now: DateTime<Utc>) {
        if self.window.is_none() {
            self.window = Some(now);
        }
    }

    /// May one more change be recorded now? Counts it either way.
    pub fn take(&mut self, now: DateTime<Utc>) -> bool {
        self.roll(now);
        if self.sent < self.per_minute {
            self.sent += 1;
            true
        } else {
            self.over += 1;
            false
        }
    }

    /// Changes of this window were over budget: a summary is owed when it ends.
    pub fn owes_summary(&self) -> bool {
        self.over > 0
    }

    /// At the end of a window with changes over budget: (changes in the window, of which
    /// over budget). Starts the next window.
    pub fn close(&mut self, now: DateTime<Utc>) -> Option<(u64, u64)> {
        let start = self.window?;
        if now - start < Duration::seconds(60) {
            return None;
        }
        let out = (self.over > 0).then_some((u64::from(self.sent) + self.over, self.over));
        self.window = None;
        self.sent = 0;
        self.over = 0;
        out
    }
}

/// `4812` → `4,812`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_budget_is_counted_and_closed_once_a_minute() {
        let t0 = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let mut b = Budget::new(2);
        assert!(b.take(t0));
        assert!(b.take(t0));
        assert!(!b.take(t0));
        assert_eq!(b.close(t0 + Duration::seconds(30)), None);
        assert!(!b.take(t0 + Duration::seconds(30)));
        assert_eq!(b.close(t0 + Duration::seconds(61)), Some((4, 2)));
        assert!(b.take(t0 + Duration::seconds(62)));
        assert_eq!(thousands(4812), "4,812");
        assert_eq!(thousands(600), "600");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
