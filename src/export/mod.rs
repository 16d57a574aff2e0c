//! Export (placeholder).
