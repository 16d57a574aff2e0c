//! Exponential backoff with jitter for a failing source: `every`, then about 2x, 4x, ...
//! up to a cap, back to `every` after the first success.

use std::time::Duration;

/// Longest wait between two attempts of a failing source (unless `every` is longer).
pub const MAX_BACKOFF: Duration = Duration::from_secs(5 * 60);

#[derive(Clone, Debug)]
pub struct Backoff {
    every: Duration,
    max: Duration,
    failures: u32,
}

impl Backoff {
    pub fn new(every: Duration) -> Self {
        Backoff {
            every,
            max: MAX_BACKOFF.max(every),
            failures: 0,
        }
    }
    pub fn success(&mut self) {
        self.failures = 0;
    }
    pub fn failure(&mut self) {
        self.failures = self.failures.saturating_add(1);
    }
    pub fn failures(&self) -> u32 {
        self.failures
    }
    /// The ceiling of the next wait: `every * 2^failures`, capped.
    pub fn ceiling(&self) -> Duration {
        if self.failures == 0 {
            return self.every;
        }
        let factor = 1u32 << self.failures.min(16);
        self.every.saturating_mul(factor).min(self.max)
    }
    /// The next wait. Healthy: exactly `every`. Failing: "equal jitter", a random point in
    /// the upper half of the ceiling, never shorter than `every`, so many sources failing
    /// together (one proxy down) do not retry in lockstep.
    pub fn delay(&self) -> Duration {
        self.delay_with(rand::random::<f64>())
    }
    /// `delay` with the random draw given (`r` in 0..1), for tests.
    pub fn delay_with(&self, r: f64) -> Duration {
        let ceiling = self.ceiling();
        if self.failures == 0 {
            return ceiling;
        }
        let r = if r.is_finite() {
            r.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let half = ceiling / 2;
        (half + half.mul_f64(r)).max(self.every)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_then_caps_then_resets() {
        let mut b = Backoff::new(Duration::from_secs(15));
        assert_eq!(b.delay_with(0.3), Duration::from_secs(15));
        b.failure();
        assert_eq!(b.ceiling(), Duration::from_secs(30));
        assert!(b.delay_with(0.0) >= Duration::from_secs(15));
        assert!(b.delay_with(1.0) <= Duration::from_secs(30));
        for _ in 0..40 {
            b.failure();
        }
        assert_eq!(b.ceiling(), MAX_BACKOFF);
        assert!(b.delay_with(0.99) <= MAX_BACKOFF);
        assert!(b.delay_with(0.0) >= MAX_BACKOFF / 2);
        b.success();
        assert_eq!(b.delay_with(0.7), Duration::from_secs(15));
    }

    #[test]
    fn jitter_spreads_retries() {
        let mut b = Backoff::new(Duration::from_secs(1));
        for _ in 0..5 {
            b.failure();
        }
        assert_ne!(b.delay_with(0.1), b.delay_with(0.9));
    }
}
