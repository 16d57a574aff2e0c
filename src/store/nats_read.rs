//! Reading what is already on the stream, in bulk: a room new to an incident (a cold open
//! with no local mirror), `warroom log pull` and `warroom incidents --store` read every
//! event there is before anything live.
//!
//! An ordered consumer asks for 500 messages per pull request and is read one message at
//! a time. A read whose end is known (the last sequence, taken when it starts) uses instead
//! an ephemeral pull consumer without acks that asks for [`READ_BATCH`] messages (up to
//! [`READ_BATCH_BYTES`]) per request, held to order by its consumer sequence: a gap, or a
//! server that stops answering, ends that consumer, and the read goes on from the last
//! sequence handed on with a new one. Messages are handed on in chunks, and chunks are
//! decoded on blocking threads while the next ones arrive, then handed on in order.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use async_nats::jetstream::{
    self,
    consumer::{AckPolicy, DeliverPolicy, pull},
};
use bytes::Bytes;
use futures::StreamExt;
use tokio::sync::mpsc;

use super::nats::{NatsError, SUBJECTS, Summary, decode, ensure_stream, last_sequence, nats};
use crate::config::NatsConfig;
use crate::incident::{Event, Incident};

/// Messages one pull request asks for.
const READ_BATCH: usize = 10_000;
/// Bytes one pull request asks for at most.
const READ_BATCH_BYTES: usize = 16 << 20;
/// Messages handed on at once (one decode, one fold, one mirror write).
const CHUNK: usize = 16_384;
/// Chunks decoded at once, besides the one being handed on.
const DECODING: usize = 2;
/// A consumer that sends nothing this long has stopped answering.
const ANSWER: Duration = Duration::from_secs(10);
/// How long `pull` and `list` keep trying without progress after a server stops
/// answering. After a server of a cluster is killed, the others take up to ~30 s to count
/// it offline, and until then a new consumer can be placed on it and time out; a later
/// try succeeds.
pub const PATIENCE: Duration = Duration::from_secs(90);

/// A message read from the stream.
pub(super) struct Raw {
    pub seq: u64,
    pub subject: async_nats::Subject,
    pub payload: Bytes,
}

/// Where a read ends: the incident's last event, or the stream's last message.
#[derive(Clone, Debug)]
pub(super) enum Upto {
    Incident(String),
    Stream,
}

/// What to read: the messages of `filter` after sequence `after` up to `upto`; an
/// interrupted read goes on for as long as it makes progress and for `patience` without.
pub(super) struct Read {
    pub filter: String,
    pub upto: Upto,
    pub after: u64,
    pub patience: Duration,
}

/// The sequence a read ends at, asked once when it starts.
async fn end_of(stream: &mut jetstream::stream::Stream, upto: &Upto) -> Result<u64, NatsError> {
    match upto {
        Upto::Incident(id) => last_sequence(stream, id).await,
        Upto::Stream => {
            let state = &stream
                .info()
                .await
                .map_err(|e| nats("stream")(e.to_string()))?
                .state;
            // A purged stream keeps its last sequence but has nothing to read.
            Ok(if state.messages == 0 {
                0
            } else {
                state.last_sequence
            })
        }
    }
}

