//! JSON of everything: the postmortem draft, plus every raw event with `--all`.

use serde::Serialize;

use super::Postmortem;
use crate::incident::Event;

#[derive(Serialize)]
struct Doc<'a> {
    warroom_export: u32,
    #[serde(flatten)]
    postmortem: &'a Postmortem,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_events: Option<&'a [Event]>,
}

pub fn render(pm: &Postmortem, events: Option<&[Event]>) -> String {
    let doc = Doc {
        warroom_export: 1,
        postmortem: pm,
        raw_events: events,
    };
    match serde_json::to_string_pretty(&doc) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        // Serialising plain data cannot fail except on a broken raw event; say so in JSON.
        Err(e) => format!("{{\"warroom_export\":1,\"error\":{:?}}}\n", e.to_string()),
    }
}
