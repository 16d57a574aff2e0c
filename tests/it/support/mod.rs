//! Helpers for the source tests: a local HTTP server whose replies can change between polls,
//! a server that accepts and never answers, real Prometheus / pushgateway / Alertmanager
//! processes on free loopback ports (killed on drop), and draft collection with deadlines.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Utc;
use tokio::sync::mpsc;
use warroom::config::{SourceConfig, SourceKind};
use warroom::incident::{Draft, EventKind, Incident};

pub fn fixture(rel: &str) -> Vec<u8> {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures")).join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("fixture {}: {e}", p.display()))
}

pub fn fixture_str(rel: &str) -> String {
    String::from_utf8(fixture(rel)).expect("fixture is UTF-8")
}

/// What the test server answers on one path.
#[derive(Clone)]
pub enum Reply {
    /// 200 with this content type and body.
    Ok(&'static str, Vec<u8>),
    /// Any status, content type and body.
    Status(u16, &'static str, Vec<u8>),
    /// A body built at request time (e.g. with the current time in it).
    Dynamic(Arc<dyn Fn() -> (u16, String, Vec<u8>) + Send + Sync>),
    /// 200, streamed in 1 MB chunks without Content-Length, `n` MB in all.
    HugeStream(usize),
    /// Needs `Authorization: <value>`, else 401; then `Ok` json.
    Authorized(String, Vec<u8>),
}

#[derive(Default)]
struct ServerState {
    routes: Mutex<HashMap<String, Reply>>,
    hits: Mutex<HashMap<String, u64>>,
    streamed: AtomicUsize,
}

/// A local HTTP server on 127.0.0.1 whose replies the test changes between polls.
pub struct FixtureServer {
    pub addr: SocketAddr,
    state: Arc<ServerState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(State(st): State<Arc<ServerState>>, headers: HeaderMap, req: Request) -> Response {
    let path = req.uri().path().to_string();
    *st.hits
        .lock()
        .expect("lock")
        .entry(path.clone())
        .or_insert(0) += 1;
    let reply = st.routes.lock().expect("lock").get(&path).cloned();
    let build = |code: u16, ct: &str, body: Vec<u8>| {
        Response::builder()
            .status(code)
            .header("content-type", ct)
            .body(Body::from(body))
            .expect("response")
    };
    match reply {
        None => build(404, "text/plain", b"404 page not found\n".to_vec()),
        Some(Reply::Ok(ct, b)) => build(200, ct, b),
        Some(Reply::Status(code, ct, b)) => build(code, ct, b),
        Some(Reply::Dynamic(f)) => {
            let (code, ct, b) = f();
            build(code, &ct, b)
        }
        Some(Reply::Authorized(want, b)) => {
            let got = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if got == want {
                build(200, "application/json", b)
            } else {
                build(401, "text/plain", b"Unauthorized\n".to_vec())
            }
        }
        Some(Reply::HugeStream(mb)) => {
            let st2 = st.clone();
            let chunk = Bytes::from(vec![b' '; 1024 * 1024]);
            let stream = futures::stream::iter(0..mb).map(move |_| {
                st2.streamed.fetch_add(chunk.len(), Ordering::SeqCst);
                Ok::<_, std::io::Error>(chunk.clone())
            });
            Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(Body::from_stream(stream))
                .expect("response")
        }
    }
}

use futures::StreamExt as _;

impl FixtureServer {
    pub async fn start() -> FixtureServer {
        let state = Arc::new(ServerState::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = Router::new().fallback(answer).with_state(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FixtureServer { addr, state, task }
    }
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn set(&self, path: &str, reply: Reply) {
        self.state
            .routes
            .lock()
            .expect("lock")
            .insert(path.to_string(), reply);
    }
    pub fn hits(&self, path: &str) -> u64 {
        self.state
            .hits
            .lock()
            .expect("lock")
            .get(path)
            .copied()
            .unwrap_or(0)
    }
    /// Bytes the huge stream produced so far (what the client pulled, plus socket buffers).
    pub fn streamed(&self) -> usize {
        self.state.streamed.load(Ordering::SeqCst)
    }
    /// Waits until `path` was requested `n` more times than now.
    pub async fn wait_hits(&self, path: &str, more: u64, deadline: Duration) {
        let start = self.hits(path);
        let t0 = tokio::time::Instant::now();
        while self.hits(path) < start + more {
            assert!(
                t0.elapsed() < deadline,
                "{path} was not polled {more} more times within {deadline:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A server that accepts connections and never answers (a hung backend).
pub struct HangServer {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HangServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl HangServer {
    pub async fn start() -> HangServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((sock, _)) = listener.accept().await {
                held.push(sock);
            }
        });
        HangServer { addr, task }
    }
}

/// Receives drafts until `pred` holds for one of them (returns everything received).
pub async fn collect_until(
    rx: &mut mpsc::Receiver<Draft>,
    got: &mut Vec<Draft>,
    deadline: Duration,
    what: &str,
    mut pred: impl FnMut(&Draft) -> bool,
) -> Draft {
    let t0 = tokio::time::Instant::now();
    loop {
        let left = deadline.saturating_sub(t0.elapsed());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(d)) => {
                got.push(d.clone());
                if pred(&d) {
                    return d;
                }
            }
            Ok(None) => panic!("channel closed while waiting for {what}; got {got:#?}"),
            Err(_) => panic!("no {what} within {deadline:?}; got {:#?}", kinds(got)),
        }
    }
}

/// Everything that arrives within `d`.
pub async fn drain_for(rx: &mut mpsc::Receiver<Draft>, d: Duration) -> Vec<Draft> {
    let mut out = Vec::new();
    let t0 = tokio::time::Instant::now();
    loop {
        let left = d.saturating_sub(t0.elapsed());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(x)) => out.push(x),
            _ => return out,
        }
    }
}

pub fn kinds(d: &[Draft]) -> Vec<String> {
    d.iter()
        .map(|d| serde_json::to_string(&d.kind).unwrap_or_default())
        .collect()
}

/// Folds drafts as the room would (ids in order).
pub fn fold(drafts: &[Draft]) -> Incident {
    let mut inc = Incident::new();
    for (i, d) in drafts.iter().enumerate() {
        inc.apply(&d.clone().into_event(i as u64 + 1));
    }
    inc
}

pub fn source(name: &str, kind: SourceKind) -> SourceConfig {
    SourceConfig {
        name: name.to_string(),
        every: Duration::from_millis(200),
        timeout: Duration::from_secs(5),
        max_bytes: 5 * 1024 * 1024,
        line: 1,
        kind,
    }
}

pub fn is_health(d: &Draft, ok: bool) -> bool {
    matches!(&d.kind, EventKind::SourceHealth { ok: o, .. } if *o == ok)
}

pub fn health_error(d: &Draft) -> String {
    match &d.kind {
        EventKind::SourceHealth { error, .. } => error.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Real binaries.

/// True when `bin` exists. Missing: panics under CI naming the Debian package, else prints
/// SKIPPED and returns false.
pub fn require(test: &str, bin: &str, package: &str) -> bool {
    if Path::new(bin).exists() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("{test} needs {bin}: install the Debian package `{package}`");
    }
    println!("SKIPPED: {test} needs {package}");
    false
}

pub fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// A child process killed (and reaped) on drop.
pub struct Proc {
    pub name: String,
    child: Option<Child>,
    pub log: PathBuf,
}

impl Proc {
    pub fn spawn(name: &str, bin: &str, args: &[String], dir: &Path) -> Proc {
        let log = dir.join(format!("{name}.log"));
        let out = std::fs::File::create(&log).expect("log file");
        let err = out.try_clone().expect("log file");
        let child = Command::new(bin)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .unwrap_or_else(|e| panic!("start {bin}: {e}"));
        Proc {
            name: name.to_string(),
            child: Some(child),
            log,
        }
    }
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Waits until `url` answers 200 (e.g. `/-/ready`).
pub async fn wait_ready(url: &str, proc: &Proc, deadline: Duration) {
    let client = reqwest::Client::new();
    let t0 = tokio::time::Instant::now();
    loop {
        if let Ok(r) = client.get(url).timeout(Duration::from_secs(1)).send().await
            && r.status().is_success()
        {
            return;
        }
        assert!(
            t0.elapsed() < deadline,
            "{} not ready at {url} within {deadline:?}; log:\n{}",
            proc.name,
            proc.log_text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub const PROMETHEUS: &str = "/usr/bin/prometheus";
pub const PUSHGATEWAY: &str = "/usr/bin/prometheus-pushgateway";
pub const ALERTMANAGER: &str = "/usr/bin/prometheus-alertmanager";

pub fn start_pushgateway(dir: &Path, port: u16) -> Proc {
    Proc::spawn(
        "pushgateway",
        PUSHGATEWAY,
        &[format!("--web.listen-address=127.0.0.1:{port}")],
        dir,
    )
}

/// Writes `prometheus.yml` (1 s scrape and evaluation of the pushgateway, honor_labels;
/// optional rules and Alertmanager) and starts Prometheus with storage in `dir`.
pub fn start_prometheus(
    dir: &Path,
    port: u16,
    pushgateway: u16,
    rules: Option<&str>,
    alertmanager: Option<u16>,
) -> Proc {
    let mut cfg = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: pushgateway\n    honor_labels: true\n    static_configs:\n      - targets: ['127.0.0.1:{pushgateway}']\n"
    );
    if let Some(r) = rules {
        std::fs::write(dir.join("rules.yml"), r).expect("rules");
        cfg.push_str("rule_files:\n  - rules.yml\n");
    }
    if let Some(am) = alertmanager {
        cfg.push_str(&format!(
            "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:{am}']\n"
        ));
    }
    std::fs::write(dir.join("prometheus.yml"), cfg).expect("config");
    Proc::spawn(
        "prometheus",
        PROMETHEUS,
        &[
            format!("--config.file={}", dir.join("prometheus.yml").display()),
            format!("--storage.tsdb.path={}", dir.join("data").display()),
            format!("--web.listen-address=127.0.0.1:{port}"),
            "--rules.alert.resend-delay=1s".into(),
        ],
        dir,
    )
}

/// Sets `metric` to `value` in the pushgateway (job `warroom_test`).
pub async fn push(pushgateway: u16, metric: &str, value: f64) {
    let url = format!("http://127.0.0.1:{pushgateway}/metrics/job/warroom_test");
    let r = reqwest::Client::new()
        .put(url)
        .body(format!("# TYPE {metric} gauge\n{metric} {value}\n"))
        .send()
        .await
        .expect("push to pushgateway");
    assert!(r.status().is_success(), "push failed: {}", r.status());
}

pub fn now_unix() -> f64 {
    Utc::now().timestamp_millis() as f64 / 1000.0
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A unique name for temp things within one test binary.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", COUNTER.fetch_add(1, Ordering::SeqCst))
}
