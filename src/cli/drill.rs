//! `warroom drill SCENARIO [--speed N]`: opens the room on a drill (the same code path as
//! `warroom` with a drill source), and when the room closes prints the drill report: the
//! people's times against the scenario's reference times and the checklist items missed.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail};
use chrono::Utc;

use super::args::{DrillArgs, OpenArgs};
use crate::config::Config;
use crate::drill_report::{DrillHeader, DrillReport};
use crate::incident::Incident;

/// A drill found by path or by name.
#[derive(Debug)]
pub struct Found {
    /// What the generated config names: a path on disk, or the built-in file name.
    pub config_path: String,
    pub header: DrillHeader,
}

/// Finds a drill: a file, `drills/NAME[.jsonl]` under the current folder, or a built-in one.
pub fn find(scenario: &str) -> anyhow::Result<Found> {
    let with_ext = if scenario.ends_with(".jsonl") {
        scenario.to_string()
    } else {
        format!("{scenario}.jsonl")
    };
    let candidates = [
        PathBuf::from(scenario),
        Path::new("drills").join(scenario),
        Path::new("drills").join(&with_ext),
    ];
    for p in candidates {
        if p.is_file() {
            let text = std::fs::read_to_string(&p).map_err(|e| anyhow!("{}: {e}", p.display()))?;
            let header = header_of(&text).map_err(|e| anyhow!("{}: {e}", p.display()))?;
            let abs = std::path::absolute(&p).unwrap_or(p);
            return Ok(Found {
                config_path: abs.display().to_string(),
                header,
            });
        }
    }
    let name = Path::new(&with_ext)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    if let Some(text) = crate::sources::drill::builtin(Path::new(&name)) {
        let header = header_of(text).map_err(|e| anyhow!("built-in {name}: {e}"))?;
        return Ok(Found {
            config_path: name,
            header,
        });
    }
    let builtin: Vec<&str> = crate::sources::drill::BUILTIN
        .iter()
        .map(|(n, _)| n.trim_end_matches(".jsonl"))
        .collect();
    bail!(
        "no drill {scenario:?}: not a file, not in ./drills, not built in (built-in drills: {})",
        builtin.join(", ")
    )
}

/// When `path` is a drill scenario rather than an incident log: what to say instead of
/// "not a warroom log" (`warroom drill NAME` plays it).
pub fn hint_if_drill(path: &Path) -> Option<String> {
    use std::io::{BufRead, BufReader, Read};
    let file = std::fs::File::open(path).ok()?;
    let mut first = Vec::new();
    // A header line is short; never read more than this of whatever the file is.
    BufReader::new(file.take(256 * 1024))
        .read_until(b'\n', &mut first)
        .ok()?;
    let header: serde_json::Value = serde_json::from_slice(&first).ok()?;
    header.get("warroom_drill")?;
    let name = header
        .get("name")
        .and_then(|n| n.as_str())
        .unwrap_or_default();
    let by_name = !name.is_empty()
        && find(name).is_ok_and(|f| {
            crate::sources::drill::builtin(Path::new(&f.config_path)).is_some()
                || std::path::absolute(path).is_ok_and(|p| p.display().to_string() == f.config_path)
        });
    let arg = if by_name {
        crate::text::line(name)
    } else {
        crate::text::line(&path.display().to_string())
    };
    Some(format!(
        "{} is a drill scenario, not an incident log; play it with `warroom drill {arg}`",
        crate::text::line(&path.display().to_string())
    ))
}

fn header_of(text: &str) -> anyhow::Result<DrillHeader> {
    DrillHeader::parse(text.lines().next().unwrap_or_default()).map_err(|e| anyhow!("line 1: {e}"))
}

/// The config a drill room runs with: the drill as its only source, the title and severity
/// from the drill, checklists and theme from the user's config (else the built-in one).
pub fn drill_config(found: &Found, base: &Config, log: &Path) -> String {
    let mut t = toml::Table::new();
    let mut incident = toml::Table::new();
    incident.insert("title".into(), found.header.title.clone().into());
    incident.insert("severity".into(), found.header.severity.as_str().into());
    incident.insert("log".into(), log.display().to_string().into());
    // On a shared store the drill plays on the stream, as incident `[incident] id`.
    if let crate::config::StoreConfig::Nats(n) = &base.store {
        if let Some(id) = &base.incident.id {
            incident.insert("id".into(), id.clone().into());
        }
        t.insert("store".into(), store_table(n).into());
    }
    t.insert("incident".into(), incident.into());
    let mut ui = toml::Table::new();
    ui.insert("theme".into(), base.ui.theme.clone().into());
    t.insert("ui".into(), ui.into());
    let mut src = toml::Table::new();
    src.insert("kind".into(), "drill".into());
    src.insert("name".into(), "drill".into());
    src.insert("path".into(), found.config_path.clone().into());
    t.insert(
        "source".into(),
        toml::Value::Array(vec![toml::Value::Table(src)]),
    );
    let mut lists = toml::Table::new();
    for (name, items) in base.checklists.lists() {
        // Items linked to an event (`done_when`) stay linked in the drill.
        let links = base.checklists.done_when.get(name);
        let item = |i: &String| -> toml::Value {
            match links.and_then(|l| l.get(i)) {
                Some(rule) => {
                    let mut t = toml::Table::new();
                    t.insert("text".into(), i.clone().into());
                    t.insert("done_when".into(), rule.clone().into());
                    t.into()
                }
                None => i.clone().into(),
            }
        };
        lists.insert(
            name.into(),
            toml::Value::Array(items.iter().map(item).collect()),
        );
    }
    t.insert("checklists".into(), lists.into());
    toml::to_string(&t).unwrap_or_default()
}

