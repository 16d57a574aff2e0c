//! When to try a failed delivery again: exponential backoff with jitter, a bounded number
//! of attempts, and the server's `Retry-After` when it gives one.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// Attempts per update and target, the first included.
pub const MAX_ATTEMPTS: u32 = 8;
/// The wait after the first failure; doubles each time up to [`MAX_DELAY`].
pub const FIRST_DELAY: Duration = Duration::from_secs(1);
pub const MAX_DELAY: Duration = Duration::from_secs(60);
/// The longest `Retry-After` honoured as given (a longer one is capped to this).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// The wait before attempt `next` (2 for the first retry): "equal jitter", a random point
/// in the upper half of `FIRST_DELAY * 2^(next-2)`, capped, so many rooms failing together
/// do not retry in lockstep. `r` is the random draw in 0..1.
pub fn delay(next: u32, r: f64) -> Duration {
    let exp = next.saturating_sub(2).min(16);
    let ceiling = FIRST_DELAY.saturating_mul(1 << exp).min(MAX_DELAY);
    let r = if r.is_finite() {
        r.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let half = ceiling / 2;
    half + half.mul_f64(r)
}

/// The wait before the next attempt: the server's `Retry-After` when given, else backoff.
pub fn wait(next: u32, retry_after: Option<Duration>) -> Duration {
    match retry_after {
        Some(d) => d.min(MAX_RETRY_AFTER),
        None => delay(next, rand::random::<f64>()),
    }
}

/// Parses a `Retry-After` header: seconds, or an HTTP date (`Wed, 21 Oct 2015 07:28:00 GMT`).
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_caps_and_jitters() {
        assert!(delay(2, 0.0) >= Duration::from_millis(500));
        assert!(delay(2, 1.0) <= FIRST_DELAY);
        assert!(delay(5, 1.0) <= Duration::from_secs(8));
        assert!(delay(5, 0.0) >= Duration::from_secs(4));
        assert!(delay(40, 1.0) <= MAX_DELAY);
        assert_ne!(delay(6, 0.1), delay(6, 0.9));
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:27:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after(" 3 ", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(wait(2, Some(Duration::from_secs(9999))), MAX_RETRY_AFTER);
    }
}
