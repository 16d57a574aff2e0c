//! Bytes from an SSH client's terminal → crossterm key events.
//!
//! Each candidate sequence is parsed by `terminput` (crossterm's own parser, usable on
//! bytes); this wrapper makes it streaming: a sequence split across packets waits for the
//! rest, and an ESC that ends a packet is held until more bytes come or [`ESC_TIMEOUT`]
//! passes, then it is the Esc key.

use std::time::Duration;

use crossterm::event::Event;

/// How long a lone ESC (or an unfinished sequence) waits for the rest.
pub const ESC_TIMEOUT: Duration = Duration::from_millis(60);

/// Longest sequence kept while waiting; anything longer is garbage and dropped.
const MAX_PENDING: usize = 64;

#[derive(Default)]
pub struct InputParser {
    buf: Vec<u8>,
}

impl InputParser {
    pub fn new() -> Self {
        InputParser::default()
    }

    /// True while bytes wait for the rest of a sequence (arm the ESC timer).
    pub fn pending(&self) -> bool {
        !self.buf.is_empty()
    }

    /// Feeds one packet; returns the complete events in order.
    pub fn feed(&mut self, data: &[u8]) -> Vec<Event> {
        let mut out = Vec::new();
        for &b in data {
            self.buf.push(b);
            // A lone ESC is either the Esc key or the start of a sequence (or Alt+key),
            // maybe split across packets: decide with the next byte or the timeout.
            if self.buf == [0x1b] {
                continue;
            }
            self.try_parse(&mut out);
        }
        out
    }

    /// The ESC timer fired: what is held is taken as typed (ESC → the Esc key).
    pub fn timeout(&mut self) -> Vec<Event> {
        let mut out = Vec::new();
        if self.buf.is_empty() {
            return out;
        }
        let held = std::mem::take(&mut self.buf);
        if let Ok(Some(ev)) = terminput::Event::parse_from(&held[..1]) {
            push(&mut out, ev);
        }
        // Whatever followed an unfinished ESC is re-read as plain input.
        if held.len() > 1 {
            out.extend(self.feed(&held[1..]));
            if self.buf == [0x1b] {
                self.buf.clear();
                if let Ok(Some(ev)) = terminput::Event::parse_from(&[0x1b]) {
                    push(&mut out, ev);
                }
            }
        }
        out
    }

    fn try_parse(&mut self, out: &mut Vec<Event>) {
        if is_sgr_mouse_at_zero(&self.buf) {
            self.buf.clear();
            return;
        }
        match terminput::Event::parse_from(&self.buf) {
            Ok(Some(ev)) => {
                self.buf.clear();
                push(out, ev);
            }
            Ok(None) => {
                if self.buf.len() > MAX_PENDING {
                    self.buf.clear();
                }
            }
            Err(_) => self.buf.clear(),
        }
    }
}

/// `ESC [ < b ; x ; y M|m` with x or y 0. Terminals count from 1 and terminput subtracts 1
/// unchecked (a panic with overflow checks, row 65535 without): a hostile client's garbage.
fn is_sgr_mouse_at_zero(buf: &[u8]) -> bool {
    let Some(body) = buf.strip_prefix(b"\x1b[<") else {
        return false;
    };
    let Some(body) = body.strip_suffix(b"M").or_else(|| body.strip_suffix(b"m")) else {
        return false;
    };
    body.split(|b| *b == b';').skip(1).take(2).any(|f| {
        std::str::from_utf8(f)
            .ok()
            .and_then(|s| s.parse::<u16>().ok())
            == Some(0)
    })
}

fn push(out: &mut Vec<Event>, ev: terminput::Event) {
    if let Ok(ev) = terminput_crossterm::to_crossterm(ev) {
        out.push(ev);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn keys(evs: &[Event]) -> Vec<(KeyCode, KeyModifiers)> {
        evs.iter()
            .filter_map(|e| match e {
                Event::Key(KeyEvent {
                    code, modifiers, ..
                }) => Some((*code, *modifiers)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn plain_keys_and_controls() {
        let mut p = InputParser::new();
        let evs = p.feed(b":note hi\r\x7f\t\x03");
        let k = keys(&evs);
        assert_eq!(k[0], (KeyCode::Char(':'), KeyModifiers::NONE));
        assert_eq!(k[5], (KeyCode::Char(' '), KeyModifiers::NONE));
        assert_eq!(k[8], (KeyCode::Enter, KeyModifiers::NONE));
        assert_eq!(k[9], (KeyCode::Backspace, KeyModifiers::NONE));
        assert_eq!(k[10], (KeyCode::Tab, KeyModifiers::NONE));
        assert_eq!(k[11], (KeyCode::Char('c'), KeyModifiers::CONTROL));
        assert_eq!(k.len(), 12);
        assert!(!p.pending());
    }

    #[test]
    fn arrows_and_backtab_even_when_split_across_packets() {
        let mut p = InputParser::new();
        assert!(p.feed(b"\x1b").is_empty());
        assert!(p.pending());
        assert!(p.feed(b"[").is_empty());
        assert_eq!(keys(&p.feed(b"A")), vec![(KeyCode::Up, KeyModifiers::NONE)]);
        let k = keys(&p.feed(b"\x1b[B\x1b[C\x1bOD\x1b[Z"));
        assert_eq!(k[0].0, KeyCode::Down);
        assert_eq!(k[1].0, KeyCode::Right);
        assert_eq!(k[2].0, KeyCode::Left);
        assert_eq!(k[3].0, KeyCode::BackTab);
    }

    #[test]
    fn a_lone_esc_is_the_esc_key_after_the_timeout() {
        let mut p = InputParser::new();
        assert!(p.feed(b"x\x1b").len() == 1);
        assert!(p.pending());
        assert_eq!(keys(&p.timeout()), vec![(KeyCode::Esc, KeyModifiers::NONE)]);
        assert!(!p.pending());
    }

    #[test]
    fn utf8_split_across_packets_is_one_char() {
        let mut p = InputParser::new();
        let bytes = "é€".as_bytes();
        assert!(p.feed(&bytes[..1]).is_empty());
        let k = keys(&p.feed(&bytes[1..4]));
        assert_eq!(k, vec![(KeyCode::Char('é'), KeyModifiers::NONE)]);
        let k = keys(&p.feed(&bytes[4..]));
        assert_eq!(k, vec![(KeyCode::Char('€'), KeyModifiers::NONE)]);
    }

    #[test]
    fn garbage_never_panics_and_does_not_stick() {
        let mut p = InputParser::new();
        let junk: Vec<u8> = (0..=255u8).chain([0x1b, b'[', b'9', b'9', b'9']).collect();
        let _ = p.feed(&junk);
        let _ = p.timeout();
        let _ = p.feed(&[0x1b, b'[']);
        let _ = p.timeout();
        assert_eq!(
            keys(&p.feed(b"q")),
            vec![(KeyCode::Char('q'), KeyModifiers::NONE)]
        );
    }
}
