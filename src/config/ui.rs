//! `[ui]`: the theme and an extra theme folder.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::ctx::{Ctx, str_of};
use super::error::did_you_mean;

#[derive(Clone, Debug, PartialEq)]
pub struct UiConfig {
    pub theme: String,
    /// Extra theme folder (besides the built-in themes and `$XDG_CONFIG_HOME/warroom/themes`).
    pub themes_dir: Option<PathBuf>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawUi {
    theme: Option<Spanned<String>>,
    themes_dir: Option<Spanned<String>>,
}

pub(crate) fn validate(cx: &mut Ctx, r: Option<&RawUi>, dir: &Path) -> UiConfig {
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
}
