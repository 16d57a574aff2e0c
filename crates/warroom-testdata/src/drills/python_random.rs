//! Python's `random` module, as far as the drill scripts used it: the same Mersenne
//! Twister (seeded as `random.seed(n)` seeds it), `random()` built from two draws the way
//! CPython builds it, `uniform(a, b)`, and `round` with Python's rounding. The bundled
//! drills were first written by Python scripts; drawing the same numbers keeps every
//! metric value of the committed files, so the drill tests and snapshots keep their times.

use rand_mt::Mt;

/// `random.Random(seed)` for a seed below 2^32.
pub struct PyRandom(Mt);

impl PyRandom {
    /// `random.seed(seed)`: CPython seeds an int through `init_by_array` with its 32-bit
    /// words (one word here).
    pub fn new(seed: u32) -> Self {
        PyRandom(Mt::new_with_key([seed]))
    }

    /// `random.random()`: 53 random bits in [0, 1).
    pub fn random(&mut self) -> f64 {
        let a = f64::from(self.0.next_u32() >> 5);
        let b = f64::from(self.0.next_u32() >> 6);
        (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `random.uniform(a, b)`.
    pub fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.random()
    }
}

/// `round(x, digits)`: the decimal nearest to the exact value of `x`, as CPython rounds.
pub fn round_to(x: f64, digits: usize) -> f64 {
    format!("{x:.digits$}").parse().unwrap_or(x)
}

/// `round(x)`: nearest integer, ties to even.
pub fn round(x: f64) -> f64 {
    x.round_ties_even()
}

/// `int(x)`: towards zero.
pub fn int(x: f64) -> i64 {
    x.trunc() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// First draws of `random.Random(412)` in CPython 3:
    /// `[r.random() for _ in range(3)]`, `r.uniform(-0.08, 0.08)`.
    #[test]
    fn draws_what_cpython_draws() {
        let mut r = PyRandom::new(412);
        let got: Vec<f64> = (0..3).map(|_| r.random()).collect();
        assert_eq!(got, PY_412);
        assert_eq!(r.uniform(-0.08, 0.08), PY_412_UNIFORM);
    }

    const PY_412: [f64; 3] = [0.287485695366838, 0.7104741468198333, 0.0580333404729646];
    const PY_412_UNIFORM: f64 = 0.07916300201164887;

    #[test]
    fn rounds_ties_to_even_like_python() {
        assert_eq!(round(2.5), 2.0);
        assert_eq!(round(3.5), 4.0);
        assert_eq!(round_to(0.125, 2), 0.12);
        assert_eq!(round_to(0.375, 2), 0.38);
        assert_eq!(round_to(1234.56789, 1), 1234.6);
    }
}
