//! Views: pure functions of (incident, view state, theme, size) → ratatui buffer.
pub mod action_cmd;
pub mod amend_form;
pub mod app;
pub mod command;
pub mod composer;
pub mod composer_view;
pub mod handoff;
pub mod help;
pub mod incidents_popup;
pub mod input_limit;
pub mod keys;
pub mod layout;
pub mod paint;
pub mod panes;
pub mod replay_clock;
pub mod template;
pub mod theme;
