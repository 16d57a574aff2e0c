//! `config.toml`: schema, search order and validation.
//!
//! Every error names the file, line and column, says what was expected and, where it can,
//! how to fix it (did-you-mean for misspelt keys and kinds). `warroom check` prints them all.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::incident::{Direction, Severity};

/// The config shipped at the repo root, built into the binary: the bundled drill.
pub const EMBEDDED_CONFIG: &str = include_str!("../config.toml");
/// The name shown for the embedded config in messages.
pub const EMBEDDED_NAME: &str = "(built-in config.toml)";

pub const SOURCE_KINDS: &[&str] = &[
    "prometheus",
    "statuspage",
    "feed",
    "reports",
    "alertmanager",
    "drill",
];

/// One problem in a config file.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

/// All problems found in one config file.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// The validated config.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Where it was read from; `None` for the built-in default.
    pub path: Option<PathBuf>,
    /// Relative paths in the config (drills, keys) are resolved against this folder.
    pub dir: PathBuf,
    pub incident: IncidentConfig,
    pub ui: UiConfig,
    pub sources: Vec<SourceConfig>,
    pub checklists: Checklists,
    pub ssh: SshConfig,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IncidentConfig {
    pub title: String,
    pub severity: Severity,
    /// Log path template: `{date}` (YYYY-MM-DD), `{time}` (HHMMSS) and `{slug}` (from title).
    pub log: String,
    /// `declare = "on_open"`: a new live room is declared at open by whoever opens it.
    /// Default (`"manual"`): it opens "not declared" until a person types `:declare`.
    pub declare_on_open: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct UiConfig {
    pub theme: String,
    /// Extra theme folder (besides the built-in themes and `$XDG_CONFIG_HOME/warroom/themes`).
    pub themes_dir: Option<PathBuf>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Checklists {
    pub detection: Vec<String>,
    pub mitigation: Vec<String>,
    pub communication: Vec<String>,
    /// list → item text → the event that completes it (`done_when`, checked).
    pub done_when: BTreeMap<String, BTreeMap<String, String>>,
}

impl Checklists {
    /// (list name, items) in display order.
    pub fn lists(&self) -> [(&'static str, &[String]); 3] {
        [
            ("detection", &self.detection),
            ("mitigation", &self.mitigation),
            ("communication", &self.communication),
        ]
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SshConfig {
    /// Address to listen on (also settable with `--ssh`).
    pub listen: Option<String>,
    /// Responders' public keys (OpenSSH authorized_keys format).
    pub authorized_keys: Option<PathBuf>,
    /// Observers' public keys: read-only.
    pub observers: Option<PathBuf>,
    /// Host key file; default `$XDG_DATA_HOME/warroom/host_key`.
    pub host_key: Option<PathBuf>,
    pub max_sessions: usize,
    pub idle_timeout: Duration,
    /// Failed authentication attempts allowed per IP per minute.
    pub max_auth_failures: u32,
}

impl Default for SshConfig {
    fn default() -> Self {
        SshConfig {
            listen: None,
            authorized_keys: None,
            observers: None,
            host_key: None,
            max_sessions: 64,
            idle_timeout: Duration::from_secs(3600),
            max_auth_failures: 10,
        }
    }
}

/// How a source authenticates; the secret itself is read from an environment variable.
#[derive(Clone, Debug, PartialEq)]
pub enum Auth {
    /// `Authorization: Bearer $ENV`.
    Bearer { env: String },
    /// `$ENV` holds `user:password`.
    Basic { env: String },
}

#[derive(Clone, Debug, PartialEq)]
pub struct SourceConfig {
    pub name: String,
    /// Poll interval.
    pub every: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Response size cap in bytes.
    pub max_bytes: u64,
    /// Line of the `[[source]]` table in the file.
    pub line: usize,
    pub kind: SourceKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum SourceKind {
    Prometheus(PrometheusConfig),
    Statuspage(StatuspageConfig),
    Feed(FeedConfig),
    Reports(ReportsConfig),
    Alertmanager(AlertmanagerConfig),
    Drill(DrillConfig),
}

impl SourceKind {
    pub fn name(&self) -> &'static str {
        match self {
            SourceKind::Prometheus(_) => "prometheus",
            SourceKind::Statuspage(_) => "statuspage",
            SourceKind::Feed(_) => "feed",
            SourceKind::Reports(_) => "reports",
            SourceKind::Alertmanager(_) => "alertmanager",
            SourceKind::Drill(_) => "drill",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PrometheusConfig {
    pub url: String,
    pub query: String,
    /// Backfill window at start (`query_range`).
    pub window: Duration,
    pub unit: String,
    pub warn: Option<f64>,
    pub crit: Option<f64>,
    pub direction: Direction,
    /// Series name template for multi-series results, e.g. `"{{region}}"`.
    pub label: Option<String>,
    pub auth: Option<Auth>,
    /// Hysteresis band (fraction of the threshold) and dwell (samples); `None`: defaults.
    pub hysteresis: Option<f64>,
    pub dwell: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StatuspageConfig {
    /// Page root, e.g. `https://www.githubstatus.com`; `/api/v2/summary.json` is appended.
    pub url: String,
    pub auth: Option<Auth>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FeedConfig {
    pub url: String,
    pub auth: Option<Auth>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReportsConfig {
    pub url: String,
    /// When set, `url` is a Prometheus server and this query gives the report count.
    pub query: Option<String>,
    /// JSON pointers to the report and baseline arrays (default `/reports`, `/baseline`).
    pub reports_pointer: String,
    pub baseline_pointer: String,
    /// A count over `ratio` x baseline is a spike (warn); `crit_ratio` is crit.
    pub ratio: f64,
    pub crit_ratio: Option<f64>,
    pub auth: Option<Auth>,
    /// Hysteresis band (fraction of the threshold) and dwell (samples); `None`: defaults.
    pub hysteresis: Option<f64>,
    pub dwell: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AlertmanagerConfig {
    pub listen: SocketAddr,
    pub path: String,
    /// Environment variable holding the bearer token Alertmanager must send.
    pub token_env: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DrillConfig {
    /// Scenario file (JSON Lines); a bare name also finds the drills built into the binary.
    pub path: PathBuf,
    /// Time compression: 1 plays in real time. Without `speed` in config: the drill's default.
    pub speed: f64,
}

// ---------------------------------------------------------------------------------------
// Raw (as written) structures: every field spanned so errors can point at it.

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    incident: Option<Spanned<RawIncident>>,
    #[serde(default)]
    ui: Option<Spanned<RawUi>>,
    #[serde(default)]
    source: Vec<Spanned<RawSource>>,
    #[serde(default)]
    checklists: Option<Spanned<RawChecklists>>,
    #[serde(default)]
    ssh: Option<Spanned<RawSsh>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawIncident {
    title: Option<Spanned<String>>,
    severity: Option<Spanned<String>>,
    log: Option<Spanned<String>>,
    declare: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawUi {
    theme: Option<Spanned<String>>,
    themes_dir: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawChecklists {
    detection: Option<Spanned<Vec<RawItem>>>,
    mitigation: Option<Spanned<Vec<RawItem>>>,
    communication: Option<Spanned<Vec<RawItem>>>,
}

/// A checklist item: `"text"` or `{ text = "…", done_when = "role:comms" }`.
struct RawItem {
    text: String,
    done_when: Option<Spanned<String>>,
}

impl<'de> Deserialize<'de> for RawItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawItem;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a checklist item: \"text\" or { text = \"…\", done_when = \"…\" }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawItem, E> {
                Ok(RawItem {
                    text: v.to_string(),
                    done_when: None,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<RawItem, A::Error> {
                use serde::de::Error as _;
                let (mut text, mut done_when) = (None, None);
                while let Some(k) = m.next_key::<String>()? {
                    match k.as_str() {
                        "text" => text = Some(m.next_value::<String>()?),
                        "done_when" => done_when = Some(m.next_value::<Spanned<String>>()?),
                        other => {
                            return Err(A::Error::custom(format!(
                                "unknown checklist item key `{other}`, expected `text` or `done_when`"
                            )));
                        }
                    }
                }
                let text = text.ok_or_else(|| A::Error::custom("checklist item without `text`"))?;
                Ok(RawItem { text, done_when })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSsh {
    listen: Option<Spanned<String>>,
    authorized_keys: Option<Spanned<String>>,
    observers: Option<Spanned<String>>,
    host_key: Option<Spanned<String>>,
    max_sessions: Option<Spanned<i64>>,
    idle_timeout: Option<Spanned<String>>,
    max_auth_failures: Option<Spanned<i64>>,
}

/// All keys any source kind may have; which ones a kind accepts is checked after parsing.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSource {
    kind: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    query: Option<Spanned<String>>,
    every: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
    window: Option<Spanned<String>>,
    max_bytes: Option<Spanned<i64>>,
    unit: Option<Spanned<String>>,
    warn: Option<Spanned<f64>>,
    crit: Option<Spanned<f64>>,
    direction: Option<Spanned<String>>,
    label: Option<Spanned<String>>,
    auth: Option<Spanned<String>>,
    auth_env: Option<Spanned<String>>,
    reports_pointer: Option<Spanned<String>>,
    baseline_pointer: Option<Spanned<String>>,
    ratio: Option<Spanned<f64>>,
    crit_ratio: Option<Spanned<f64>>,
    hysteresis: Option<Spanned<f64>>,
    dwell: Option<Spanned<i64>>,
    listen: Option<Spanned<String>>,
    path: Option<Spanned<String>>,
    token_env: Option<Spanned<String>>,
    speed: Option<Spanned<f64>>,
}

/// Keys each kind accepts besides `kind`, `name`, `every`, `timeout`, `max_bytes`.
fn kind_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "prometheus" => &[
            "url",
            "query",
            "window",
            "unit",
            "warn",
            "crit",
            "hysteresis",
            "dwell",
            "direction",
            "label",
            "auth",
            "auth_env",
        ],
        "statuspage" | "feed" => &["url", "auth", "auth_env"],
        "reports" => &[
            "url",
            "query",
            "reports_pointer",
            "baseline_pointer",
            "ratio",
            "crit_ratio",
            "hysteresis",
            "dwell",
            "auth",
            "auth_env",
        ],
        "alertmanager" => &["listen", "path", "token_env"],
        "drill" => &["path", "speed"],
        _ => &[],
    }
}

/// Byte offset → 1-based (line, column) in characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The closest of `candidates` to `word`, if close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Parses `15s`, `5m`, `1h30m`, `500ms`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s.trim()).map_err(|e| e.to_string())
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<ConfigError>,
}

impl Ctx<'_> {
    fn err(
        &mut self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let (line, column) = line_col(self.text, span.start);
        self.errors.push(ConfigError {
            file: self.file.to_string(),
            line,
            column,
            message: message.into(),
            help,
        });
    }

    fn duration(&mut self, v: &Option<Spanned<String>>, key: &str, default: Duration) -> Duration {
        match v {
            None => default,
            Some(s) => match parse_duration(s.get_ref()) {
                Ok(d) if d.is_zero() => {
                    self.err(s.span(), format!("`{key}` must be longer than zero"), None);
                    default
                }
                Ok(d) => d,
                Err(e) => {
                    self.err(
                        s.span(),
                        format!("`{key}`: invalid duration {:?}: {e}", s.get_ref()),
                        Some("write durations like \"15s\", \"5m\" or \"1h30m\"".into()),
                    );
                    default
                }
            },
        }
    }
}

fn str_of(v: &Option<Spanned<String>>) -> Option<String> {
    v.as_ref().map(|s| s.get_ref().clone())
}

impl Config {
    /// Finds and loads the config: `explicit`, then `./config.toml`, then
    /// `$XDG_CONFIG_HOME/warroom/config.toml`, else the built-in default.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigErrors> {
        match Self::find(explicit) {
            Some(path) => Self::load_file(&path),
            None => Self::load_embedded(),
        }
    }

    /// Where `load` would read from (`None`: the built-in default).
    pub fn find(explicit: Option<&Path>) -> Option<PathBuf> {
        if let Some(p) = explicit {
            return Some(p.to_path_buf());
        }
        let local = PathBuf::from("config.toml");
        if local.is_file() {
            return Some(local);
        }
        let xdg = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
        let p = xdg.join("warroom").join("config.toml");
        p.is_file().then_some(p)
    }

    pub fn load_embedded() -> Result<Config, ConfigErrors> {
        let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        Self::parse(EMBEDDED_CONFIG, EMBEDDED_NAME, None, dir)
    }

    pub fn load_file(path: &Path) -> Result<Config, ConfigErrors> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigErrors(vec![ConfigError {
                file: name.clone(),
                line: 0,
                column: 0,
                message: format!("cannot read config: {e}"),
                help: Some(
                    "pass an existing file with --config, or run without it to use the built-in drill"
                        .into(),
                ),
            }])
        })?;
        let dir = path
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    p.to_path_buf()
                }
            })
            .unwrap_or_else(|| PathBuf::from("."));
        Self::parse(&text, &name, Some(path.to_path_buf()), dir)
    }

    /// Parses and validates config text. `file` names it in errors.
    pub fn parse(
        text: &str,
        file: &str,
        path: Option<PathBuf>,
        dir: PathBuf,
    ) -> Result<Config, ConfigErrors> {
        let mut cx = Ctx {
            file,
            text,
            errors: Vec::new(),
        };
        let raw: RawConfig = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let span = e.span().unwrap_or(0..0);
                let msg = e.message().trim().to_string();
                let help = toml_help(&msg);
                cx.err(span, msg, help);
                return Err(ConfigErrors(cx.errors));
            }
        };

        let incident = {
            let r = raw.incident.as_ref().map(|s| s.get_ref());
            let title = r
                .and_then(|r| str_of(&r.title))
                .unwrap_or_else(|| "Untitled incident".into());
            let severity = match r.and_then(|r| r.severity.as_ref()) {
                None => Severity::Sev3,
                Some(s) => Severity::parse(s.get_ref()).unwrap_or_else(|| {
                    cx.err(
                        s.span(),
                        format!("unknown severity {:?}", s.get_ref()),
                        Some("use one of \"SEV1\", \"SEV2\", \"SEV3\", \"SEV4\"".into()),
                    );
                    Severity::Sev3
                }),
            };
            let log = r
                .and_then(|r| str_of(&r.log))
                .unwrap_or_else(|| "incidents/{date}-{slug}.jsonl".into());
            let declare_on_open = match r.and_then(|r| r.declare.as_ref()) {
                None => false,
                Some(d) => match d.get_ref().as_str() {
                    "on_open" => true,
                    "manual" => false,
                    other => {
                        cx.err(
                            d.span(),
                            format!("`declare`: unknown value {other:?}"),
                            Some(
                                "use \"manual\" (a person types :declare; the default) or \"on_open\" (declared when the room opens)"
                                    .into(),
                            ),
                        );
                        false
                    }
                },
            };
            IncidentConfig {
                title,
                severity,
                log,
                declare_on_open,
            }
        };

        let ui = {
            let r = raw.ui.as_ref().map(|s| s.get_ref());
            let theme = r.and_then(|r| r.theme.as_ref());
            let themes_dir = r.and_then(|r| str_of(&r.themes_dir)).map(|d| dir.join(d));
            if let Some(t) = theme {
                let mut extra = Vec::new();
                if let Some(d) = &themes_dir {
                    extra.push(d.clone());
                }
                let available = crate::ui::theme::available(&extra);
                if !available.iter().any(|a| a == t.get_ref()) {
                    let names: Vec<&str> = available.iter().map(String::as_str).collect();
                    let hint = match did_you_mean(t.get_ref(), &names) {
                        Some(m) => format!("did you mean \"{m}\"? themes: {}", names.join(", ")),
                        None => format!("themes: {}", names.join(", ")),
                    };
                    cx.err(
                        t.span(),
                        format!("unknown theme {:?}", t.get_ref()),
                        Some(hint),
                    );
                }
            }
            UiConfig {
                theme: theme
                    .map(|t| t.get_ref().clone())
                    .unwrap_or_else(|| "default".into()),
                themes_dir,
            }
        };

        let checklists = {
            let default = || Vec::<String>::new();
            let r = raw.checklists.as_ref();
            let mut done_when = BTreeMap::new();
            let mut list = |v: Option<&Spanned<Vec<RawItem>>>, name: &str| -> Vec<String> {
                match v {
                    None => default(),
                    Some(s) => {
                        if s.get_ref().is_empty() {
                            cx.err(
                                s.span(),
                                format!("checklist `{name}` is empty"),
                                Some(format!(
                                    "give `{name}` at least one item, or remove the key"
                                )),
                            );
                        } else if s.get_ref().iter().any(|i| i.text.trim().is_empty()) {
                            cx.err(
                                s.span(),
                                format!("checklist `{name}` has an empty item"),
                                None,
                            );
                        }
                        let mut links = BTreeMap::new();
                        for i in s.get_ref() {
                            let Some(d) = &i.done_when else { continue };
                            if crate::incident::checklist::DoneWhen::parse(d.get_ref()).is_some() {
                                links.insert(crate::text::line(&i.text), d.get_ref().clone());
                            } else {
                                cx.err(
                                    d.span(),
                                    format!("`done_when`: unknown event {:?}", d.get_ref()),
                                    Some(format!(
                                        "use one of: {}",
                                        crate::incident::checklist::DONE_WHEN_VALUES
                                    )),
                                );
                            }
                        }
                        if !links.is_empty() {
                            done_when.insert(name.to_string(), links);
                        }
                        s.get_ref()
                            .iter()
                            .map(|i| crate::text::line(&i.text))
                            .collect()
                    }
                }
            };
            let inner = r.map(|s| s.get_ref());
            Checklists {
                detection: list(inner.and_then(|c| c.detection.as_ref()), "detection"),
                mitigation: list(inner.and_then(|c| c.mitigation.as_ref()), "mitigation"),
                communication: list(
                    inner.and_then(|c| c.communication.as_ref()),
                    "communication",
                ),
                done_when,
            }
        };

        let ssh = match raw.ssh.as_ref().map(|s| s.get_ref()) {
            None => SshConfig::default(),
            Some(r) => {
                let d = SshConfig::default();
                let count = |cx: &mut Ctx, v: &Option<Spanned<i64>>, key: &str, def: i64| match v {
                    None => def,
                    Some(n) if *n.get_ref() >= 1 => *n.get_ref(),
                    Some(n) => {
                        cx.err(n.span(), format!("`{key}` must be at least 1"), None);
                        def
                    }
                };
                let max_sessions = count(&mut cx, &r.max_sessions, "max_sessions", 64);
                let max_auth = count(&mut cx, &r.max_auth_failures, "max_auth_failures", 10);
                if let Some(l) = &r.listen
                    && l.get_ref().parse::<SocketAddr>().is_err()
                {
                    cx.err(
                        l.span(),
                        format!("`listen` is not an address: {:?}", l.get_ref()),
                        Some(
                            "write it as \"0.0.0.0:2222\" (all interfaces) or \"127.0.0.1:2222\""
                                .into(),
                        ),
                    );
                }
                SshConfig {
                    listen: str_of(&r.listen),
                    authorized_keys: str_of(&r.authorized_keys).map(|p| dir.join(p)),
                    observers: str_of(&r.observers).map(|p| dir.join(p)),
                    host_key: str_of(&r.host_key).map(|p| dir.join(p)),
                    max_sessions: usize::try_from(max_sessions).unwrap_or(64),
                    idle_timeout: cx.duration(&r.idle_timeout, "idle_timeout", d.idle_timeout),
                    max_auth_failures: u32::try_from(max_auth).unwrap_or(10),
                }
            }
        };

        let mut sources = Vec::new();
        let mut names: Vec<(String, usize)> = Vec::new();
        for s in &raw.source {
            let table_span = s.span();
            let (line, _) = line_col(text, table_span.start);
            if let Some(src) = validate_source(&mut cx, s.get_ref(), table_span, &dir, line) {
                if let Some((_, first)) = names.iter().find(|(n, _)| *n == src.name) {
                    let span = s.get_ref().name.as_ref().map_or(s.span(), |n| n.span());
                    cx.err(
                        span,
                        format!("duplicate source name {:?}", src.name),
                        Some(format!(
                            "the first source with this name is at line {first}; names must be unique"
                        )),
                    );
                } else {
                    names.push((src.name.clone(), line));
                }
                sources.push(src);
            }
        }

        if cx.errors.is_empty() {
            Ok(Config {
                path,
                dir,
                incident,
                ui,
                sources,
                checklists,
                ssh,
            })
        } else {
            Err(ConfigErrors(cx.errors))
        }
    }
}

fn toml_help(msg: &str) -> Option<String> {
    if let Some(rest) = msg.split("unknown field `").nth(1) {
        let field = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = msg
            .split("expected")
            .nth(1)
            .map(|e| {
                e.split('`')
                    .enumerate()
                    .filter(|(i, _)| i % 2 == 1)
                    .map(|(_, s)| s)
                    .collect()
            })
            .unwrap_or_default();
        return Some(match did_you_mean(field, &expected) {
            Some(m) => format!("did you mean `{m}`?"),
            None => format!("remove `{field}`; see config.toml in the repo for the keys"),
        });
    }
    if msg.contains("invalid type") {
        return Some("check the value's type: strings in quotes, numbers without".into());
    }
    None
}

fn validate_source(
    cx: &mut Ctx,
    r: &RawSource,
    span: std::ops::Range<usize>,
    dir: &Path,
    line: usize,
) -> Option<SourceConfig> {
    let Some(kind) = &r.kind else {
        cx.err(
            span,
            "[[source]] without `kind`",
            Some(format!("add kind = one of {}", SOURCE_KINDS.join(", "))),
        );
        return None;
    };
    let k = kind.get_ref().as_str();
    if !SOURCE_KINDS.contains(&k) {
        let help = match did_you_mean(k, SOURCE_KINDS) {
            Some(m) => format!("did you mean \"{m}\"?"),
            None => format!("kinds: {}", SOURCE_KINDS.join(", ")),
        };
        cx.err(
            kind.span(),
            format!("unknown source kind {k:?}"),
            Some(help),
        );
        return None;
    }
    let name = match &r.name {
        Some(n) if !n.get_ref().trim().is_empty() => crate::text::line(n.get_ref()),
        Some(n) => {
            cx.err(n.span(), "source `name` is empty", None);
            return None;
        }
        None => {
            cx.err(
                kind.span(),
                format!("{k} source without `name`"),
                Some("add name = \"...\": it labels the pane and the timeline".into()),
            );
            return None;
        }
    };

    // Keys that belong to other kinds.
    let allowed = kind_keys(k);
    let present: [(&str, Option<std::ops::Range<usize>>); 22] = [
        ("url", r.url.as_ref().map(|v| v.span())),
        ("query", r.query.as_ref().map(|v| v.span())),
        ("window", r.window.as_ref().map(|v| v.span())),
        ("unit", r.unit.as_ref().map(|v| v.span())),
        ("warn", r.warn.as_ref().map(|v| v.span())),
        ("crit", r.crit.as_ref().map(|v| v.span())),
        ("direction", r.direction.as_ref().map(|v| v.span())),
        ("label", r.label.as_ref().map(|v| v.span())),
        ("auth", r.auth.as_ref().map(|v| v.span())),
        ("auth_env", r.auth_env.as_ref().map(|v| v.span())),
        (
            "reports_pointer",
            r.reports_pointer.as_ref().map(|v| v.span()),
        ),
        (
            "baseline_pointer",
            r.baseline_pointer.as_ref().map(|v| v.span()),
        ),
        ("ratio", r.ratio.as_ref().map(|v| v.span())),
        ("crit_ratio", r.crit_ratio.as_ref().map(|v| v.span())),
        ("hysteresis", r.hysteresis.as_ref().map(|v| v.span())),
        ("dwell", r.dwell.as_ref().map(|v| v.span())),
        ("listen", r.listen.as_ref().map(|v| v.span())),
        ("path", r.path.as_ref().map(|v| v.span())),
        ("token_env", r.token_env.as_ref().map(|v| v.span())),
        ("speed", r.speed.as_ref().map(|v| v.span())),
        ("every", None),
        ("timeout", None),
    ];
    for (key, sp) in present {
        if let Some(sp) = sp
            && !allowed.contains(&key)
        {
            cx.err(
                sp,
                format!("`{key}` is not a setting of a {k} source"),
                Some(format!(
                    "{k} sources take: kind, name, every, timeout, max_bytes, {}",
                    allowed.join(", ")
                )),
            );
        }
    }

    let default_every = if k == "statuspage" || k == "feed" {
        Duration::from_secs(60)
    } else {
        Duration::from_secs(15)
    };
    let every = cx.duration(&r.every, "every", default_every);
    let timeout = cx.duration(&r.timeout, "timeout", Duration::from_secs(10));
    let max_bytes = match &r.max_bytes {
        None => 5 * 1024 * 1024,
        Some(n) if *n.get_ref() > 0 => n.get_ref().unsigned_abs(),
        Some(n) => {
            cx.err(n.span(), "`max_bytes` must be positive", None);
            5 * 1024 * 1024
        }
    };

    let need_url = |cx: &mut Ctx| -> String {
        match &r.url {
            Some(u) => {
                let s = u.get_ref().trim();
                if !(s.starts_with("http://") || s.starts_with("https://")) {
                    cx.err(
                        u.span(),
                        format!("`url` must start with http:// or https://, got {s:?}"),
                        None,
                    );
                }
                s.trim_end_matches('/').to_string()
            }
            None => {
                cx.err(
                    kind.span(),
                    format!("{k} source {name:?} has no `url`"),
                    Some("add url = \"http://...\"".into()),
                );
                String::new()
            }
        }
    };
    let auth = |cx: &mut Ctx| -> Option<Auth> {
        let env = str_of(&r.auth_env);
        match (&r.auth, env) {
            (None, None) => None,
            (Some(a), Some(env)) => match a.get_ref().as_str() {
                "bearer" => Some(Auth::Bearer { env }),
                "basic" => Some(Auth::Basic { env }),
                other => {
                    cx.err(
                        a.span(),
                        format!("unknown auth {other:?}"),
                        Some(
                            "use auth = \"bearer\" or \"basic\" with auth_env = \"ENV_VAR\"".into(),
                        ),
                    );
                    None
                }
            },
            (None, Some(env)) => Some(Auth::Bearer { env }),
            (Some(a), None) => {
                cx.err(
                    a.span(),
                    "`auth` without `auth_env`",
                    Some("name the environment variable that holds the secret: auth_env = \"PROM_TOKEN\" (never put secrets in config.toml)".into()),
                );
                None
            }
        }
    };
    let direction = match &r.direction {
        None => Direction::Above,
        Some(d) => match d.get_ref().as_str() {
            "above" => Direction::Above,
            "below" => Direction::Below,
            other => {
                cx.err(
                    d.span(),
                    format!("unknown direction {other:?}"),
                    Some("use \"above\" (alarm when high) or \"below\" (alarm when low)".into()),
                );
                Direction::Above
            }
        },
    };
    let (warn, crit) = (
        r.warn.as_ref().map(|v| *v.get_ref()),
        r.crit.as_ref().map(|v| *v.get_ref()),
    );
    if let (Some(w), Some(c), Some(cs)) = (warn, crit, r.crit.as_ref()) {
        let wrong = match direction {
            Direction::Above => c < w,
            Direction::Below => c > w,
        };
        if wrong {
            cx.err(
                cs.span(),
                format!(
                    "`crit` ({c}) is less severe than `warn` ({w}) for direction {direction:?}"
                ),
                Some(
                    "for direction = \"below\" crit must be lower than warn; for \"above\", higher"
                        .into(),
                ),
            );
        }
    }

    let hysteresis = match &r.hysteresis {
        Some(h) if !(0.0..1.0).contains(h.get_ref()) => {
            cx.err(
                h.span(),
                format!(
                    "`hysteresis` must be at least 0 and below 1, not {}",
                    h.get_ref()
                ),
                Some("a fraction of the threshold value: 0.05 is 5% (0 turns it off)".into()),
            );
            None
        }
        h => h.as_ref().map(|h| *h.get_ref()),
    };
    let dwell = match &r.dwell {
        Some(d) => match u32::try_from(*d.get_ref()) {
            Ok(n) if (1..=1000).contains(&n) => Some(n),
            _ => {
                cx.err(
                    d.span(),
                    format!(
                        "`dwell` must be a number of samples from 1 to 1000, not {}",
                        d.get_ref()
                    ),
                    Some("1 changes the level at the first sample; the default is 2".into()),
                );
                None
            }
        },
        None => None,
    };

    let kind = match k {
        "prometheus" => {
            let url = need_url(cx);
            let query = match &r.query {
                Some(q) if !q.get_ref().trim().is_empty() => q.get_ref().clone(),
                _ => {
                    cx.err(
                        kind.span(),
                        format!("prometheus source {name:?} has no `query`"),
                        Some("add query = 'your PromQL'".into()),
                    );
                    String::new()
                }
            };
            SourceKind::Prometheus(PrometheusConfig {
                url,
                query,
                window: cx.duration(&r.window, "window", Duration::from_secs(30 * 60)),
                unit: str_of(&r.unit).unwrap_or_default(),
                warn,
                crit,
                direction,
                label: str_of(&r.label),
                auth: auth(cx),
                hysteresis,
                dwell,
            })
        }
        "statuspage" => SourceKind::Statuspage(StatuspageConfig {
            url: need_url(cx),
            auth: auth(cx),
        }),
        "feed" => SourceKind::Feed(FeedConfig {
            url: need_url(cx),
            auth: auth(cx),
        }),
        "reports" => {
            let ratio = match &r.ratio {
                None => 3.0,
                Some(v) if *v.get_ref() > 1.0 => *v.get_ref(),
                Some(v) => {
                    cx.err(
                        v.span(),
                        "`ratio` must be greater than 1 (a spike is a multiple of the baseline)",
                        None,
                    );
                    3.0
                }
            };
            SourceKind::Reports(ReportsConfig {
                url: need_url(cx),
                query: str_of(&r.query),
                reports_pointer: str_of(&r.reports_pointer).unwrap_or_else(|| "/reports".into()),
                baseline_pointer: str_of(&r.baseline_pointer).unwrap_or_else(|| "/baseline".into()),
                ratio,
                crit_ratio: r.crit_ratio.as_ref().map(|v| *v.get_ref()),
                auth: auth(cx),
                hysteresis,
                dwell,
            })
        }
        "alertmanager" => {
            let listen = match &r.listen {
                Some(l) => l.get_ref().parse::<SocketAddr>().unwrap_or_else(|_| {
                    cx.err(
                        l.span(),
                        format!("`listen` is not an address: {:?}", l.get_ref()),
                        Some("write it as \"127.0.0.1:9099\"".into()),
                    );
                    SocketAddr::from(([127, 0, 0, 1], 9099))
                }),
                None => SocketAddr::from(([127, 0, 0, 1], 9099)),
            };
            let path = str_of(&r.path).unwrap_or_else(|| "/alertmanager".into());
            if !path.starts_with('/')
                && let Some(p) = &r.path
            {
                cx.err(p.span(), "`path` must start with /", None);
            }
            SourceKind::Alertmanager(AlertmanagerConfig {
                listen,
                path,
                token_env: str_of(&r.token_env),
            })
        }
        "drill" => {
            // Without `speed`, the drill's own default (its header) applies.
            let mut drill_speed = 1.0;
            let path = match &r.path {
                Some(p) => {
                    let pb = PathBuf::from(p.get_ref());
                    if crate::sources::drill::exists(&pb, dir) {
                        match crate::sources::drill::load(&pb, dir) {
                            Ok(d) => drill_speed = d.header.speed,
                            Err(e) => cx.err(
                                p.span(),
                                format!("drill {:?} is not valid: {e}", p.get_ref()),
                                Some("see the drill format in drills/ (a header line, then one event per line)".into()),
                            ),
                        }
                    } else {
                        cx.err(
                            p.span(),
                            format!("drill file not found: {:?}", p.get_ref()),
                            Some(format!(
                                "paths are relative to the config's folder ({}); built-in drills: {}",
                                dir.display(),
                                crate::sources::drill::BUILTIN.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                            )),
                        );
                    }
                    pb
                }
                None => {
                    cx.err(
                        kind.span(),
                        format!("drill source {name:?} has no `path`"),
                        Some("add path = \"drills/checkout-outage.jsonl\"".into()),
                    );
                    PathBuf::new()
                }
            };
            let speed = match &r.speed {
                None => drill_speed,
                Some(s) if *s.get_ref() > 0.0 && s.get_ref().is_finite() => *s.get_ref(),
                Some(s) => {
                    cx.err(
                        s.span(),
                        "`speed` must be a positive number (1 = real time)",
                        None,
                    );
                    1.0
                }
            };
            SourceKind::Drill(DrillConfig { path, speed })
        }
        _ => return None,
    };
    Some(SourceConfig {
        name,
        every,
        timeout,
        max_bytes,
        line,
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("a\nbc\nd", 3), (2, 2));
        assert_eq!(line_col("abc", 0), (1, 1));
    }

    #[test]
    fn did_you_mean_finds_typos() {
        assert_eq!(did_you_mean("promethus", SOURCE_KINDS), Some("prometheus"));
        assert_eq!(did_you_mean("zzz", SOURCE_KINDS), None);
    }
}
