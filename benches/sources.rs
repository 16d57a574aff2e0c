//! 200 live sources polled every 5 s against local servers, folded by an in-memory room:
//! CPU of the room process as % of one core.
//!
//! The servers run in a child process (this same binary, re-executed) so their CPU is not
//! counted. Mix: 120 Prometheus (a new sample each poll), 40 Statuspage summaries (the real
//! GitHub fixture), 20 Atom feeds (the 97 KB GitHub history fixture, parsed in full on every
//! poll), 20 outage-report charts.
//!
//! `cargo bench --bench sources` (WARROOM_BENCH_SECS to change the 30 s measurement).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::response::Response;
use axum::routing::get;
use warroom::config::{
    FeedConfig, PrometheusConfig, ReportsConfig, SourceConfig, SourceKind, StatuspageConfig,
};
use warroom::incident::{Direction, Incident};
use warroom::room::RoomHandle;

const SERVER_ENV: &str = "WARROOM_BENCH_SERVER";

fn fixture(rel: &str) -> Vec<u8> {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/");
    std::fs::read(format!("{p}{rel}")).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

/// With WARROOM_BENCH_CHANGING set, every status page and feed body differs from the last
/// (trailing whitespace or an XML comment): the worst case, a full parse on every poll.
fn reply(ct: &'static str, mut body: Vec<u8>) -> Response {
    if std::env::var_os("WARROOM_BENCH_CHANGING").is_some() && !body.is_empty() {
        let n = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0);
        if ct.contains("xml") {
            body.extend(format!("\n<!-- {n} -->").as_bytes());
        } else {
            body.extend(std::iter::repeat_n(b' ', (n % 97) as usize + 1));
        }
    }
    Response::builder()
        .header("content-type", ct)
        .body(axum::body::Body::from(body))
        .expect("response")
}

fn now_unix() -> f64 {
    chrono::Utc::now().timestamp_millis() as f64 / 1000.0
}

