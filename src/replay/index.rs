//! The seek index: snapshots of the fold every `every` events, so seeking anywhere costs
//! one clone plus a fold of at most `every` events.
//!
//! Memory stays bounded: when the estimated size of all snapshots passes the budget, every
//! other snapshot is dropped and the interval doubles.

use crate::incident::Incident;

/// Smallest interval between snapshots.
pub const MIN_EVERY: usize = 4096;
/// Estimated bytes all snapshots together may take.
pub const BUDGET_BYTES: usize = 64 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct SeekIndex {
    every: usize,
    budget: usize,
    /// `snapshots[i]` is the state after folding the first `i * every` events.
    snapshots: Vec<Incident>,
    bytes: Vec<usize>,
}

impl Default for SeekIndex {
    fn default() -> Self {
        SeekIndex::new(MIN_EVERY, BUDGET_BYTES)
    }
}

impl SeekIndex {
    pub fn new(every: usize, budget: usize) -> Self {
        SeekIndex {
            every: every.max(1),
            budget,
            snapshots: vec![Incident::new()],
            bytes: vec![0],
        }
    }

    /// Events between two snapshots.
    pub fn every(&self) -> usize {
        self.every
    }
    pub fn len(&self) -> usize {
        self.snapshots.len()
    }
    pub fn is_empty(&self) -> bool {
        self.snapshots.is_empty()
    }
    /// Estimated bytes held by the snapshots.
    pub fn bytes(&self) -> usize {
        self.bytes.iter().sum()
    }

    /// Called after folding event number `folded` (1-based count) into `state`: takes a
    /// snapshot when one is due.
    pub fn observe(&mut self, folded: usize, state: &Incident) {
        if folded == 0 || !folded.is_multiple_of(self.every) {
            return;
        }
        let slot = folded / self.every;
        if slot < self.snapshots.len() {
            // Rebuilding after an insertion: replace.
            self.bytes[slot] = estimate(state);
            self.snapshots[slot] = state.clone();
            return;
        }
        if slot != self.snapshots.len() {
            return; // a gap can only come from a caller error; never index past it
        }
        self.bytes.push(estimate(state));
        self.snapshots.push(state.clone());
        while self.bytes() > self.budget && self.snapshots.len() > 2 {
            self.thin();
        }
    }

    /// Drops every other snapshot and doubles the interval.
    fn thin(&mut self) {
        fn every_other<T>(v: &mut Vec<T>) {
            let mut i = 0;
            v.retain(|_| {
                let keep = i % 2 == 0;
                i += 1;
                keep
            });
        }
        every_other(&mut self.snapshots);
        every_other(&mut self.bytes);
        self.every *= 2;
    }

    /// Forgets every snapshot after the one covering `events` folded events (for a rebuild
    /// after inserting an event at that position). Returns the snapshot kept and how many
    /// events it holds.
    pub fn truncate_after(&mut self, events: usize) -> (Incident, usize) {
        let slot = (events / self.every).min(self.snapshots.len().saturating_sub(1));
        self.snapshots.truncate(slot + 1);
        self.bytes.truncate(slot + 1);
        (self.snapshots[slot].clone(), slot * self.every)
    }

    /// The snapshot nearest at or before `events` folded events, and its event count.
    pub fn nearest(&self, events: usize) -> (&Incident, usize) {
        let slot = (events / self.every).min(self.snapshots.len().saturating_sub(1));
        (&self.snapshots[slot], slot * self.every)
    }
}

/// A rough size of a folded state: what dominates is the timeline and the series points.
pub fn estimate(s: &Incident) -> usize {
    let timeline: usize = s
        .timeline
        .iter()
        .map(|e| 96 + e.text.len() + e.by.label().len())
        .sum();
    let signals: usize = s
        .signals
        .values()
        .map(|g| 160 + g.name.len() + g.series.len() * 16)
        .sum();
    let reports: usize = s
        .reports
        .values()
        .map(|r| 160 + (r.series.len() + r.baseline_series.len()) * 16)
        .sum();
    let pages: usize = s
        .pages
        .iter()
        .map(|p| {
            p.components.len() * 96
                + p.incidents
                    .iter()
                    .map(|i| 128 + i.updates.iter().map(|u| 96 + u.body.len()).sum::<usize>())
                    .sum::<usize>()
        })
        .sum();
    let alerts = s.alerts.len() * 256;
    1024 + timeline + signals + reports + pages + alerts
}
