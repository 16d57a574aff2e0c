//! Drill report (placeholder, filled below).
