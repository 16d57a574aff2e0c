//! How the room's views look and speak: the configured theme and every theme `:theme` can
//! switch to, the status-update templates and the publishers each audience goes to.
//! Loaded once when the room opens, so every view (the local terminal and each SSH
//! session) starts from the same configured theme.

use std::path::PathBuf;

use crate::config::Config;
use crate::incident::Audience;
use crate::ui::composer::Targets;
use crate::ui::template::Templates;
use crate::ui::theme::{self, Theme};

/// The room's theme and the themes a view may switch to.
#[derive(Clone, Debug)]
pub struct Look {
    /// The configured theme (full colour; each view maps it to its terminal's depth).
    pub theme: Theme,
    /// The built-in themes and those from `[ui] themes_dir`.
    pub themes: Vec<Theme>,
    /// Status-update templates (built in, overridden by the config folder's `templates/`).
    pub templates: Templates,
    /// The `[[publish]]` targets of each audience: where a status update goes.
    pub publish: Targets,
}

impl Default for Look {
    fn default() -> Self {
        Look {
            theme: Theme::default(),
            themes: theme::builtin_themes(),
            templates: Templates::default(),
            publish: Targets::default(),
        }
    }
}

impl Look {
    /// The config's `[ui] theme` (the default one, with a warning in the diagnostic log,
    /// when it cannot be loaded) and every theme of its theme folders.
    pub fn load(config: &Config) -> Look {
        let dirs: Vec<PathBuf> = config.ui.themes_dir.iter().cloned().collect();
        let theme = match crate::assets::themes::load(&config.ui.theme, &dirs) {
            Ok(t) => t,
            Err(e) => {
                tracing::warn!(theme = %config.ui.theme, error = %e, "theme not loaded; default used");
                Theme::default()
            }
        };
        Look {
            theme,
            themes: crate::assets::themes::load_all(&dirs),
            templates: crate::assets::templates::load(&[config.dir.join("templates")]),
            publish: Targets {
                public: config.publish_targets(Audience::Public),
                internal: config.publish_targets(Audience::Internal),
            },
        }
    }
}