/// One consumer's read of `filter` from `*after + 1` up to `last`, handing chunks to `tx`
/// and advancing `*after` past what it handed on.
async fn read_once(
    stream: &jetstream::stream::Stream,
    filter: &str,
    after: &mut u64,
    last: u64,
    tx: &mpsc::Sender<Vec<Raw>>,
) -> Result<(), NatsError> {
    if *after >= last {
        return Ok(());
    }
    let consumer = stream
        .create_consumer(pull::Config {
            filter_subject: filter.to_string(),
            deliver_policy: if *after == 0 {
                DeliverPolicy::All
            } else {
                DeliverPolicy::ByStartSequence {
                    start_sequence: *after + 1,
                }
            },
            ack_policy: AckPolicy::None,
            memory_storage: true,
            num_replicas: 1,
            inactive_threshold: Duration::from_secs(30),
            ..Default::default()
        })
        .await
        .map_err(|e| nats("consumer")(e.to_string()))?;
    let name = consumer.cached_info().name.clone();
    let mut messages = consumer
        .stream()
        .max_messages_per_batch(READ_BATCH)
        .max_bytes_per_batch(READ_BATCH_BYTES)
        .messages()
        .await
        .map_err(|e| nats("consumer")(e.to_string()))?;
    let mut expected = 1u64;
    let mut chunk = Vec::with_capacity(CHUNK);
    let result = loop {
        let m = match tokio::time::timeout(ANSWER, messages.next()).await {
            Err(_) => break Err(nats("consumer")("the stream stopped answering".into())),
            Ok(None) => break Err(nats("consumer")("the consumer ended".into())),
            Ok(Some(Err(e))) => break Err(nats("consumer")(e.to_string())),
            Ok(Some(Ok(m))) => m,
        };
        let (seq, cseq, pending) = match m.info() {
            Ok(i) => (i.stream_sequence, i.consumer_sequence, i.pending),
            Err(e) => break Err(nats("consumer")(e.to_string())),
        };
        if cseq != expected {
            // Something was lost or sent again: go on from what was handed on.
            break Err(nats("consumer")(format!(
                "delivered out of order ({cseq}, expected {expected})"
            )));
        }
        expected += 1;
        if seq > *after {
            *after = seq;
            let m = m.message;
            chunk.push(Raw {
                seq,
                subject: m.subject,
                payload: m.payload,
            });
        }
        if seq >= last || pending == 0 {
            break Ok(());
        }
        if chunk.len() >= CHUNK {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
            if tx.send(full).await.is_err() {
                break Ok(());
            }
        }
    };
    drop(messages);
    if !chunk.is_empty() {
        let _ = tx.send(chunk).await;
    }
    // Ephemeral, it would go by itself after `inactive_threshold`; do not leave it there.
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.delete_consumer(&name)).await;
    result
}

