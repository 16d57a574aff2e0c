//! The mutator: takes a seed input and changes it the ways parsers break. Blind (no coverage
//! feedback, so it runs on stable Rust), driven by a seeded `StdRng`: the same seed gives
//! the same inputs in the same order.
#![allow(dead_code)]

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Values that break parsers whatever the format.
const INTERESTING: &[&str] = &[
    "0",
    "-0",
    "-1",
    "255",
    "65536",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "1e308",
    "1e309",
    "-1e309",
    "1e-300",
    "5e-324",
    "NaN",
    "nan",
    "\"NaN\"",
    "\"+Inf\"",
    "\"-Inf\"",
    "inf",
    "-inf",
    "0x7fffffff",
    "\"\"",
    "null",
    "\u{1b}",
    "\u{1b}[2J",
    "\u{1b}[31m",
    "\u{1b}]52;c;aGVsbG8=\u{7}",
    "\u{1b}]8;;http://x\u{1b}\\",
    "\u{1b}P+q\u{1b}\\",
    "\u{9b}6n",
    "\u{9d}0;title\u{9c}",
    "\u{7}",
    "\u{8}",
    "\u{0}",
    "\r",
    "\r\n",
    "\t",
    "\u{7f}",
    "\u{202e}",
    "\u{2066}",
    "\u{200f}",
    "\u{feff}",
    "\u{fffd}",
    "界",
    "e\u{301}",
    "👩‍👩‍👧",
    "2026-02-30T25:61:61Z",
    "9999-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z",
    "+262143-12-31T23:59:59Z",
    "1970-01-01T00:00:00+99:99",
];

/// Raw bytes that are not valid UTF-8.
const BAD_UTF8: &[&[u8]] = &[
    b"\xff",
    b"\xfe\xff",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xe2\x82",
    b"\x80",
];

pub struct Mutator {
    rng: StdRng,
    corpus: Vec<Vec<u8>>,
    dict: Vec<Vec<u8>>,
    max_len: usize,
}

impl Mutator {
    pub fn new(seed: u64, corpus: Vec<Vec<u8>>, dict: &[&str], max_len: usize) -> Self {
        let corpus = if corpus.is_empty() {
            vec![Vec::new()]
        } else {
            corpus
        };
        Mutator {
            rng: StdRng::seed_from_u64(seed),
            corpus,
            dict: dict.iter().map(|s| s.as_bytes().to_vec()).collect(),
            max_len: max_len.max(16),
        }
    }

    /// The next input: a seed changed 1 to 8 times (more rarely, many times).
    pub fn next_input(&mut self) -> Vec<u8> {
        let i = self.rng.random_range(0..self.corpus.len());
        let mut data = self.corpus[i].clone();
        let rounds = if self.rng.random_bool(0.1) {
            self.rng.random_range(8..64)
        } else {
            self.rng.random_range(1..=8)
        };
        for _ in 0..rounds {
            self.mutate(&mut data);
        }
        data.truncate(self.max_len);
        data
    }

    fn pos(&mut self, data: &[u8]) -> usize {
        // Favour the start: headers and first fields decide most of a parse.
        if !data.is_empty() && self.rng.random_bool(0.2) {
            self.rng.random_range(0..data.len().min(64) + 1)
        } else {
            self.rng.random_range(0..=data.len())
        }
    }

    fn range(&mut self, data: &[u8]) -> (usize, usize) {
        let a = self.pos(data);
        let max = (data.len() - a).min(256);
        let n = self.rng.random_range(0..=max);
        (a, a + n)
    }

    fn token(&mut self) -> Vec<u8> {
        match self.rng.random_range(0..10) {
            0..=3 if !self.dict.is_empty() => {
                self.dict[self.rng.random_range(0..self.dict.len())].clone()
            }
            0..=6 => INTERESTING[self.rng.random_range(0..INTERESTING.len())]
                .as_bytes()
                .to_vec(),
            7 => BAD_UTF8[self.rng.random_range(0..BAD_UTF8.len())].to_vec(),
            8 => {
                let open =
                    [b"[".as_slice(), b"{\"a\":", b"<a>", b"[[", b"{"][self.rng.random_range(0..5)];
                open.repeat(self.rng.random_range(16..4096))
            }
            _ => {
                let c = [b'A', b'9', b' ', b'"', b'\\', b'\n', b'.'][self.rng.random_range(0..7)];
                vec![c; self.rng.random_range(64..20_000)]
            }
        }
    }

    fn mutate(&mut self, data: &mut Vec<u8>) {
        match self.rng.random_range(0..12) {
            // Flip a bit.
            0 if !data.is_empty() => {
                let i = self.rng.random_range(0..data.len());
                data[i] ^= 1 << self.rng.random_range(0..8);
            }
            // Set a byte to anything.
            1 if !data.is_empty() => {
                let i = self.rng.random_range(0..data.len());
                data[i] = self.rng.random();
            }
            // Insert random bytes.
            2 => {
                let at = self.pos(data);
                let n = self.rng.random_range(1..=8);
                let bytes: Vec<u8> = (0..n).map(|_| self.rng.random()).collect();
                data.splice(at..at, bytes);
            }
            // Delete a range.
            3 => {
                let (a, b) = self.range(data);
                data.drain(a..b);
            }
            // Duplicate a range (repeated fields, doubled lines).
            4 => {
                let (a, b) = self.range(data);
                let chunk = data[a..b].to_vec();
                let at = self.pos(data);
                data.splice(at..at, chunk);
            }
            // Splice: this input's head with another seed's tail.
            5 => {
                let j = self.rng.random_range(0..self.corpus.len());
                let other = &self.corpus[j];
                let cut = self.rng.random_range(0..=data.len());
                let from = self.rng.random_range(0..=other.len());
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            // Truncate (a torn write, a cut connection).
            6 => {
                let at = self.rng.random_range(0..=data.len());
                data.truncate(at);
            }
            // Replace a run of digits with an interesting number.
            7 => {
                let starts: Vec<usize> = (0..data.len())
                    .filter(|&i| {
                        data[i].is_ascii_digit() && (i == 0 || !data[i - 1].is_ascii_digit())
                    })
                    .collect();
                if starts.is_empty() {
                    return;
                }
                let a = starts[self.rng.random_range(0..starts.len())];
                let b = (a..data.len())
                    .find(|&i| !data[i].is_ascii_digit() && data[i] != b'.')
                    .unwrap_or(data.len());
                let t = INTERESTING[self.rng.random_range(0..12)]
                    .as_bytes()
                    .to_vec();
                data.splice(a..b, t);
            }
            // Replace the inside of a string ("...") with a token.
            8 => {
                let quotes: Vec<usize> = (0..data.len()).filter(|&i| data[i] == b'"').collect();
                if quotes.len() < 2 {
                    return;
                }
                let k = self.rng.random_range(0..quotes.len() - 1);
                let (a, b) = (quotes[k] + 1, quotes[k + 1]);
                let t = self.token();
                data.splice(a..b, t);
            }
            // Insert a token anywhere.
            _ => {
                let at = self.pos(data);
                let t = self.token();
                data.splice(at..at, t);
            }
        }
        if data.len() > self.max_len * 2 {
            data.truncate(self.max_len * 2);
        }
    }
}
