//! `config.toml`: schema, search order and validation.
//!
//! Every error names the file, line and column, says what was expected and, where it can,
//! how to fix it (did-you-mean for misspelt keys and kinds). `warroom check` prints them all.
//!
//! One file per section: `incident.rs`, `ui.rs`, `checklists.rs`, `ssh.rs`, and
//! `source/` with one file per source kind. Each holds the section's raw struct (the keys
//! it accepts, written once, with spans), its validated struct and its checks. A new
//! section is a new file and one field in `RawConfig`; a new source kind is a new file
//! under `source/` and one variant in its `RawKind` and `SourceKind`.

mod checklists;
mod comms;
mod ctx;
mod error;
mod file;
mod incident;
mod publish;
mod raw;
mod schema;
mod source;
mod ssh;
pub mod store;
mod ui;

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

pub use checklists::Checklists;
pub use comms::CommsConfig;
pub use ctx::parse_duration;
pub use error::{ConfigError, ConfigErrors, Place, did_you_mean, line_col};
pub use file::MAX_CONFIG_BYTES;
pub use incident::IncidentConfig;
pub use publish::*;
pub use source::{
    AlertmanagerConfig, Auth, DEFAULT_BUDGET, DEFAULT_MAX_BODY, DrillConfig, FeedConfig,
    PagerdutyConfig, PrometheusConfig, ReportsConfig, SPEEDS, SourceConfig, SourceKind,
    StatuspageConfig, WebhookConfig, WebhookFields, kinds as source_kinds,
};
pub use ssh::SshConfig;
pub use store::{NatsConfig, StoreConfig};
pub use ui::UiConfig;

use ctx::Ctx;

/// The config shipped at the repo root, built into the binary: the bundled drill.
pub const EMBEDDED_CONFIG: &str = include_str!("../../config.toml");
/// The name shown for the embedded config in messages.
pub const EMBEDDED_NAME: &str = "(built-in config.toml)";

/// The validated config.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Where it was read from; `None` for the built-in default.
    pub path: Option<PathBuf>,
    /// The file as named in messages (its path, or the built-in config's name).
    pub file: String,
    /// Relative paths in the config (drills, keys) are resolved against this folder.
    pub dir: PathBuf,
    pub incident: IncidentConfig,
    pub ui: UiConfig,
    pub sources: Vec<SourceConfig>,
    pub checklists: Checklists,
    pub ssh: SshConfig,
    /// `[[publish]]`: where status updates go.
    pub publish: Vec<PublishConfig>,
    /// `[comms]`: the update cadence.
    pub comms: CommsConfig,
    /// `[store]`: the local log (default) or a NATS JetStream stream.
    pub store: StoreConfig,
    /// Things `warroom check` warns about but that do not stop the room (an `auth_env` or
    /// `token_env` variable that is not set here).
    pub warnings: Vec<ConfigError>,
}

/// The file as written: one field per top-level table, every value spanned so errors can
/// point at it. New sections go here (and in a file of their own).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    #[serde(default)]
    incident: Option<Spanned<incident::RawIncident>>,
    #[serde(default)]
    ui: Option<Spanned<ui::RawUi>>,
    #[serde(default)]
    source: Vec<Spanned<source::RawSource>>,
    #[serde(default)]
    checklists: Option<Spanned<checklists::RawChecklists>>,
    #[serde(default)]
    ssh: Option<Spanned<ssh::RawSsh>>,
    #[serde(default)]
    publish: Vec<Spanned<publish::RawPublish>>,
    #[serde(default)]
    comms: Option<Spanned<comms::RawComms>>,
    #[serde(default)]
    store: Option<Spanned<store::RawStore>>,
}

impl Config {
    /// Finds and loads the config: `explicit`, then `./config.toml`, then
    /// `$XDG_CONFIG_HOME/warroom/config.toml`, else the built-in default.
    pub fn load(explicit: Option<&Path>) -> Result<Config, ConfigErrors> {
        Self::load_checked(explicit)?.into_result()
    }

