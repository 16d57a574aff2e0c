//! Sources: tasks that turn the outside world into events for the room.
pub mod drill;
