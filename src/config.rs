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

pub mod store;
pub use store::{NatsConfig, StoreConfig};

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
        if self.line == 0 {
            // A problem with the file as a whole (not found, not a regular file).
            write!(f, "{}: {}", self.file, self.message)?;
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )?;
        }
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
    /// `[store]`: the local log (default) or a NATS JetStream stream.
    pub store: StoreConfig,
    /// Things `warroom check` warns about but that do not stop the room (an `auth_env` or
    /// `token_env` variable that is not set here).
    pub warnings: Vec<ConfigError>,
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
    /// `id = "checkout-2026-11-30"`: the incident's name in a shared store (rooms with the
    /// same store and id share one room).
    pub id: Option<String>,
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
    /// A connection not logged in after this long is closed.
    pub login_grace: Duration,
    /// Connections not yet logged in, at most (further ones are closed at once).
    pub max_unauthenticated: usize,
    /// Connections not yet logged in from one address, at most.
    pub max_unauthenticated_per_ip: usize,
    /// Revoked keys and certificates: an OpenSSH KRL (`ssh-keygen -k`) or public keys.
    pub revoked_keys: Option<PathBuf>,
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
            login_grace: Duration::from_secs(20),
            max_unauthenticated: 64,
            max_unauthenticated_per_ip: 8,
            revoked_keys: None,
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
    /// `provider` (a third-party page: `provider = true`) or `own`; kept apart in exports.
    pub role: Option<String>,
    /// Component changes recorded per minute; more are summarised once a minute.
    pub budget: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FeedConfig {
    pub url: String,
    pub auth: Option<Auth>,
    /// `provider` (a third-party feed: `provider = true`) or `own`.
    pub role: Option<String>,
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
    /// Largest webhook body accepted, bytes (larger ones get 413).
    pub max_body: usize,
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
    #[serde(default)]
    store: Option<Spanned<store::RawStore>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawIncident {
    title: Option<Spanned<String>>,
    severity: Option<Spanned<String>>,
    log: Option<Spanned<String>>,
    declare: Option<Spanned<String>>,
    id: Option<Spanned<String>>,
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
    idle_timeout: Option<Spanned<DurationText>>,
    max_auth_failures: Option<Spanned<i64>>,
    login_grace: Option<Spanned<String>>,
    max_unauthenticated: Option<Spanned<i64>>,
    max_unauthenticated_per_ip: Option<Spanned<i64>>,
    revoked_keys: Option<Spanned<String>>,
}

/// All keys any source kind may have; which ones a kind accepts is checked after parsing.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSource {
    kind: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    query: Option<Spanned<String>>,
    every: Option<Spanned<DurationText>>,
    timeout: Option<Spanned<DurationText>>,
    window: Option<Spanned<DurationText>>,
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
    provider: Option<Spanned<bool>>,
    role: Option<Spanned<String>>,
    budget: Option<Spanned<i64>>,
    max_body: Option<Spanned<i64>>,
    /// With a shared store: the one host whose room runs this source (`[store] host`).
    host: Option<Spanned<String>>,
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
        "statuspage" => &["url", "auth", "auth_env", "provider", "role", "budget"],
        "feed" => &["url", "auth", "auth_env", "provider", "role"],
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
        "alertmanager" => &["listen", "path", "token_env", "max_body"],
        "drill" => &["path", "speed"],
        _ => &[],
    }
}

/// Drill speeds that can be played (scenario seconds per wall second).
pub const SPEEDS: std::ops::RangeInclusive<f64> =
    crate::sources::drill::MIN_SPEED..=crate::sources::drill::MAX_SPEED;

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

/// A duration as written in the file (`"15s"`); its own type so a value of the wrong type
/// is reported as "expected a duration string".
#[derive(Clone, Debug, PartialEq)]
struct DurationText(String);

