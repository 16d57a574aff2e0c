//! Time from a status update being recorded and folded to its request arriving at the
//! target: the publish runner notices the fold, records `sending` (appended and fsynced to
//! the incident log, as in a live room), builds the request and sends it to a local
//! receiver. The clock starts when the room acknowledges the `status_update` (it
//! acknowledges right after folding) and stops when the receiver has the request.
//!
//! Webhook target: a Statuspage target takes the same path, but its one-request-a-second
//! limit would be measured instead of the room.
//!
//! `cargo bench --bench publish`

use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::post;
use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use tokio::sync::mpsc;
use warroom::config::Config;
use warroom::incident::{Actor, Audience, Draft, EventKind, IncidentState};
use warroom::room::{self, RoomHandle, RoomOptions};

async fn receiver(arrived: mpsc::UnboundedSender<Instant>) -> String {
    let app = Router::new().route(
        "/hook",
        post(move |_body: axum::body::Bytes| {
            let tx = arrived.clone();
            async move {
                let _ = tx.send(Instant::now());
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/hook")
}

async fn room_with_webhook(dir: &std::path::Path, url: &str) -> RoomHandle {
    let text = format!(
        "[incident]\ntitle = \"Checkout failing\"\n\n[[publish]]\nname = \"chat\"\nkind = \"webhook\"\nurl = \"{url}\"\n"
    );
    let cfg = Config::parse(&text, "bench.toml", None, dir.to_path_buf()).expect("config");
    let (room, _) = room::open(
        &cfg,
        RoomOptions {
            user: "ana".into(),
            log_path: Some(dir.join("bench.jsonl")),
            speed: None,
        },
    )
    .await
    .expect("room");
    drop(warroom::publish::runner::spawn_all(&cfg, &room));
    room
}

/// One update: recorded and folded → request at the receiver.
async fn one(room: &RoomHandle, arrived: &mut mpsc::UnboundedReceiver<Instant>) -> Duration {
    let draft = Draft::new(
        Utc::now(),
        Actor::person("ana"),
        EventKind::StatusUpdate {
            audience: Audience::Internal,
            state: IncidentState::Investigating,
            components: Vec::new(),
            body: "We are looking into failed checkouts.".into(),
            targets: vec!["chat".into()],
        },
    );
    let receipt = room.record(draft).await.expect("room open");
    receipt.await.expect("recorded");
    let folded = Instant::now();
    let at = arrived.recv().await.expect("request arrives");
    at.saturating_duration_since(folded)
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let (tx, mut arrived) = mpsc::unbounded_channel();
    let room = rt.block_on(async {
        let url = receiver(tx).await;
        room_with_webhook(dir.path(), &url).await
    });
    // Let the delivered event of each update be recorded before the next one.
    let settle = |room: &RoomHandle| {
        let mut v = room.subscribe();
        rt.block_on(async {
            while room.read().comms.updates.iter().any(|u| {
                u.deliveries
                    .get("chat")
                    .is_none_or(|d| d.outcome == warroom::incident::PublishOutcome::Sending)
            }) {
                let _ = v.changed().await;
            }
        });
    };
    c.bench_function(
        "publish: status_update folded -> webhook request arrives",
        |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += rt.block_on(one(&room, &mut arrived));
                    settle(&room);
                }
                total
            })
        },
    );
    rt.block_on(room.shutdown());
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(10));
    targets = bench
}
criterion_main!(benches);