    /// Like [`Config::load`], but a config with problems is returned with them (wrong
    /// values replaced by defaults), so checks of what it names (themes, drills: see
    /// `crate::assets`) can add theirs. `Err`: nothing usable (no file, a TOML syntax
    /// error).
    pub fn load_checked(explicit: Option<&Path>) -> Result<Checked, ConfigErrors> {
        match Self::find(explicit) {
            Some(path) => Self::load_file_checked(&path),
            None => {
                let dir = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
                Self::parse_checked(EMBEDDED_CONFIG, EMBEDDED_NAME, None, dir)
            }
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
        Self::load_file_checked(path)?.into_result()
    }

    fn load_file_checked(path: &Path) -> Result<Checked, ConfigErrors> {
        let name = path.display().to_string();
        let text = file::read_config_text(path, &name).map_err(|e| ConfigErrors(vec![e]))?;
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
        Self::parse_checked(&text, &name, Some(path.to_path_buf()), dir)
    }

    /// Parses and validates config text. `file` names it in errors.
    pub fn parse(
        text: &str,
        file: &str,
        path: Option<PathBuf>,
        dir: PathBuf,
    ) -> Result<Config, ConfigErrors> {
        Self::parse_checked(text, file, path, dir)?.into_result()
    }

    /// Parses config text into a config and its problems (see [`Config::load_checked`]).
    pub fn parse_checked(
        text: &str,
        file: &str,
        path: Option<PathBuf>,
        dir: PathBuf,
    ) -> Result<Checked, ConfigErrors> {
        let mut cx = Ctx::new(file, text);
        let Some(raw) = raw::read_raw(&mut cx) else {
            return Err(ConfigErrors(cx.errors));
        };
        let incident = incident::validate(&mut cx, raw.incident.as_ref().map(|s| s.get_ref()));
        let ui = ui::validate(&mut cx, raw.ui.as_ref().map(|s| s.get_ref()), &dir);
        let checklists =
            checklists::validate(&mut cx, raw.checklists.as_ref().map(|s| s.get_ref()));
        let ssh = ssh::validate(&mut cx, raw.ssh.as_ref().map(|s| s.get_ref()), &dir);
        let sources = validate_sources(&mut cx, &raw.source);
        let publish = publish::validate_all(&mut cx, &raw.publish, &dir);
        let comms = comms::validate(&mut cx, raw.comms.as_ref());
        let mut store = store::build(raw.store.as_ref(), &dir).unwrap_or_else(|problems| {
            for (span, message, help) in problems {
                cx.err(span, message, help);
            }
            StoreConfig::File
        });
        for (span, message, help) in store::source_hosts(&raw.source, &mut store) {
            cx.warn(span, message, help);
        }
        Ok(Checked {
            config: Config {
                path,
                file: file.to_string(),
                dir,
                incident,
                ui,
                sources,
                checklists,
                ssh,
                publish,
                comms,
                store,
                warnings: cx.warnings,
            },
            errors: cx.errors,
        })
    }
}

/// A config and the problems found in it so far.
#[derive(Clone, Debug)]
pub struct Checked {
    /// Wrong values are replaced by defaults; a source that cannot be used is left out.
    pub config: Config,
    pub errors: Vec<ConfigError>,
}

impl Checked {
    /// The config if nothing is wrong, else every problem in the order of the file.
    pub fn into_result(self) -> Result<Config, ConfigErrors> {
        if self.errors.is_empty() {
            Ok(self.config)
        } else {
            let mut errors = self.errors;
            errors.sort_by_key(|e| (e.line, e.column));
            Err(ConfigErrors(errors))
        }
    }
}

/// Every `[[source]]`, each checked by its kind; names must be unique.
fn validate_sources(cx: &mut Ctx, raw: &[Spanned<source::RawSource>]) -> Vec<SourceConfig> {
    let mut sources = Vec::new();
    let mut names: Vec<(String, usize)> = Vec::new();
    for s in raw {
        let (line, _) = line_col(cx.text, s.span().start);
        let Some(src) = source::validate(cx, s, line) else {
            continue;
        };
        if let Some((_, first)) = names.iter().find(|(n, _)| *n == src.name) {
            cx.err(
                source::name_span(s),
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
    sources
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            did_you_mean("promethus", source_kinds()),
            Some("prometheus")
        );
        assert_eq!(did_you_mean("zzz", source_kinds()), None);
    }
}
