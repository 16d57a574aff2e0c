//! A real `nats-server` with JetStream for the NATS store tests: one server on a free
//! loopback port with a temp store directory, or a three-node cluster.
#![allow(dead_code)]

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::{Proc, free_port, require};

pub const NATS_SERVER: &str = "/usr/sbin/nats-server";

/// True when the Debian `nats-server` is installed (panics under CI when it is not).
pub fn have_nats(test: &str) -> bool {
    require(test, NATS_SERVER, "nats-server")
}

/// One JetStream server; stop and start it again on the same port and store.
pub struct Nats {
    pub port: u16,
    pub store: PathBuf,
    dir: PathBuf,
    name: String,
    extra: Vec<String>,
    pub proc: Option<Proc>,
}

impl Nats {
    pub fn start(dir: &Path) -> Nats {
        Self::start_with(dir, "nats", free_port(), Vec::new())
    }

    pub fn start_with(dir: &Path, name: &str, port: u16, extra: Vec<String>) -> Nats {
        let store = dir.join(format!("{name}-store"));
        std::fs::create_dir_all(&store).expect("store dir");
        let mut n = Nats {
            port,
            store,
            dir: dir.to_path_buf(),
            name: name.to_string(),
            extra,
            proc: None,
        };
        n.up();
        n
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Starts the server (again) and waits until it takes connections.
    pub fn up(&mut self) {
        let mut args = vec![
            "-js".to_string(),
            "-a".into(),
            "127.0.0.1".into(),
            "-p".into(),
            self.port.to_string(),
            "-sd".into(),
            self.store.display().to_string(),
            "-n".into(),
            self.name.clone(),
        ];
        args.extend(self.extra.iter().cloned());
        self.proc = Some(Proc::spawn(&self.name, NATS_SERVER, &args, &self.dir));
        let end = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < end,
                "nats-server did not start: {}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Kills the server (SIGKILL).
    pub fn down(&mut self) {
        if let Some(mut p) = self.proc.take() {
            p.stop();
        }
    }

    pub fn log(&self) -> String {
        self.proc.as_ref().map(|p| p.log_text()).unwrap_or_default()
    }
}

/// A room's folder with a config on the NATS store.
pub fn room_dir(root: &Path, name: &str, url: &str, incident: &str, host: &str) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).expect("room dir");
    std::fs::write(
        dir.join("config.toml"),
        format!(
            r#"
[incident]
title = "Checkout failing at the gateway"
severity = "SEV2"
declare = "on_open"
id = "{incident}"

[checklists]
detection = ["Confirm impact"]

[store]
kind = "nats"
url = "{url}"
host = "{host}"
"#
        ),
    )
    .expect("write config");
    dir
}

/// The notes of a log, in log order, with their ids and authors.
pub fn notes(log: &Path) -> Vec<(u64, String, String)> {
    let mut out = Vec::new();
    warroom::log::read(log, |e| {
        if let warroom::incident::EventKind::Note { text } = &e.kind {
            out.push((e.id, format!("{:?}", e.by), text.clone()));
        }
    })
    .unwrap_or_else(|e| panic!("{}: {e}", log.display()));
    out
}

/// Every event of `incident` on the stream at `url`.
pub fn stream_events(url: &str, incident: &str) -> Vec<warroom::incident::Event> {
    let cfg = warroom::config::NatsConfig::from_url(url).expect("url");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(warroom::store::nats::pull(&cfg, incident))
        .expect("pull the incident")
}

/// The note texts on the stream, in stream order.
pub fn stream_notes(url: &str, incident: &str) -> Vec<String> {
    stream_events(url, incident)
        .into_iter()
        .filter_map(|e| match e.kind {
            warroom::incident::EventKind::Note { text } => Some(text),
            _ => None,
        })
        .collect()
}

/// Three JetStream servers on loopback ports forming one cluster (`warroom-test`), each
/// with its own store directory.
pub struct Cluster {
    pub nodes: Vec<Nats>,
}

impl Cluster {
    pub fn start(dir: &Path) -> Cluster {
        let ports: Vec<(u16, u16)> = (0..3).map(|_| (free_port(), free_port())).collect();
        let routes = ports
            .iter()
            .map(|(_, c)| format!("nats://127.0.0.1:{c}"))
            .collect::<Vec<_>>()
            .join(",");
        let nodes = ports
            .iter()
            .enumerate()
            .map(|(i, (p, c))| {
                let extra = vec![
                    "--cluster".to_string(),
                    format!("nats://127.0.0.1:{c}"),
                    "--cluster_name".into(),
                    "warroom-test".into(),
                    "--routes".into(),
                    routes.clone(),
                ];
                Nats::start_with(dir, &format!("n{}", i + 1), *p, extra)
            })
            .collect();
        Cluster { nodes }
    }

    /// Every server's URL, comma-separated (a room's `url`).
    pub fn urls(&self) -> String {
        self.nodes
            .iter()
            .map(Nats::url)
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The URLs of the servers still running.
    pub fn live_urls(&self) -> String {
        self.nodes
            .iter()
            .filter(|n| n.proc.is_some())
            .map(Nats::url)
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn node(&mut self, name: &str) -> Option<&mut Nats> {
        self.nodes.iter_mut().find(|n| n.name == name)
    }

    pub fn logs(&self) -> String {
        self.nodes
            .iter()
            .map(|n| format!("--- {} ---\n{}", n.name, n.log()))
            .collect()
    }
}
