//! `[ui]`: the theme and an extra theme folder. Whether the theme exists is the
//! loader's question (`crate::assets::themes`), asked by `warroom check` and at open.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::ctx::{Ctx, str_of};
use super::error::Place;

#[derive(Clone, Debug, PartialEq)]
pub struct UiConfig {
    pub theme: String,
    /// Extra theme folder (besides the built-in themes and `$XDG_CONFIG_HOME/warroom/themes`).
    pub themes_dir: Option<PathBuf>,
    /// Where `theme = …` is written (`None`: not written, the default): whether the theme
    /// exists is checked by the loader (`crate::assets`), which points here.
    pub theme_at: Option<Place>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawUi {
    theme: Option<Spanned<String>>,
    themes_dir: Option<Spanned<String>>,
}

pub(crate) fn validate(cx: &mut Ctx, r: Option<&RawUi>, dir: &Path) -> UiConfig {
    let theme = r.and_then(|r| r.theme.as_ref());
    UiConfig {
        theme: theme
            .map(|t| t.get_ref().clone())
            .unwrap_or_else(|| "default".into()),
        themes_dir: r.and_then(|r| str_of(&r.themes_dir)).map(|d| dir.join(d)),
        theme_at: theme.map(|t| cx.place(t.span())),
    }
}
