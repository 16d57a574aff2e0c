//! Communication as the fold sees it: the status updates written in the room, what each
//! publisher did with them, the cadence in force, and the alarm when our public page
//! contradicts our own signals. Derived from the log only, so live, replay and export agree.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::event::{Audience, ComponentStatus, IncidentState, PublishOutcome};

/// Everything the room has said, and what it owes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Comms {
    /// Every status update, in log order.
    pub updates: Vec<UpdateRecord>,
    /// The cadence in force (from `comms_defined`); none: no cadence configured.
    pub cadence: Option<Cadence>,
    /// The silent-page alarm: our public page contradicts our signals (none: it does not).
    pub alarm: Option<PageAlarm>,
}

/// One status update and its deliveries.
#[derive(Clone, Debug, PartialEq)]
pub struct UpdateRecord {
    /// The `status_update` event's id (publish events refer to it).
    pub id: u64,
    pub at: DateTime<Utc>,
    pub author: String,
    pub audience: Audience,
    pub state: IncidentState,
    pub components: Vec<ComponentStatus>,
    pub body: String,
    pub targets: Vec<String>,
    /// Target name → the latest outcome of publishing to it.
    pub deliveries: BTreeMap<String, Delivery>,
}

/// The latest outcome of one publisher for one update.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    pub outcome: PublishOutcome,
    pub at: DateTime<Utc>,
    pub attempts: u32,
    pub remote_id: Option<String>,
    pub status: Option<u16>,
    pub message: Option<String>,
}

/// The cadence from `[comms]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Cadence {
    pub first_update_within: Duration,
    /// Severity name (`SEV1`..) → interval between public updates.
    pub every: BTreeMap<String, Duration>,
    pub contradiction_after: Duration,
}

/// Our public page says all is well while our signals say otherwise.
#[derive(Clone, Debug, PartialEq)]
pub struct PageAlarm {
    /// When the contradiction began (the alarm is raised `contradiction_after` later).
    pub since: DateTime<Utc>,
    /// The page (source name) that is silent.
    pub page: String,
    /// What our signals say, in words ("checkout error rate critical").
    pub signal: String,
}

impl Comms {
    /// The last public update, if any.
    pub fn last_public(&self) -> Option<&UpdateRecord> {
        self.updates
            .iter()
            .rev()
            .find(|u| u.audience == Audience::Public)
    }

    /// The last internal update, if any.
    pub fn last_internal(&self) -> Option<&UpdateRecord> {
        self.updates
            .iter()
            .rev()
            .find(|u| u.audience == Audience::Internal)
    }
}
