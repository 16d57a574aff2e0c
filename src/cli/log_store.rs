//! The store on the command line: `--store nats://…` and `--incident ID` for the room,
//! `warroom incidents --store nats://…` (the incidents on a stream),
//! `warroom log push LOG` and `warroom log pull ID` (an incident between a file and a
//! stream).
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail};

use crate::config::{Config, NatsConfig, StoreConfig};
use crate::incident::{Event, Incident};
use crate::log::LogWriter;
use crate::store::nats;

/// Applies `--store URL` and `--incident ID` over the config. `Err`: the message to show.
pub fn apply(
    config: &mut Config,
    store: Option<&str>,
    incident: Option<&str>,
) -> anyhow::Result<()> {
    if let Some(url) = store {
        let mut n = NatsConfig::from_url(url).map_err(|m| anyhow!("--store: {m}"))?;
        if let StoreConfig::Nats(c) = &config.store {
            // The URL replaces the servers; the rest of [store] stays.
            n = NatsConfig {
                urls: n.urls,
                ..c.clone()
            };
        }
        config.store = StoreConfig::Nats(n);
    }
    if let Some(id) = incident {
        crate::config::store::incident_id_ok(id).map_err(|m| anyhow!("--incident: {m}"))?;
        config.incident.id = Some(id.to_string());
    }
    // Each source runs on one host only: here, those this host runs.
    if let StoreConfig::Nats(n) = &config.store {
        let n = n.clone();
        config.sources.retain(|s| {
            let here = n.runs_source(&s.name);
            if !here {
                tracing::info!(source = %s.name, "runs on another host");
            }
            here
        });
    }
    Ok(())
}

/// The NATS store to use: `--store URL` (over the config's other `[store]` settings),
/// else the config's `[store]`.
fn nats_config(config_path: Option<&Path>, store: Option<&str>) -> anyhow::Result<NatsConfig> {
    let from_config = match Config::load(config_path) {
        Ok(c) => match c.store {
            StoreConfig::Nats(n) => Some(n),
            StoreConfig::File => None,
        },
        Err(e) if config_path.is_some() => return Err(e.into()),
        Err(_) => None,
    };
    match (store, from_config) {
        (Some(url), Some(c)) => Ok(NatsConfig {
            urls: NatsConfig::from_url(url)
                .map_err(|m| anyhow!("--store: {m}"))?
                .urls,
            ..c
        }),
        (Some(url), None) => NatsConfig::from_url(url).map_err(|m| anyhow!("--store: {m}")),
        (None, Some(c)) => Ok(c),
        (None, None) => bail!(
            "no NATS store: give --store nats://HOST:PORT or set [store] kind = \"nats\" in the config"
        ),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow!("cannot start: {e}"))
}

/// `warroom incidents --store URL`: one line per incident on the stream.
pub fn incidents(config: Option<&Path>, store: Option<&str>) -> ExitCode {
    let run = || -> anyhow::Result<Vec<nats::Summary>> {
        let cfg = nats_config(config, store)?;
        Ok(runtime()?.block_on(nats::list(&cfg))?)
    };
    match run() {
        Ok(list) => {
            if list.is_empty() {
                println!("no incidents on the stream");
            }
            let now = chrono::Utc::now();
            for s in list {
                let age = s
                    .opened
                    .map(|o| crate::incident::format_duration(now - o))
                    .unwrap_or_else(|| "-".into());
                println!(
                    "{}  {}  {}  {:?}  {} ago  commander: {}  ({} events)",
                    crate::text::line(&s.id),
                    crate::text::line_max(&s.title, 60),
                    s.severity,
                    s.state,
                    age,
                    s.commander
                        .as_deref()
                        .map_or("-".to_string(), crate::text::line),
                    s.events
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("warroom incidents: {e}");
            ExitCode::from(2)
        }
    }
}

/// `warroom log push LOG [--incident ID]`: publishes a local log to the stream (as the
/// incident of its header unless `--incident` names another). Pushing twice adds nothing.
pub fn push(
    config: Option<&Path>,
    store: Option<&str>,
    log: &Path,
    incident: Option<&str>,
) -> ExitCode {
    let run = || -> anyhow::Result<(String, u64, u64)> {
        let cfg = nats_config(config, store)?;
        let mut events: Vec<Event> = Vec::new();
        let (header, recovery) = crate::log::read(log, |e| events.push(e))?;
        if !recovery.damaged.is_empty() {
            bail!(
                "{}: {} damaged lines; run `warroom log verify` first",
                log.display(),
                recovery.damaged.len()
            );
        }
        let id = incident.map_or(header.incident.clone(), str::to_string);
        crate::config::store::incident_id_ok(&id)?;
        let (new, dup) = runtime()?.block_on(nats::push(&cfg, &id, &events))?;
        Ok((id, new, dup))
    };
    match run() {
        Ok((id, new, dup)) => {
            println!("pushed {new} events to incident {id} ({dup} were already there)");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("warroom log push: {e}");
            ExitCode::from(2)
        }
    }
}

/// `warroom log pull ID [-o LOG]`: writes the incident on the stream to a local log
/// (default `ID.jsonl`; refused if it exists).
pub fn pull(
    config: Option<&Path>,
    store: Option<&str>,
    incident: &str,
    output: Option<&Path>,
) -> ExitCode {
    let run = || -> anyhow::Result<(PathBuf, usize, String)> {
        crate::config::store::incident_id_ok(incident)?;
        let cfg = nats_config(config, store)?;
        let events = runtime()?.block_on(nats::pull(&cfg, incident))?;
        if events.is_empty() {
            bail!("no incident {incident:?} on the stream");
        }
        let path = output.map_or_else(
            || PathBuf::from(format!("{incident}.jsonl")),
            Path::to_path_buf,
        );
        let mut w = LogWriter::create(&path, incident)?;
        w.append(&events)?;
        let mut inc = Incident::new();
        inc.apply_all(&events);
        Ok((path, events.len(), inc.title))
    };
    match run() {
        Ok((path, n, title)) => {
            println!(
                "pulled {n} events of {:?} into {}",
                crate::text::line(&title),
                crate::text::line(&path.display().to_string())
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("warroom log pull: {e}");
            ExitCode::from(2)
        }
    }
}
