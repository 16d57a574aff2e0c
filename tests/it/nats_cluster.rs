//! A three-node JetStream cluster (real `nats-server` processes on loopback) with an R3
//! stream: a room writing 10 events a second keeps every acknowledged event when the
//! stream leader's server is killed, goes on after the new leader is elected, and the
//! time without writes is measured and reported.

use std::time::{Duration, Instant};

use warroom::config::{Config, NatsConfig, StoreConfig};
use warroom::incident::{Actor, Draft, EventKind};
use warroom::room::{self, RoomOptions};

use crate::nats_support::{Nats, have_nats, stream_notes};
use crate::support::free_port;

fn cluster(root: &std::path::Path) -> Vec<Nats> {
    let ports: Vec<(u16, u16)> = (0..3).map(|_| (free_port(), free_port())).collect();
    let routes = ports
        .iter()
        .map(|(_, c)| format!("nats://127.0.0.1:{c}"))
        .collect::<Vec<_>>()
        .join(",");
    ports
        .iter()
        .enumerate()
        .map(|(i, (p, c))| {
            Nats::start_with(
                root,
                &format!("n{i}"),
                *p,
                vec![
                    "--cluster_name".into(),
                    "wr".into(),
                    "--cluster".into(),
                    format!("nats://127.0.0.1:{c}"),
                    "--routes".into(),
                    routes.clone(),
                ],
            )
        })
        .collect()
}

#[test]
fn killing_the_stream_leader_loses_no_acknowledged_event() {
    if !have_nats("three-node cluster") {
        return;
    }
    let root = tempfile::tempdir().expect("tempdir");
    let mut nodes = cluster(root.path());
    let urls = nodes.iter().map(Nats::url).collect::<Vec<_>>().join(",");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut cfg = NatsConfig::from_url(&urls).expect("urls");
    cfg.replicas = 3;
    cfg.host = "host-a".into();
    let mut config = Config::parse(
        "[incident]\ntitle = \"Cluster\"\n",
        "test",
        None,
        root.path().to_path_buf(),
    )
    .expect("config");
    config.store = StoreConfig::Nats(cfg.clone());
    config.incident.id = Some("cluster-5".into());

    let (acked, gap, leader) = rt.block_on(async {
        // The cluster needs a moment to elect its meta leader before the stream can exist.
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut stream = loop {
            let js = warroom::store::nats::connect(&cfg, true).await;
            if let Ok(js) = js
                && let Ok(s) = warroom::store::nats::ensure_stream(&js, &cfg).await
            {
                break s;
            }
            assert!(Instant::now() < deadline, "the cluster did not form");
            tokio::time::sleep(Duration::from_millis(300)).await;
        };
        let leader = loop {
            let info = stream.info().await.expect("stream info");
            if let Some(l) = info.cluster.as_ref().and_then(|c| c.leader.clone()) {
                break l;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let (room, _) = room::open(
            &config,
            RoomOptions {
                user: "ana".into(),
                log_path: Some(root.path().join("cluster-5.jsonl")),
                speed: None,
            },
        )
        .await
        .expect("room opens");
        let mut acked: Vec<(String, Instant)> = Vec::new();
        let mut receipts = std::collections::VecDeque::new();
        let start = Instant::now();
        let mut i = 0;
        let mut killed = false;
        while start.elapsed() < Duration::from_secs(20) {
            i += 1;
            let text = format!("tick {i}");
            let r = room
                .record(Draft::new(
                    chrono::Utc::now(),
                    Actor::person("ana"),
                    EventKind::Note { text: text.clone() },
                ))
                .await
                .expect("room open");
            receipts.push_back((text, r));
            if !killed && start.elapsed() > Duration::from_secs(5) {
                killed = true;
                // The servers are named n0..n2 (`-n`): the leader is the node of that name.
                let idx: usize = leader.trim_start_matches('n').parse().expect("node name");
                nodes[idx].down();
            }
            while let Some((_, r)) = receipts.front_mut() {
                match r.check() {
                    Some(Ok(_)) => {
                        let (t, _) = receipts.pop_front().expect("front");
                        acked.push((t, Instant::now()));
                    }
                    _ => break,
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Let what is still pending settle on the new leader.
        for (t, r) in receipts {
            if tokio::time::timeout(Duration::from_secs(20), r)
                .await
                .is_ok()
            {
                acked.push((t, Instant::now()));
            }
        }
        let gap = acked
            .windows(2)
            .map(|w| w[1].1 - w[0].1)
            .max()
            .unwrap_or_default();
        room.shutdown().await;
        (acked, gap, leader)
    });
    println!(
        "leader {leader} killed: {} events acknowledged, longest time without an acknowledged write {:.2} s",
        acked.len(),
        gap.as_secs_f64()
    );
    assert!(
        acked.len() > 150,
        "the room went on writing: {}",
        acked.len()
    );
    let alive = nodes
        .iter()
        .find(|n| n.proc.is_some())
        .map(Nats::url)
        .expect("a node alive");
    let on_stream = stream_notes(&alive, "cluster-5");
    let want: Vec<String> = acked.into_iter().map(|(t, _)| t).collect();
    assert!(
        on_stream.starts_with(&want),
        "every acknowledged event, in order:\n{on_stream:?}\n{want:?}"
    );
    let mut unique = on_stream.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), on_stream.len(), "no event twice");
}
