//! Checklists: named lists of items, each ticked by someone at some time.

use chrono::{DateTime, Utc};

#[derive(Clone, Debug, PartialEq)]
pub struct ChecklistItem {
    pub text: String,
    pub done: bool,
    /// Who last ticked or unticked it, and when.
    pub by: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Checklist {
    pub name: String,
    pub items: Vec<ChecklistItem>,
}

impl Checklist {
    pub fn new(name: impl Into<String>) -> Self {
        Checklist {
            name: name.into(),
            items: Vec::new(),
        }
    }
    pub fn done(&self) -> usize {
        self.items.iter().filter(|i| i.done).count()
    }
    pub fn total(&self) -> usize {
        self.items.len()
    }
    /// Adds items not already present (by text), keeping order and ticks of existing ones.
    pub fn define(&mut self, items: &[String]) {
        for text in items {
            if !self.items.iter().any(|i| &i.text == text) {
                self.items.push(ChecklistItem {
                    text: text.clone(),
                    done: false,
                    by: None,
                    at: None,
                });
            }
        }
    }
    /// Ticks or unticks an item; an item not defined is added (a log never loses a tick).
    pub fn toggle(&mut self, item: &str, done: bool, by: &str, at: DateTime<Utc>) {
        let pos = match self.items.iter().position(|i| i.text == item) {
            Some(p) => p,
            None => {
                self.items.push(ChecklistItem {
                    text: item.to_string(),
                    done: false,
                    by: None,
                    at: None,
                });
                self.items.len() - 1
            }
        };
        let it = &mut self.items[pos];
        it.done = done;
        it.by = Some(by.to_string());
        it.at = Some(at);
    }
}
