//! `warroom init [--force]`: writes a commented starter `config.toml` in the current
//! directory. It probes the usual local addresses (Prometheus :9090, Alertmanager :9093, a
//! pushgateway :9091) with a short timeout; a Prometheus that answers becomes one source
//! per job of its `up` series (thresholds left for the person), an Alertmanager a webhook
//! receiver; what did not answer stays a commented example. `warroom check` passes on it.
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use super::args::InitArgs;

/// How long a probe may take, connecting included.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(1500);
/// At most this many jobs become sources; the rest are named in a comment.
pub const MAX_JOBS: usize = 20;
/// Largest probe answer read.
const MAX_BODY: usize = 4 << 20;

/// What a probe found at one address.
#[derive(Clone, Debug, PartialEq)]
pub enum Probe {
    /// It answered as expected; for Prometheus, the jobs of `up`.
    Found(Vec<String>),
    /// Nothing usable there; why, in a few words.
    Missing(String),
}

/// The three probes' results.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub prometheus: Probe,
    pub alertmanager: Probe,
    pub pushgateway: Probe,
}

pub fn run(args: &InitArgs) -> ExitCode {
    let path = Path::new("config.toml");
    if path.exists() && !args.force {
        eprintln!(
            "warroom init: config.toml already exists here; keep it, or overwrite it with `warroom init --force`"
        );
        return ExitCode::from(1);
    }
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("warroom init: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    let found = rt.block_on(probe_all(args));
    let text = render(
        args,
        &found,
        &chrono::Utc::now().format("%Y-%m-%d").to_string(),
    );
    if let Err(e) = write(path, &text, args.force) {
        eprintln!("warroom init: cannot write config.toml: {e}");
        return ExitCode::from(1);
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "wrote config.toml");
    for (what, url, p) in [
        ("Prometheus", &args.prometheus, &found.prometheus),
        ("Alertmanager", &args.alertmanager, &found.alertmanager),
        ("pushgateway", &args.pushgateway, &found.pushgateway),
    ] {
        let url = crate::text::line(url);
        let line = match p {
            Probe::Found(jobs) if what == "Prometheus" => format!(
                "  {what} at {url}: found, {} job{} of `up` as sources",
                jobs.len().min(MAX_JOBS),
                if jobs.len().min(MAX_JOBS) == 1 {
                    ""
                } else {
                    "s"
                }
            ),
            Probe::Found(_) => format!("  {what} at {url}: found"),
            Probe::Missing(why) => {
                format!(
                    "  {what} at {url}: not found ({}), left as a commented example",
                    crate::text::line(why)
                )
            }
        };
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(
        out,
        "next: set the thresholds you want, then `warroom check` and `warroom`"
    );
    ExitCode::SUCCESS
}

/// Writes `text` to `path` through a temporary file, so a failed write leaves no half
/// config. Without `force` an existing file is never replaced.
fn write(path: &Path, text: &str, force: bool) -> std::io::Result<()> {
    let tmp = path.with_extension("toml.init-tmp");
    std::fs::write(&tmp, text)?;
    let done = if force {
        std::fs::rename(&tmp, path)
    } else {
        // hard_link fails when `path` appeared meanwhile: nothing is overwritten.
        std::fs::hard_link(&tmp, path)
    };
    let _ = std::fs::remove_file(&tmp);
    done
}

async fn probe_all(args: &InitArgs) -> Found {
    let client = reqwest::Client::builder()
        .timeout(PROBE_TIMEOUT)
        .connect_timeout(PROBE_TIMEOUT)
        .no_proxy()
        .build();
    let client = match client {
        Ok(c) => c,
        Err(e) => {
            let why = Probe::Missing(format!("no HTTP client: {e}"));
            return Found {
                prometheus: why.clone(),
                alertmanager: why.clone(),
                pushgateway: why,
            };
        }
    };
    let (prometheus, alertmanager, pushgateway) = tokio::join!(
        prometheus_jobs(&client, &args.prometheus),
        answers_json(&client, &args.alertmanager, "/api/v2/status", "cluster"),
        answers_json(&client, &args.pushgateway, "/api/v1/status", "status"),
    );
    Found {
        prometheus,
        alertmanager,
        pushgateway,
    }
}

/// GET `base` + `path`, as JSON (size-capped).
async fn get_json(
    client: &reqwest::Client,
    base: &str,
    path: &str,
) -> anyhow::Result<serde_json::Value> {
    let url = format!("{}{path}", base.trim_end_matches('/'));
    let mut resp = client.get(&url).send().await.map_err(short_error)?;
    if !resp.status().is_success() {
        anyhow::bail!("{path} answered {}", resp.status());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(short_error)? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_BODY {
            anyhow::bail!("{path} answered more than {MAX_BODY} bytes");
        }
    }
    serde_json::from_slice(&body).map_err(|_| anyhow::anyhow!("{path} did not answer JSON"))
}

fn short_error(e: reqwest::Error) -> anyhow::Error {
    if e.is_timeout() {
        anyhow::anyhow!("no answer in time")
    } else if e.is_connect() {
        anyhow::anyhow!("nothing listening")
    } else {
        e.into()
    }
}

/// The jobs of Prometheus's `up` series (sorted, each once).
async fn prometheus_jobs(client: &reqwest::Client, base: &str) -> Probe {
    let v = match get_json(client, base, "/api/v1/query?query=up").await {
        Ok(v) => v,
        Err(e) => return Probe::Missing(e.to_string()),
    };
    if v.get("status").and_then(|s| s.as_str()) != Some("success") {
        return Probe::Missing("not a Prometheus query API answer".into());
    }
    let Some(result) = v.pointer("/data/result").and_then(|r| r.as_array()) else {
        return Probe::Missing("not a Prometheus query API answer".into());
    };
    let jobs: BTreeSet<String> = result
        .iter()
        .filter_map(|s| s.pointer("/metric/job").and_then(|j| j.as_str()))
        .map(str::to_string)
        .collect();
    Probe::Found(jobs.into_iter().collect())
}

/// Found when `path` answers a JSON object with `key` (Alertmanager's and the
/// pushgateway's status APIs).
async fn answers_json(client: &reqwest::Client, base: &str, path: &str, key: &str) -> Probe {
    match get_json(client, base, path).await {
        Ok(v) if v.get(key).is_some() => Probe::Found(Vec::new()),
        Ok(_) => Probe::Missing(format!("{path} is not the expected status API")),
        Err(e) => Probe::Missing(e.to_string()),
    }
}

/// A TOML string (quoted and escaped).
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A PromQL string literal.
fn promql_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The starter config for what was found.
pub fn render(args: &InitArgs, found: &Found, date: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"# warroom config, written by `warroom init` on {date}.
# Check it with `warroom check`; open the room with `warroom`. Every key of every source
# kind is in the reference config (`config.toml` of the source, or
# /usr/share/warroom/config.toml from the Debian package).
# Durations are written "15s", "5m", "1h30m". Secrets never go here: name the environment
# variable that holds them (auth_env, token_env).

[incident]
title = "Incident"                      # the room's title until `:declare TITLE` names it
severity = "SEV3"                       # SEV1 (worst) .. SEV4
log = "incidents/{{date}}-{{slug}}.jsonl"   # placeholders: {{date}} {{time}} {{slug}}

[ui]
theme = "default"   # default, light, high-contrast, solarized, mono, or a file in themes/
"#
    );
    prometheus_part(&mut s, &args.prometheus, &found.prometheus);
    alertmanager_part(&mut s, &found.alertmanager);
    pushgateway_part(&mut s, args, found);
    s.push_str(
        r#"
# Responders join over SSH (also: warroom --ssh ADDR).
# [ssh]
# listen = "0.0.0.0:2222"
# authorized_keys = "~/.ssh/authorized_keys"   # responders (may act)
# observers = "observers.pub"                  # read-only viewers

[checklists]
detection = [
  "Confirm impact from two independent signals",
  "List changes of the last 24 h: deploys, config and feature-flag changes",
  { text = "Back-date the impact start to the first bad sample", done_when = "impact_backdated" },
]
mitigation = [
  "Freeze deploys and config changes until resolved",
  "Roll back the last change on the affected path",
  "Verify recovery on the same signals that showed the impact",
]
communication = [
  { text = "Name a comms lead so the commander can stay on the fix", done_when = "role:comms" },
  "First public status update within 15 min of declaring",
  "Post updates every 30 min until resolved, even when there is no news",
]
"#,
    );
    s
}

fn prometheus_part(s: &mut String, url: &str, p: &Probe) {
    match p {
        Probe::Found(jobs) if !jobs.is_empty() => {
            let _ = writeln!(
                s,
                "\n# Prometheus answered at {}: one source per job of its `up` series.\n\
                 # `up` is 1 while a target is scraped and 0 when it is down: set the thresholds\n\
                 # you want (with direction = \"below\", warn above crit, e.g. warn = 1, crit = 0.5).",
                crate::text::line(url)
            );
            for job in jobs.iter().take(MAX_JOBS) {
                let query = format!("up{{job={}}}", promql_str(job));
                let _ = write!(
                    s,
                    "[[source]]\nkind = \"prometheus\"\nname = {}\nurl = {}\nquery = {}\n\
                     every = \"15s\"\nlabel = \"{{{{instance}}}}\"\ndirection = \"below\"\n\
                     # warn = 1\n# crit = 0.5\n\n",
                    toml_str(&format!("up: {job}")),
                    toml_str(url),
                    toml_str(&query),
                );
            }
            if jobs.len() > MAX_JOBS {
                let rest: Vec<String> = jobs[MAX_JOBS..]
                    .iter()
                    .map(|j| crate::text::line(j))
                    .collect();
                let _ = writeln!(
                    s,
                    "# Also found, not made sources (copy one above): {}",
                    rest.join(", ")
                );
            }
        }
        other => {
            let why = match other {
                Probe::Missing(why) => crate::text::line(why),
                Probe::Found(_) => "it has no `up` series yet".into(),
            };
            let _ = write!(
                s,
                "\n# No Prometheus source: {} ({why}).\n# A PromQL query polled on an interval; thresholds mark the line warn/crit.\n\
                 # [[source]]\n# kind = \"prometheus\"\n# name = \"checkout error rate\"\n# url = {}\n\
                 # query = 'sum(rate(http_requests_total{{job=\"checkout\",code=~\"5..\"}}[1m])) / sum(rate(http_requests_total{{job=\"checkout\"}}[1m]))'\n\
                 # every = \"15s\"\n# unit = \"%\"\n# warn = 0.01\n# crit = 0.05\n",
                crate::text::line(url),
                toml_str(&crate::text::line(url)),
            );
        }
    }
}

fn alertmanager_part(s: &mut String, p: &Probe) {
    let receiver = "# In alertmanager.yml, a receiver that sends to warroom:\n\
                    #   receivers:\n#     - name: warroom\n#       webhook_configs:\n\
                    #         - url: http://127.0.0.1:9099/alertmanager\n";
    let source = "[[source]]\nkind = \"alertmanager\"\nname = \"alerts\"\n\
                  listen = \"127.0.0.1:9099\"\npath = \"/alertmanager\"\n";
    match p {
        Probe::Found(_) => {
            let _ = write!(
                s,
                "\n# Alertmanager answered: warroom receives its notifications here.\n{receiver}{source}"
            );
        }
        Probe::Missing(why) => {
            let _ = write!(
                s,
                "\n# No Alertmanager found ({}). To receive its notifications:\n{receiver}",
                crate::text::line(why)
            );
            for line in source.lines() {
                let _ = writeln!(s, "# {line}");
            }
        }
    }
}

fn pushgateway_part(s: &mut String, args: &InitArgs, found: &Found) {
    let head = match &found.pushgateway {
        Probe::Found(_) => format!(
            "A pushgateway answered at {}. What is pushed there reaches warroom through\n\
             # Prometheus (scrape the pushgateway with honor_labels: true), e.g. user reports",
            crate::text::line(&args.pushgateway)
        ),
        Probe::Missing(why) => format!(
            "No pushgateway found ({}). User outage reports pushed to one and scraped by\n\
             # Prometheus",
            crate::text::line(why)
        ),
    };
    let _ = write!(
        s,
        "\n# {head}\n# counted against their baseline:\n# [[source]]\n# kind = \"reports\"\n\
         # name = \"user reports\"\n# url = {}\n# query = 'sum(increase(user_reports_total[5m]))'\n\
         # ratio = 3.0\n# crit_ratio = 10.0\n# every = \"1m\"\n",
        toml_str(&crate::text::line(&args.prometheus)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> InitArgs {
        InitArgs {
            force: false,
            prometheus: "http://127.0.0.1:9090".into(),
            alertmanager: "http://127.0.0.1:9093".into(),
            pushgateway: "http://127.0.0.1:9091".into(),
        }
    }

    #[test]
    fn job_names_with_quotes_or_newlines_stay_one_valid_source_each() {
        let jobs = vec![
            "api".to_string(),
            "we\"ird\\job".into(),
            "two\nlines".into(),
        ];
        let found = Found {
            prometheus: Probe::Found(jobs.clone()),
            alertmanager: Probe::Missing("nothing listening".into()),
            pushgateway: Probe::Missing("nothing listening".into()),
        };
        let text = render(&args(), &found, "2026-11-30");
        let table: toml::Table = text.parse().expect("valid TOML");
        let sources = table["source"].as_array().expect("sources");
        assert_eq!(sources.len(), 3);
        let queries: Vec<&str> = sources.iter().filter_map(|s| s["query"].as_str()).collect();
        assert_eq!(
            queries,
            [
                r#"up{job="api"}"#,
                r#"up{job="we\"ird\\job"}"#,
                r#"up{job="two\nlines"}"#
            ]
        );
    }

    #[test]
    fn more_jobs_than_the_cap_are_named_in_a_comment() {
        let jobs: Vec<String> = (0..MAX_JOBS + 3).map(|i| format!("job{i:02}")).collect();
        let found = Found {
            prometheus: Probe::Found(jobs),
            alertmanager: Probe::Missing("x".into()),
            pushgateway: Probe::Missing("x".into()),
        };
        let text = render(&args(), &found, "2026-11-30");
        let table: toml::Table = text.parse().expect("valid TOML");
        assert_eq!(table["source"].as_array().map(Vec::len), Some(MAX_JOBS));
        assert!(
            text.contains("# Also found, not made sources (copy one above): job20, job21, job22")
        );
    }
}
