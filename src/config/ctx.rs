//! What validation carries along: the text (for line:col), the problems and warnings
//! found so far, and the keys already left out for being wrong.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::error::{ConfigError, Place, line_col};

pub(crate) struct Ctx<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub errors: Vec<ConfigError>,
    pub warnings: Vec<ConfigError>,
    /// Keys left out because they were wrong (offset of the key, name): a later "has no
    /// `url`" in the same table would only repeat that problem.
    pub removed: Vec<(usize, String)>,
}

impl<'a> Ctx<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Self {
        Ctx {
            file,
            text,
            errors: Vec::new(),
            warnings: Vec::new(),
            removed: Vec::new(),
        }
    }

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

    /// Where `span` is, for a check made after parsing.
    pub fn place(&self, span: std::ops::Range<usize>) -> Place {
        let (line, column) = line_col(self.text, span.start);
        Place {
            file: self.file.to_string(),
            line,
            column,
        }
    }

    pub fn err(
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

    pub fn warn(&mut self, span: std::ops::Range<usize>, message: String, help: Option<String>) {
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
    pub fn warn_env(&mut self, v: &Option<Spanned<String>>, key: &str) {
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

    pub fn duration<S: AsRef<str>>(
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
pub(crate) fn table_start(text: &str, at: usize) -> usize {
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

pub(crate) fn str_of(v: &Option<Spanned<String>>) -> Option<String> {
    v.as_ref().map(|s| s.get_ref().clone())
}

/// Parses `15s`, `5m`, `1h30m`, `500ms`.
pub fn parse_duration(s: &str) -> Result<Duration, humantime::DurationError> {
    humantime::parse_duration(s.trim())
}

/// A duration as written in the file (`"15s"`); its own type so a value of the wrong type
/// is reported as "expected a duration string".
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct DurationText(String);

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
