//! A room on a three-node NATS cluster with an R3 stream survives the loss of the
//! stream leader: three real `nats-server -js` processes on loopback ports form a cluster,
//! a room writes ten notes a second with `replicas = 3`, and the server leading the stream
//! is killed (SIGKILL). No acknowledged note is lost, each is on the stream once and in
//! the order written, the room goes on writing once a new leader is elected, and the time
//! without writes is printed.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_nats::jetstream;
use warroom::config::{Config, StoreConfig};
use warroom::incident::{Actor, Draft, EventKind};
use warroom::room::{self, RoomOptions};

use crate::nats_support::{Cluster, have_nats};

/// Generous: cluster formation, elections and catching up are polled up to this long.
const WAIT: Duration = Duration::from_secs(90);
const INCIDENT: &str = "leader-kill-1";

/// Polls `f` every 100 ms until it gives `Some`, or fails with `what` after `WAIT`.
async fn poll<T, F>(what: &str, mut f: impl FnMut() -> F) -> T
where
    F: std::future::Future<Output = Option<T>>,
{
    let end = Instant::now() + WAIT;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < end, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The stream's cluster as the servers at `urls` see it.
async fn cluster_info(urls: &str) -> Option<jetstream::stream::ClusterInfo> {
    let client = async_nats::ConnectOptions::new()
        .connection_timeout(Duration::from_secs(2))
        .connect(urls.split(',').collect::<Vec<_>>())
        .await
        .ok()?;
    let js = jetstream::new(client);
    let ask = async {
        let mut s = js.get_stream("WARROOM").await.ok()?;
        s.info().await.ok()?.cluster.clone()
    };
    tokio::time::timeout(Duration::from_secs(3), ask)
        .await
        .ok()
        .flatten()
}

/// One acknowledged note: its number, the stream sequence the ack gave, when.
type Acked = (u64, u64, Instant);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_stream_leader_loses_no_acknowledged_event_and_the_room_goes_on() {
    if !have_nats("three-node cluster, leader kill") {
        return;
    }
    let root = tempfile::tempdir().expect("tempdir");
    let mut cluster = Cluster::start(root.path());
    let urls = cluster.urls();

    // The cluster is formed when an R3 stream can be made (meta leader elected, three
    // JetStream peers known).
    let mut ncfg = warroom::config::NatsConfig::from_url(&urls).expect("urls");
    ncfg.replicas = 3;
    ncfg.host = "host-a".into();
    poll("the cluster to form and take an R3 stream", || {
        let ncfg = ncfg.clone();
        async move {
            let js = warroom::store::nats::connect(&ncfg, true).await.ok()?;
            tokio::time::timeout(
                Duration::from_secs(5),
                warroom::store::nats::ensure_stream(&js, &ncfg),
            )
            .await
            .ok()?
            .ok()
        }
    })
    .await;

    let mut config = Config::parse(
        "[incident]\ntitle = \"Checkout failing at the gateway\"\nseverity = \"SEV2\"\n",
        "cluster",
        None,
        root.path().to_path_buf(),
    )
    .expect("config");
    config.store = StoreConfig::Nats(ncfg);
    config.incident.id = Some(INCIDENT.into());
    let mirror = root
        .path()
        .join("incidents")
        .join(format!("{INCIDENT}.jsonl"));
    std::fs::create_dir_all(root.path().join("incidents")).expect("incidents dir");
    let (room, _) = room::open(
        &config,
        RoomOptions {
            user: "ana".into(),
            log_path: Some(mirror.clone()),
            speed: None,
        },
    )
    .await
    .expect("the room opens on the cluster");

    // Ten notes a second, each receipt (the server's ack) collected as it comes.
    let acked: Arc<Mutex<Vec<Acked>>> = Arc::default();
    let written = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (stop_tx, mut stop_rx) = tokio::sync::watch::channel(false);
    let writer = {
        let (room, acked, written) = (room.clone(), acked.clone(), written.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            let mut receipts = Vec::new();
            for n in 1u64.. {
                tokio::select! {
                    _ = tick.tick() => {}
                    _ = stop_rx.changed() => break,
                }
                let draft = Draft::new(
                    chrono::Utc::now(),
                    Actor::person("ana"),
                    EventKind::Note {
                        text: format!("cluster note {n}"),
                    },
                );
                let receipt = room.record(draft).await.expect("the room takes notes");
                written.store(n, std::sync::atomic::Ordering::SeqCst);
                let acked = acked.clone();
                receipts.push(tokio::spawn(async move {
                    if let Ok(seq) = receipt.await {
                        acked.lock().expect("acks").push((n, seq, Instant::now()));
                    }
                }));
            }
            receipts
        })
    };
    let count = |acked: &Arc<Mutex<Vec<Acked>>>| acked.lock().expect("acks").len();

    // Writing steadily, and the stream current on all three replicas, before the kill.
    poll("30 notes acknowledged", || {
        let n = count(&acked);
        async move { (n >= 30).then_some(()) }
    })
    .await;
    let leader = poll("a stream leader with every replica current", || {
        let urls = urls.clone();
        async move {
            let c = cluster_info(&urls).await?;
            let all_current = c.replicas.len() == 2 && c.replicas.iter().all(|p| p.current);
            all_current.then_some(c.leader).flatten()
        }
    })
    .await;
    let before_kill = count(&acked);
    cluster
        .node(&leader)
        .unwrap_or_else(|| panic!("no server named {leader}"))
        .down();
    let killed_at = Instant::now();

    // A new leader among the two left, and the room writing again.
    let survivors = cluster.live_urls();
    let new_leader = poll("a new stream leader", || {
        let survivors = survivors.clone();
        let leader = leader.clone();
        async move {
            cluster_info(&survivors)
                .await?
                .leader
                .filter(|l| *l != leader)
        }
    })
    .await;
    let elected_at = Instant::now();
    poll("30 notes acknowledged after the kill", || {
        let after = acked
            .lock()
            .expect("acks")
            .iter()
            .filter(|(_, _, t)| *t > killed_at)
            .count();
        async move { (after >= 30).then_some(()) }
    })
    .await;
    let _ = stop_tx.send(true);
    let receipts = writer.await.expect("writer");
    let total = written.load(std::sync::atomic::Ordering::SeqCst);
    for r in receipts {
        let _ = tokio::time::timeout(WAIT, r).await;
    }
    let acked = acked.lock().expect("acks").clone();
    assert_eq!(
        acked.len() as u64,
        total,
        "every note written was acknowledged in the end"
    );
    let last_seq = acked.iter().map(|a| a.1).max().unwrap_or(0);
    poll("the room to show every acknowledged note", || {
        let shown = room.read().last_id;
        async move { (shown >= last_seq).then_some(()) }
    })
    .await;
    room.shutdown().await;

    // The time without writes: the longest gap between two acknowledgements.
    let mut times: Vec<Instant> = acked.iter().map(|a| a.2).collect();
    times.sort();
    let gap = times
        .windows(2)
        .map(|w| w[1] - w[0])
        .max()
        .unwrap_or_default();
    let first_after = times
        .iter()
        .find(|t| **t > killed_at)
        .map(|t| *t - killed_at)
        .unwrap_or_default();
    println!(
        "leader {leader} killed after {before_kill} acks; new leader {new_leader} seen after {:.2} s; \
         first ack after the kill {:.2} s; longest time without writes {:.2} s; {total} notes written",
        (elected_at - killed_at).as_secs_f64(),
        first_after.as_secs_f64(),
        gap.as_secs_f64()
    );

    // Nothing acknowledged is lost: each note once, at its acknowledged sequence, in order.
    let pull_cfg = warroom::config::NatsConfig::from_url(&survivors).expect("urls");
    let events = warroom::store::nats::pull(&pull_cfg, INCIDENT)
        .await
        .unwrap_or_else(|e| {
            panic!(
                "pull the incident from the survivors: {e}\n{}",
                cluster.logs()
            )
        });
    let notes: Vec<(u64, String)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Note { text } if text.starts_with("cluster note ") => {
                Some((e.id, text.clone()))
            }
            _ => None,
        })
        .collect();
    let expected: Vec<String> = (1..=total).map(|n| format!("cluster note {n}")).collect();
    let texts: Vec<String> = notes.iter().map(|(_, t)| t.clone()).collect();
    assert_eq!(
        texts, expected,
        "every note on the stream once, in the order written"
    );
    for (n, seq, _) in &acked {
        let at = notes.iter().find(|(id, _)| id == seq);
        assert_eq!(
            at.map(|(_, t)| t.as_str()),
            Some(format!("cluster note {n}").as_str()),
            "note {n} acknowledged as sequence {seq} is there on the stream"
        );
    }
    // What the room showed (its mirror, folded from the stream) is the stream.
    let mirrored = crate::nats_support::notes(&mirror);
    let mirrored: Vec<(u64, String)> = mirrored
        .into_iter()
        .filter(|(_, _, t)| t.starts_with("cluster note "))
        .map(|(id, _, t)| (id, t))
        .collect();
    assert_eq!(mirrored, notes, "the room showed exactly the stream");
    drop(cluster);
}
