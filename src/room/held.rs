//! Drafts waiting to be written, in arrival order.
//!
//! Normally a draft waits here only for the next write. While the log cannot be written
//! (disk full, I/O error) drafts stay until it can; the queue is then bounded: beyond
//! `cap` source events the oldest signal samples are dropped first, then the oldest other
//! source events. People's actions (and anything someone awaits a receipt for) are never
//! dropped.

use std::collections::VecDeque;

use tokio::sync::oneshot;

use crate::incident::{Actor, Draft, EventKind};

/// A draft and, when someone waits for it, where to send its id once it is recorded.
#[derive(Debug)]
pub(crate) struct Pending {
    pub draft: Draft,
    pub ack: Option<oneshot::Sender<u64>>,
}

impl Pending {
    /// A person's action or an awaited draft: never dropped.
    fn kept(&self) -> bool {
        self.ack.is_some() || matches!(self.draft.by, Actor::Person(_))
    }
    fn sample(&self) -> bool {
        matches!(
            self.draft.kind,
            EventKind::Metric { .. } | EventKind::Reports { .. }
        )
    }
}

#[derive(Debug)]
pub(crate) struct Held {
    q: VecDeque<Pending>,
    /// Most source events held (people's actions do not count and are never dropped).
    cap: usize,
    kept: usize,
    samples: usize,
    dropped: u64,
}

impl Held {
    pub fn new(cap: usize) -> Self {
        Held {
            q: VecDeque::new(),
            cap,
            kept: 0,
            samples: 0,
            dropped: 0,
        }
    }

    pub fn push(&mut self, p: Pending) {
        if p.kept() {
            self.kept += 1;
        } else if p.sample() {
            self.samples += 1;
        }
        self.q.push_back(p);
        while self.q.len() - self.kept > self.cap {
            let at = if self.samples > 0 {
                self.q.iter().position(Pending::sample)
            } else {
                self.q.iter().position(|p| !p.kept())
            };
            let Some(at) = at else { break };
            if let Some(p) = self.q.remove(at) {
                self.forget(&p);
                self.dropped += 1;
            }
        }
    }

    fn forget(&mut self, p: &Pending) {
        if p.kept() {
            self.kept -= 1;
        } else if p.sample() {
            self.samples -= 1;
        }
    }

    /// The first `n` drafts (to write), without removing them.
    pub fn front(&self, n: usize) -> impl Iterator<Item = &Draft> {
        self.q.iter().take(n).map(|p| &p.draft)
    }

    /// Removes the first `n` (they were written).
    pub fn pop_front(&mut self, n: usize) -> Vec<Pending> {
        let n = n.min(self.q.len());
        let out: Vec<Pending> = self.q.drain(..n).collect();
        for p in &out {
            self.forget(p);
        }
        out
    }

    /// Everything still held (the room gives up on them).
    pub fn take_all(&mut self) -> Vec<Pending> {
        let n = self.q.len();
        self.pop_front(n)
    }

    pub fn len(&self) -> usize {
        self.q.len()
    }
    pub fn is_empty(&self) -> bool {
        self.q.is_empty()
    }
    /// People's actions (and awaited drafts) held.
    pub fn actions(&self) -> usize {
        self.kept
    }
    /// Source events dropped since the last call.
    pub fn take_dropped(&mut self) -> u64 {
        std::mem::take(&mut self.dropped)
    }
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn pending(by: Actor, kind: EventKind) -> Pending {
        Pending {
            draft: Draft::new(Utc::now(), by, kind),
            ack: None,
        }
    }
    fn sample(v: f64) -> Pending {
        pending(
            Actor::source("m"),
            EventKind::Metric {
                series: "m".into(),
                value: v,
            },
        )
    }
    fn note(t: &str) -> Pending {
        pending(Actor::person("ana"), EventKind::Note { text: t.into() })
    }
    fn status(s: &str) -> Pending {
        pending(
            Actor::source("page"),
            EventKind::StatusPage {
                page: "p".into(),
                indicator: s.into(),
                description: String::new(),
            },
        )
    }

    fn texts(h: &Held) -> Vec<String> {
        h.front(usize::MAX)
            .map(|d| match &d.kind {
                EventKind::Note { text } => text.clone(),
                EventKind::Metric { value, .. } => format!("m{value}"),
                EventKind::StatusPage { indicator, .. } => indicator.clone(),
                _ => "?".into(),
            })
            .collect()
    }

    #[test]
    fn oldest_samples_go_first_and_people_never() {
        let mut h = Held::new(3);
        h.push(note("a"));
        h.push(status("minor"));
        h.push(sample(1.0));
        h.push(note("b"));
        h.push(sample(2.0));
        h.push(sample(3.0));
        assert_eq!(texts(&h), ["a", "minor", "b", "m2", "m3"]);
        h.push(status("major"));
        assert_eq!(texts(&h), ["a", "minor", "b", "m3", "major"]);
        h.push(status("critical"));
        h.push(status("none"));
        // No samples left: the oldest other source events go; notes stay.
        assert_eq!(texts(&h), ["a", "b", "major", "critical", "none"]);
        for i in 0..100 {
            h.push(note(&format!("n{i}")));
        }
        assert_eq!(h.actions(), 102);
        assert_eq!(h.len(), 105);
        assert_eq!(h.take_dropped(), 4);
    }

    #[test]
    fn pop_keeps_the_counts() {
        let mut h = Held::new(10);
        h.push(note("a"));
        h.push(sample(1.0));
        let out = h.pop_front(1);
        assert_eq!(out.len(), 1);
        assert_eq!(h.actions(), 0);
        assert_eq!(h.len(), 1);
        assert_eq!(h.take_all().len(), 1);
        assert!(h.is_empty());
    }
}