/// `[store]` as the drill room's config writes it.
fn store_table(n: &crate::config::NatsConfig) -> toml::Table {
    let mut s = toml::Table::new();
    s.insert("kind".into(), "nats".into());
    s.insert("url".into(), n.urls.join(",").into());
    s.insert("stream".into(), n.stream.clone().into());
    s.insert("replicas".into(), (n.replicas as i64).into());
    s.insert("tls".into(), n.tls.into());
    s.insert("host".into(), n.host.clone().into());
    if let Some(v) = &n.token_env {
        s.insert("token_env".into(), v.clone().into());
    }
    if let Some(c) = &n.creds_file {
        let abs = std::path::absolute(c).unwrap_or_else(|_| c.clone());
        s.insert("creds_file".into(), abs.display().to_string().into());
    }
    s
}

/// The incident id a drill on a shared store plays as when none is given:
/// `drill-NAME-YYYYMMDD-HHMMSS`.
fn drill_incident_id(name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .take(80)
        .collect();
    format!("drill-{name}-{}", Utc::now().format("%Y%m%d-%H%M%S"))
}

/// The report of a finished drill log.
pub fn report_of(log: &Path, header: &DrillHeader, speed: f64) -> anyhow::Result<DrillReport> {
    let mut events = Vec::new();
    crate::log::read(log, |e| events.push(e))?;
    let inc = Incident::fold(&events);
    Ok(DrillReport::with_speed(&inc, header, speed))
}

pub fn run(open: &OpenArgs, args: &DrillArgs) -> ExitCode {
    let found = match find(&args.scenario) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("warroom drill: {e}");
            return ExitCode::from(2);
        }
    };
    let speed = args.speed.or(open.speed).unwrap_or(found.header.speed);
    if !super::speed_ok("drill", Some(speed)) {
        return ExitCode::from(2);
    }
    let base = match open.config.as_deref() {
        Some(p) => crate::assets::load_config(Some(p)),
        None => crate::assets::load_config(None).or_else(|_| Config::load_embedded()),
    };
    let mut base = match base {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    // `--store` and `--incident` (or the config's [store]): the drill plays on the stream.
    if let Err(e) =
        super::log_store::apply(&mut base, open.store.as_deref(), open.incident.as_deref())
    {
        eprintln!("warroom drill: {e}");
        return ExitCode::from(2);
    }
    let shared = matches!(base.store, crate::config::StoreConfig::Nats(_));
    if shared && base.incident.id.is_none() {
        base.incident.id = Some(drill_incident_id(&found.header.name));
    }
    let log = open.log.clone().unwrap_or_else(|| {
        PathBuf::from("incidents").join(format!(
            "drill-{}-{}.jsonl",
            found.header.name,
            Utc::now().format("%Y%m%d-%H%M%S")
        ))
    });
    if let Some(dir) = log.parent().filter(|d| !d.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("warroom drill: {}: {e}", dir.display());
        return ExitCode::from(1);
    }
    // The room's config is kept next to the log, so the drill can be run again as it was.
    let cfg_path = log.with_extension("drill.toml");
    if let Err(e) = std::fs::write(&cfg_path, drill_config(&found, &base, &log)) {
        eprintln!("warroom drill: {}: {e}", cfg_path.display());
        return ExitCode::from(1);
    }
    let room_args = OpenArgs {
        config: Some(cfg_path),
        ssh: open.ssh.clone(),
        user: args.user.clone().or_else(|| open.user.clone()),
        log: Some(log.clone()),
        speed: Some(speed),
        new: false,
        theme: open.theme.clone(),
        ..OpenArgs::default()
    };
    let code = super::open::run(&room_args);
    if !log.exists() {
        return code;
    }
    match report_of(&log, &found.header, speed) {
        Ok(r) => {
            println!("{}", r.render_text());
            println!("The drill's log: {}", log.display());
            if let (true, Some(id)) = (shared, &base.incident.id) {
                println!("On the stream as incident {}", crate::text::line(id));
            }
            code
        }
        Err(e) => {
            eprintln!("warroom drill: reading {}: {e}", log.display());
            ExitCode::from(1)
        }
    }
}