/// Reads every message `read` names (its end asked once), handing chunks to `tx`. An
/// interrupted read goes on with a new consumer from what was handed on.
async fn read_to_end(
    js: &jetstream::Context,
    cfg: &NatsConfig,
    read: &Read,
    tx: mpsc::Sender<Vec<Raw>>,
) -> Result<(), NatsError> {
    let mut after = read.after;
    let mut last = None;
    let mut since_progress = Instant::now();
    loop {
        let before = after;
        let attempt = async {
            let mut stream = ensure_stream(js, cfg).await?;
            let end = match last {
                Some(n) => n,
                None => {
                    let n = end_of(&mut stream, &read.upto).await?;
                    last = Some(n);
                    n
                }
            };
            read_once(&stream, &read.filter, &mut after, end, &tx).await
        };
        match attempt.await {
            Ok(()) => return Ok(()),
            Err(e) if tx.is_closed() => return Err(e),
            Err(e) if after > before || since_progress.elapsed() < read.patience => {
                tracing::info!(error = %e, after, "reading the stream interrupted; resuming");
                if after > before {
                    since_progress = Instant::now();
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

/// Reads like [`read_to_end`] in a task of its own, decodes each chunk with `decode` on a
/// blocking thread while the next ones arrive, and hands the results to `on` in stream
/// order for as long as it returns true. `Ok(false)`: `on` stopped the read.
pub(super) async fn read_decoded<T: Send + 'static>(
    js: &jetstream::Context,
    cfg: &NatsConfig,
    read: Read,
    decode: fn(Vec<Raw>) -> T,
    mut on: impl FnMut(T) -> bool,
) -> Result<bool, NatsError> {
    let (tx, mut rx) = mpsc::channel(DECODING);
    let reader = {
        let (js, cfg) = (js.clone(), cfg.clone());
        tokio::spawn(async move { read_to_end(&js, &cfg, &read, tx).await })
    };
    let mut decoding = VecDeque::new();
    let mut hand_on = |done: Result<T, tokio::task::JoinError>| match done {
        Ok(t) => Ok(on(t)),
        Err(source) => Err(NatsError::Task {
            what: "decoding events from the stream",
            source,
        }),
    };
    let mut going = Ok(true);
    while let Some(chunk) = rx.recv().await {
        decoding.push_back(tokio::task::spawn_blocking(move || decode(chunk)));
        if decoding.len() > DECODING
            && let Some(first) = decoding.pop_front()
        {
            going = hand_on(first.await);
            if !matches!(going, Ok(true)) {
                break;
            }
        }
    }
    while matches!(going, Ok(true))
        && let Some(first) = decoding.pop_front()
    {
        going = hand_on(first.await);
    }
    if !matches!(going, Ok(true)) {
        reader.abort();
        return going;
    }
    match reader.await {
        Ok(r) => r.map(|()| true),
        Err(source) => Err(NatsError::Task {
            what: "reading the stream",
            source,
        }),
    }
}

/// The events of a chunk (ids = stream sequences) and the chunk's last sequence.
pub(super) fn events(chunk: Vec<Raw>) -> (u64, Vec<Event>) {
    let last = chunk.last().map_or(0, |r| r.seq);
    let events = chunk
        .into_iter()
        .filter_map(|r| decode(&r.payload, r.seq))
        .collect();
    (last, events)
}

/// The events of a chunk with the subject each came on.
fn events_with_subjects(chunk: Vec<Raw>) -> Vec<(async_nats::Subject, Event)> {
    chunk
        .into_iter()
        .filter_map(|r| decode(&r.payload, r.seq).map(|e| (r.subject, e)))
        .collect()
}

/// Every event of `incident` on the stream, in stream order (ids = stream sequences).
/// A consumer that cannot be made or stops answering (the stream's leader changing) is
/// made again from the next sequence, for up to [`PATIENCE`] without progress.
pub async fn pull(cfg: &NatsConfig, incident: &str) -> Result<Vec<Event>, NatsError> {
    let js = super::nats::connect(cfg, true).await?;
    let mut out = Vec::new();
    read_decoded(
        &js,
        cfg,
        Read {
            filter: super::nats::subject(incident),
            upto: Upto::Incident(incident.to_string()),
            after: 0,
            patience: PATIENCE,
        },
        events,
        |(_, events)| {
            out.extend(events);
            true
        },
    )
    .await?;
    Ok(out)
}

/// Every incident in the stream, folded (newest first). Read like [`pull()`]: a consumer
/// that stops answering is made again from the next sequence.
pub async fn list(cfg: &NatsConfig) -> Result<Vec<Summary>, NatsError> {
    let js = super::nats::connect(cfg, true).await?;
    let mut folds: BTreeMap<String, (Incident, u64)> = BTreeMap::new();
    let mut current: Option<(async_nats::Subject, String)> = None;
    read_decoded(
        &js,
        cfg,
        Read {
            filter: SUBJECTS.to_string(),
            upto: Upto::Stream,
            after: 0,
            patience: PATIENCE,
        },
        events_with_subjects,
        |events| {
            for (subject, e) in events {
                // Events of one incident come in runs: name each run once.
                let id = match &current {
                    Some((s, id)) if *s == subject => id.as_str(),
                    _ => {
                        let Some(id) =
                            super::nats::incident_of(subject.as_str()).map(crate::text::line)
                        else {
                            continue;
                        };
                        &current.insert((subject, id)).1
                    }
                };
                let f = match folds.get_mut(id) {
                    Some(f) => f,
                    None => folds.entry(id.to_string()).or_insert((Incident::new(), 0)),
                };
                f.0.apply(&e);
                f.1 += 1;
            }
            true
        },
    )
    .await?;
    let mut out: Vec<Summary> = folds
        .into_iter()
        .map(|(id, (inc, events))| Summary {
            id,
            title: inc.title.clone(),
            severity: inc.severity,
            state: inc.state,
            opened: inc.first_at,
            commander: inc.roles.get("commander").cloned(),
            events,
        })
        .collect();
    out.sort_by(|a, b| b.opened.cmp(&a.opened).then(a.id.cmp(&b.id)));
    Ok(out)
}
