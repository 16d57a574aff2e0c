//! Views: pure functions of (incident, view state, theme, size) → ratatui buffer.
pub mod app;
pub mod theme;
