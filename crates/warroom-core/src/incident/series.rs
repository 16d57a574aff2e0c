//! Compact, bounded time series: `(unix millis, value)` pairs.
//!
//! A series never grows past its capacity: when full, the older half is downsampled by
//! averaging neighbouring pairs, so recent points stay at full resolution and old ones
//! thin out. The peak is kept apart so downsampling never hides the worst value.

use chrono::{DateTime, TimeZone, Utc};

/// Default number of points kept per series (an hour of 1-second samples fits).
pub const DEFAULT_CAPACITY: usize = 4096;

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    points: Vec<(i64, f64)>,
    capacity: usize,
}

impl Default for Series {
    fn default() -> Self {
        Series::with_capacity(DEFAULT_CAPACITY)
    }
}

impl Series {
    pub fn with_capacity(capacity: usize) -> Self {
        Series {
            points: Vec::new(),
            capacity: capacity.max(8),
        }
    }

    /// Appends a sample. Samples older than the last one are inserted in order.
    pub fn push(&mut self, at: DateTime<Utc>, value: f64) {
        let t = at.timestamp_millis();
        if self.points.len() >= self.capacity {
            self.downsample();
        }
        match self.points.last() {
            Some(&(last, _)) if t < last => {
                let i = self.points.partition_point(|&(pt, _)| pt <= t);
                self.points.insert(i, (t, value));
            }
            _ => self.points.push((t, value)),
        }
    }

    /// Averages neighbouring pairs in the older half.
    fn downsample(&mut self) {
        let half = self.points.len() / 2;
        let mut out = Vec::with_capacity(self.capacity);
        let mut i = 0;
        while i + 1 < half {
            let (t0, v0) = self.points[i];
            let (t1, v1) = self.points[i + 1];
            let v = if v0.is_finite() && v1.is_finite() {
                (v0 + v1) / 2.0
            } else if v1.is_finite() {
                v1
            } else {
                v0
            };
            out.push((t0 + (t1 - t0) / 2, v));
            i += 2;
        }
        out.extend_from_slice(&self.points[i..]);
        self.points = out;
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }
    pub fn points(&self) -> &[(i64, f64)] {
        &self.points
    }
    pub fn last(&self) -> Option<(DateTime<Utc>, f64)> {
        self.points.last().map(|&(t, v)| (millis(t), v))
    }
    /// Points with time in `[from, to]`.
    pub fn window(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> &[(i64, f64)] {
        let (a, b) = (from.timestamp_millis(), to.timestamp_millis());
        let lo = self.points.partition_point(|&(t, _)| t < a);
        let hi = self.points.partition_point(|&(t, _)| t <= b);
        &self.points[lo..hi.max(lo)]
    }
    /// Highest and lowest finite values.
    pub fn bounds(&self) -> Option<(f64, f64)> {
        bounds(&self.points)
    }
}

/// Lowest and highest finite values of a slice of points.
pub fn bounds(points: &[(i64, f64)]) -> Option<(f64, f64)> {
    let mut it = points.iter().map(|p| p.1).filter(|v| v.is_finite());
    let first = it.next()?;
    Some(it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
}

/// Unix milliseconds to a UTC time (clamped to the representable range).
pub fn millis(t: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(t)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_bounded_and_keeps_recent_points_exact() {
        let mut s = Series::with_capacity(100);
        let t0 = Utc
            .timestamp_opt(1_700_000_000, 0)
            .single()
            .unwrap_or_default();
        for i in 0..10_000 {
            s.push(t0 + chrono::Duration::seconds(i), i as f64);
        }
        assert!(s.len() <= 100);
        let last = s.last().map(|p| p.1);
        assert_eq!(last, Some(9_999.0));
        let ts: Vec<i64> = s.points().iter().map(|p| p.0).collect();
        let mut sorted = ts.clone();
        sorted.sort();
        assert_eq!(ts, sorted, "points stay in time order");
    }

    #[test]
    fn late_sample_is_inserted_in_order() {
        let mut s = Series::default();
        let t0 = Utc
            .timestamp_opt(1_700_000_000, 0)
            .single()
            .unwrap_or_default();
        s.push(t0 + chrono::Duration::seconds(10), 1.0);
        s.push(t0, 0.0);
        assert_eq!(s.points()[0].1, 0.0);
        assert_eq!(s.last().map(|p| p.1), Some(1.0));
    }
}