impl AsRef<str> for DurationText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for DurationText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = DurationText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration string like \"15s\", \"5m\" or \"1h30m\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DurationText, E> {
                Ok(DurationText(v.to_string()))
            }
        }
        d.deserialize_str(V)
    }
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<ConfigError>,
    warnings: Vec<ConfigError>,
    /// Keys left out because they were wrong (offset of the key, name): a later "has no
    /// `url`" in the same table would only repeat that problem.
    removed: Vec<(usize, String)>,
}

impl Ctx<'_> {
    fn problem(
        &self,
        span: std::ops::Range<usize>,
        message: String,
        help: Option<String>,
    ) -> ConfigError {
        let (line, column) = line_col(self.text, span.start);
        ConfigError {
            file: self.file.to_string(),
            line,
            column,
            message,
            help,
        }
    }

    fn err(
        &mut self,
        span: std::ops::Range<usize>,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let message = message.into();
        if self.repeats_removed(span.start, &message) {
            return;
        }
        let e = self.problem(span, message, help);
        self.errors.push(e);
    }

    fn warn(&mut self, span: std::ops::Range<usize>, message: String, help: Option<String>) {
        let w = self.problem(span, message, help);
        self.warnings.push(w);
    }

    /// True for "… has no `KEY`" / "… without `KEY`" where KEY of the same table was
    /// already reported (and left out) for being wrong.
    fn repeats_removed(&self, at: usize, message: &str) -> bool {
        let missing = message.contains("has no `") || message.contains("without `");
        missing
            && self.removed.iter().any(|(key_at, key)| {
                message.contains(&format!("`{key}`"))
                    && table_start(self.text, *key_at) == table_start(self.text, at)
            })
    }

    /// Warns when the environment variable named by `key` is not set here.
    fn warn_env(&mut self, v: &Option<Spanned<String>>, key: &str) {
        if let Some(name) = v
            && std::env::var_os(name.get_ref()).is_none()
        {
            self.warn(
                name.span(),
                format!(
                    "`{key}` names the environment variable {:?}, which is not set here",
                    name.get_ref()
                ),
                Some(format!(
                    "export {}=... in the environment the room runs in, or requests will go without the secret",
                    name.get_ref()
                )),
            );
        }
    }

    fn duration<S: AsRef<str>>(
        &mut self,
        v: &Option<Spanned<S>>,
        key: &str,
        default: Duration,
    ) -> Duration {
        match v {
            None => default,
            Some(s) => match parse_duration(s.get_ref().as_ref()) {
                Ok(d) if d.is_zero() => {
                    self.err(s.span(), format!("`{key}` must be longer than zero"), None);
                    default
                }
                Ok(d) => d,
                Err(e) => {
                    self.err(
                        s.span(),
                        format!("`{key}`: invalid duration {:?}: {e}", s.get_ref().as_ref()),
                        Some("write durations like \"15s\", \"5m\" or \"1h30m\"".into()),
                    );
                    default
                }
            },
        }
    }
}

/// Offset of the line that opens the table holding `at` (the last `[...]` header line
/// before it), 0 for the top level.
fn table_start(text: &str, at: usize) -> usize {
    let before = text.get(..at.min(text.len())).unwrap_or(text);
    let mut start = 0;
    let mut offset = 0;
    for line in before.split_inclusive('\n') {
        if line.trim_start().starts_with('[') {
            start = offset;
        }
        offset += line.len();
    }
    start
}

