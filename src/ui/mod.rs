//! Views: pure functions of (incident, view state, theme, size) → ratatui buffer.
pub mod app;
pub mod command;
pub mod composer;
pub mod composer_view;
pub mod help;
pub mod keys;
pub mod layout;
pub mod paint;
pub mod panes;
pub mod template;
pub mod theme;