async fn serve() {
    let summary = fixture("statuspage/summary.json");
    let incidents = fixture("statuspage/incidents.json");
    let atom = fixture("feeds/githubstatus_history.atom");
    let chart = fixture("outage_reports/downdetector_api_readme_excerpt.json");
    let app = Router::new()
        .route(
            "/api/v1/query",
            get(|| async {
                reply(
                    "application/json",
                    format!(
                        r#"{{"status":"success","data":{{"resultType":"vector","result":[{{"metric":{{"job":"checkout"}},"value":[{},"0.0042"]}}]}}}}"#,
                        now_unix()
                    )
                    .into_bytes(),
                )
            }),
        )
        .route(
            "/api/v1/query_range",
            get(|| async {
                let t = now_unix();
                let values: Vec<String> = (0..360)
                    .rev()
                    .map(|i| format!("[{},\"0.004\"]", t - 5.0 * i as f64))
                    .collect();
                reply(
                    "application/json",
                    format!(
                        r#"{{"status":"success","data":{{"resultType":"matrix","result":[{{"metric":{{"job":"checkout"}},"values":[{}]}}]}}}}"#,
                        values.join(",")
                    )
                    .into_bytes(),
                )
            }),
        )
        .route(
            "/api/v2/summary.json",
            get(move || {
                let b = summary.clone();
                async move { reply("application/json", b) }
            }),
        )
        .route(
            "/api/v2/incidents.json",
            get(move || {
                let b = incidents.clone();
                async move { reply("application/json", b) }
            }),
        )
        .route(
            "/history.atom",
            get(move || {
                let b = atom.clone();
                async move { reply("application/atom+xml", b) }
            }),
        )
        .route(
            "/chart",
            get(move || {
                let b = chart.clone();
                async move { reply("application/json", b) }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    println!("{}", listener.local_addr().expect("addr").port());
    axum::serve(listener, app).await.expect("serve");
}

/// utime + stime of this process, in seconds (USER_HZ is 100 on Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields after the command: state is index 0, utime 11, stime 12.
    let ticks: u64 = f[11].parse::<u64>().unwrap_or(0) + f[12].parse::<u64>().unwrap_or(0);
    ticks as f64 / 100.0
}

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn sources(base: &str) -> Vec<SourceConfig> {
    let every = Duration::from_secs(5);
    let mk = |i: usize, kind: SourceKind| SourceConfig {
        name: format!("source {i:03}"),
        every,
        timeout: Duration::from_secs(10),
        max_bytes: 5 * 1024 * 1024,
        line: i,
        kind,
    };
    (0..200)
        .map(|i| {
            let kind = match i {
                0..120 => SourceKind::Prometheus(PrometheusConfig {
                    url: base.to_string(),
                    query: "sum(rate(http_requests_total{code=~\"5..\"}[1m]))".into(),
                    window: Duration::from_secs(30 * 60),
                    unit: "%".into(),
                    warn: Some(0.01),
                    crit: Some(0.05),
                    direction: Direction::Above,
                    label: None,
                    auth: None,
                    hysteresis: None,
                    dwell: None,
                }),
                120..160 => SourceKind::Statuspage(StatuspageConfig {
                    url: base.to_string(),
                    auth: None,
                    role: None,
                    budget: warroom::sources::budget::DEFAULT_PER_MINUTE,
                }),
                160..180 => SourceKind::Feed(FeedConfig {
                    url: format!("{base}/history.atom"),
                    auth: None,
                    role: None,
                }),
                _ => SourceKind::Reports(ReportsConfig {
                    url: format!("{base}/chart"),
                    query: None,
                    reports_pointer: "/reports".into(),
                    baseline_pointer: "/baseline".into(),
                    ratio: 3.0,
                    crit_ratio: Some(10.0),
                    auth: None,
                    hysteresis: None,
                    dwell: None,
                }),
            };
            mk(i, kind)
        })
        .collect()
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    if std::env::var_os(SERVER_ENV).is_some() {
        rt.block_on(serve());
        return;
    }
    let secs: u64 = std::env::var("WARROOM_BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let exe = std::env::current_exe().expect("current exe");
    let mut server = Command::new(exe)
        .env(SERVER_ENV, "1")
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .expect("start the server process");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("server port");
    let port: u16 = line.trim().parse().expect("port");
    let base = format!("http://127.0.0.1:{port}");

    rt.block_on(async {
        let room = RoomHandle::start_in_memory(Incident::new());
        let handles: Vec<_> = sources(&base)
            .iter()
            .map(|s| warroom::sources::spawn(s, room.sender()))
            .collect();
        // Warm-up: backfills and first polls (history, summaries) are the start, not steady state.
        tokio::time::sleep(Duration::from_secs(6)).await;
        let (c0, t0, e0) = (cpu_seconds(), Instant::now(), room.read().events);
        tokio::time::sleep(Duration::from_secs(secs)).await;
        let (c1, wall, e1) = (
            cpu_seconds(),
            t0.elapsed().as_secs_f64(),
            room.read().events,
        );
        let failing = room.read().sources.values().filter(|s| !s.ok).count();
        let pct = (c1 - c0) / wall * 100.0;
        let mode = if std::env::var_os("WARROOM_BENCH_CHANGING").is_some() {
            "pages change every poll"
        } else {
            "pages unchanged between polls"
        };
        println!(
            "sources/200 sources every 5s ({mode}): {pct:.2}% of one core over {wall:.0} s \
             ({:.2} s CPU), {} events recorded ({:.1}/s), {failing} sources failing, RSS {:.0} MB",
            c1 - c0,
            e1 - e0,
            (e1 - e0) as f64 / wall,
            rss_mb()
        );
        for h in handles {
            h.abort();
        }
    });
    let _ = server.kill();
    let _ = server.wait();
}