/// Largest config file read; anything bigger is not a config (and `/dev/zero` never ends).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Reads a config file: a regular file of at most `MAX_CONFIG_BYTES`, in UTF-8. A
/// problem is (line, column, message, help); line 0 for the file as a whole.
fn read_config_text(path: &Path) -> Result<String, (usize, usize, String, String)> {
    use std::io::Read;
    let whole = |message: String, help: &str| (0, 0, message, help.to_string());
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => whole(
            "config file not found".into(),
            "pass an existing file with --config, or run without it to use the built-in drill",
        ),
        _ => whole(
            format!("cannot read config: {e}"),
            "check the path and its permissions",
        ),
    })?;
    if !meta.is_file() {
        return Err(whole(
            format!("is {}, not a config file", file_kind(&meta)),
            "pass a TOML file with --config (see config.toml in the repo)",
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| {
        whole(
            format!("cannot read config: {e}"),
            "check the file's permissions",
        )
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| whole(format!("cannot read config: {e}"), "check the file"))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(whole(
            format!(
                "config is larger than {} KiB; a config is a short TOML file",
                MAX_CONFIG_BYTES / 1024
            ),
            "pass the right file with --config",
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let prefix = std::str::from_utf8(bytes.get(..valid).unwrap_or_default()).unwrap_or("");
        let (line, column) = line_col(prefix, prefix.len());
        (
            line,
            column,
            format!(
                "not UTF-8 text: byte 0x{:02X} does not belong here",
                bytes.get(valid).copied().unwrap_or_default()
            ),
            "save the config as UTF-8".to_string(),
        )
    })
}

/// "a directory", "a character device", ... for messages.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Most problems reported from one file (a file of garbage keys would list thousands).
const MAX_PROBLEMS: usize = 100;

/// Parses the TOML and deserialises it into the raw structures, reporting every key that
/// is unknown or of the wrong type: such a key is reported, left out, and deserialising
/// goes on without it. A TOML syntax error stops everything (the rest cannot be trusted);
/// duplicate keys do not.
fn read_raw(cx: &mut Ctx) -> Option<RawConfig> {
    let (mut doc, parse_errors) = toml::de::DeTable::parse_recoverable(cx.text);
    let mut syntax = false;
    for e in parse_errors {
        let span = e.span().unwrap_or(0..0);
        let msg = e.message().trim().to_string();
        if msg == "duplicate key" {
            let key = cx
                .text
                .get(span.clone())
                .unwrap_or_default()
                .trim()
                .to_string();
            cx.err(
                span,
                format!("duplicate key `{key}`"),
                Some(format!(
                    "`{key}` is already set above in the same table; keep one of them"
                )),
            );
        } else if !syntax {
            syntax = true;
            let help = toml_help(&msg);
            cx.err(span, msg, help);
        }
    }
    if syntax {
        return None;
    }
    // Each round removes one key, so this ends; the bound keeps a file of garbage short.
    for _ in 0..MAX_PROBLEMS {
        let e = match RawConfig::deserialize(toml::de::Deserializer::from(doc.clone())) {
            Ok(raw) => return Some(raw),
            Err(e) => e,
        };
        let msg = e.message().trim().to_string();
        let removed = e
            .span()
            .and_then(|span| remove_at(doc.get_mut(), span.start, "").map(|r| (span, r)));
        let Some((span, removed)) = removed else {
            let span = e.span().unwrap_or(0..0);
            let help = toml_help(&msg);
            cx.err(span, msg, help);
            return None;
        };
        let (message, help) = if msg.starts_with("unknown field") {
            let place = if removed.section.is_empty() {
                String::new()
            } else {
                format!(" in {}", removed.section)
            };
            (
                format!("unknown key `{}`{place}", removed.key),
                toml_help(&msg),
            )
        } else {
            let msg = match msg.split_once("expected struct ") {
                Some((head, _)) => format!("{head}expected a table"),
                None => msg.clone(),
            };
            (format!("`{}`: {msg}", removed.key), toml_help(&msg))
        };
        cx.err(span, message, help);
        cx.removed.push((removed.at, removed.key));
    }
    None
}

/// A key taken out of the document because it was wrong.
struct Removed {
    key: String,
    /// Where the key is.
    at: usize,
    /// `[incident]`, `[[source]]`, ... (empty for the top level).
    section: String,
}

/// Removes the innermost key whose key or value holds byte `pos` (its whole entry, even
/// when only one element of its array was wrong).
fn remove_at(table: &mut toml::de::DeTable<'_>, pos: usize, section: &str) -> Option<Removed> {
    use toml::de::DeValue;
    let mut hit = None;
    for (k, v) in table.iter_mut() {
        let name = k.get_ref().to_string();
        if k.span().contains(&pos) {
            hit = Some((name, k.span().start));
            break;
        }
        let value_span = v.span();
        match v.get_mut() {
            DeValue::Table(t) => {
                if let Some(r) = remove_at(t, pos, &format!("[{name}]")) {
                    return Some(r);
                }
            }
            DeValue::Array(a) => {
                for el in a.iter_mut() {
                    if let DeValue::Table(t) = el.get_mut()
                        && let Some(r) = remove_at(t, pos, &format!("[[{name}]]"))
                    {
                        return Some(r);
                    }
                }
            }
            _ => {}
        }
        if value_span.contains(&pos) {
            hit = Some((name, k.span().start));
            break;
        }
    }
    let (key, at) = hit?;
    table.remove(key.as_str());
    Some(Removed {
        key,
        at,
        section: section.to_string(),
    })
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
        let text = read_config_text(path).map_err(|(line, column, message, help)| {
            ConfigErrors(vec![ConfigError {
                file: name.clone(),
                line,
                column,
                message,
                help: Some(help),
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
            warnings: Vec::new(),
            removed: Vec::new(),
        };
        let Some(raw) = read_raw(&mut cx) else {
            return Err(ConfigErrors(cx.errors));
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
            let id = r.and_then(|r| r.id.as_ref()).and_then(|i| {
                store::incident_id_ok(i.get_ref())
                    .map_err(|m| cx.err(i.span(), m, None))
                    .ok()
                    .map(|()| i.get_ref().clone())
            });
            IncidentConfig {
                title,
                severity,
                log,
                declare_on_open,
                id,
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
                let max_unauth = count(&mut cx, &r.max_unauthenticated, "max_unauthenticated", 64);
                let max_unauth_ip = count(
                    &mut cx,
                    &r.max_unauthenticated_per_ip,
                    "max_unauthenticated_per_ip",
                    8,
                );
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
                    login_grace: cx.duration(&r.login_grace, "login_grace", d.login_grace),
                    max_unauthenticated: usize::try_from(max_unauth).unwrap_or(64),
                    max_unauthenticated_per_ip: usize::try_from(max_unauth_ip).unwrap_or(8),
                    revoked_keys: str_of(&r.revoked_keys).map(|p| dir.join(p)),
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

        let mut store = store::build(raw.store.as_ref(), &dir).unwrap_or_else(|problems| {
            for (span, message, help) in problems {
                cx.err(span, message, help);
            }
            StoreConfig::File
        });
        for (span, message, help) in store::source_hosts(&raw.source, &mut store) {
            cx.warn(span, message, help);
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
                store,
                warnings: cx.warnings,
            })
        } else {
            let mut errors = cx.errors;
            errors.sort_by_key(|e| (e.line, e.column));
            Err(ConfigErrors(errors))
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
    let present: [(&str, Option<std::ops::Range<usize>>); 26] = [
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
        ("provider", r.provider.as_ref().map(|v| v.span())),
        ("role", r.role.as_ref().map(|v| v.span())),
        ("budget", r.budget.as_ref().map(|v| v.span())),
        ("max_body", r.max_body.as_ref().map(|v| v.span())),
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

    for key in ["auth_env", "token_env"] {
        if allowed.contains(&key) {
            let v = if key == "auth_env" {
                &r.auth_env
            } else {
                &r.token_env
            };
            cx.warn_env(v, key);
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
            role: page_role(cx, r),
            budget: match &r.budget {
                None => crate::sources::budget::DEFAULT_PER_MINUTE,
                Some(b) => match u32::try_from(*b.get_ref()) {
                    Ok(n) if n > 0 => n,
                    _ => {
                        cx.err(
                            b.span(),
                            format!("`budget` must be from 1 to {}, got {}", u32::MAX, b.get_ref()),
                            Some("events per minute recorded one by one; more are summarised (default 600)".into()),
                        );
                        crate::sources::budget::DEFAULT_PER_MINUTE
                    }
                },
            },
        }),
        "feed" => SourceKind::Feed(FeedConfig {
            url: need_url(cx),
            auth: auth(cx),
            role: page_role(cx, r),
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
                max_body: match &r.max_body {
                    None => crate::sources::alertmanager::DEFAULT_MAX_BODY,
                    Some(n) => match usize::try_from(*n.get_ref()) {
                        Ok(b) if b > 0 => b,
                        _ => {
                            cx.err(
                                n.span(),
                                "`max_body` must be a positive number of bytes",
                                Some("the default is 16777216 (16 MiB)".into()),
                            );
                            crate::sources::alertmanager::DEFAULT_MAX_BODY
                        }
                    },
                },
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
                None => {
                    if !SPEEDS.contains(&drill_speed)
                        && let Some(p) = &r.path
                    {
                        cx.err(
                            p.span(),
                            format!(
                                "the drill's own speed {drill_speed:?} is outside 0.01 to 10000"
                            ),
                            Some("set speed = 1 (real time) up to 10000 in this [[source]]".into()),
                        );
                    }
                    drill_speed.clamp(*SPEEDS.start(), *SPEEDS.end())
                }
                Some(s) if SPEEDS.contains(s.get_ref()) => *s.get_ref(),
                Some(s) => {
                    cx.err(
                        s.span(),
                        format!(
                            "`speed` {:?} is outside 0.01 to 10000 (1 = real time)",
                            s.get_ref()
                        ),
                        Some("a drill plays at 0.01x (slowed down) up to 10000x".into()),
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

/// A status page's or feed's role: `provider = true` or `role = "provider" | "own"`.
fn page_role(cx: &mut Ctx, r: &RawSource) -> Option<String> {
    let role = match &r.role {
        None => None,
        Some(v) => {
            match v.get_ref().as_str() {
                "provider" | "own" => Some(v.get_ref().clone()),
                other => {
                    cx.err(
                    v.span(),
                    format!("unknown role {other:?}"),
                    Some("use role = \"provider\" (a third-party page) or \"own\" (our public page)".into()),
                );
                    None
                }
            }
        }
    };
    match (&r.provider, role) {
        (Some(p), Some(role)) if *p.get_ref() != (role == "provider") => {
            cx.err(
                p.span(),
                format!("`provider = {}` contradicts role = {role:?}", p.get_ref()),
                Some("keep one of the two".into()),
            );
            Some(role)
        }
        (Some(p), None) => p.get_ref().then(|| "provider".to_string()),
        (_, role) => role,
    }
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
    fn mangled_configs_give_errors_never_a_panic() {
        // Cut, duplicated and retyped pieces of the shipped config: each parse ends with a
        // config or errors that all point into the text.
        let base = EMBEDDED_CONFIG;
        let lines: Vec<&str> = base.lines().collect();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let swaps = [
            "[1, 2]",
            "\"x\"",
            "3",
            "{ a = 1 }",
            "true",
            "\"15s\"",
            "[[source]]",
        ];
        for _ in 0..150 {
            let mut text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            for _ in 0..4 {
                let i = next(text.len());
                match next(4) {
                    0 => {
                        text[i] = format!(
                            "{} = {}",
                            ["titel", "evrey", "kind", "speed"][next(4)],
                            swaps[next(swaps.len())]
                        )
                    }
                    1 => {
                        let l = text[i].clone();
                        text.insert(i, l);
                    }
                    2 => {
                        if let Some((k, _)) = text[i].clone().split_once(" = ") {
                            text[i] = format!("{k} = {}", swaps[next(swaps.len())]);
                        }
                    }
                    _ => text[i] = String::new(),
                }
            }
            let text = text.join("\n");
            if let Err(e) = Config::parse(&text, "m.toml", None, PathBuf::from(".")) {
                let lines = text.lines().count() + 1;
                assert!(!e.0.is_empty());
                assert!(e.0.iter().all(|p| p.line >= 1 && p.line <= lines), "{e}");
            }
        }
    }

    #[test]
    fn did_you_mean_finds_typos() {
        assert_eq!(did_you_mean("promethus", SOURCE_KINDS), Some("prometheus"));
        assert_eq!(did_you_mean("zzz", SOURCE_KINDS), None);
    }
}
