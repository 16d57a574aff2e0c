//! How the room's views look: the configured theme and every theme `:theme` can switch to.
//! Loaded once when the room opens, so every view (the local terminal and each SSH
//! session) starts from the same configured theme.

use std::path::PathBuf;

use crate::config::Config;
use crate::ui::theme::{self, Theme};

/// The room's theme and the themes a view may switch to.
#[derive(Clone, Debug)]
pub struct Look {
    /// The configured theme (full colour; each view maps it to its terminal's depth).
    pub theme: Theme,
    /// The built-in themes and those from `[ui] themes_dir`.
    pub themes: Vec<Theme>,
}

impl Default for Look {
    fn default() -> Self {
        Look {
            theme: Theme::default(),
            themes: theme::builtin_themes(),
        }
    }
}

impl Look {
    /// The config's `[ui] theme` (the default one, with a warning in the diagnostic log,
    /// when it cannot be loaded) and every theme of its theme folders.
    pub fn load(config: &Config) -> Look {
        let dirs: Vec<PathBuf> = config.ui.themes_dir.iter().cloned().collect();
        let theme = match Theme::load(&config.ui.theme, &dirs) {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(theme = %config.ui.theme, error = %e, "theme not loaded; default used");
                Theme::default()
            }
        };
        Look {
            theme,
            themes: theme::load_all(&dirs),
        }
    }
}
