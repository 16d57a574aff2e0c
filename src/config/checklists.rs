//! `[checklists]`: detection, mitigation and communication items, each optionally ticked
//! by an event (`done_when`).

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::ctx::Ctx;
use crate::incident::checklist::{DONE_WHEN_VALUES, DoneWhen};

#[derive(Clone, Debug, PartialEq)]
pub struct Checklists {
    pub detection: Vec<String>,
    pub mitigation: Vec<String>,
    pub communication: Vec<String>,
    /// list → item text → the event that completes it (`done_when`, checked).
    pub done_when: BTreeMap<String, BTreeMap<String, String>>,
}

impl Checklists {
    /// (list name, items) in display order.
    pub fn lists(&self) -> [(&'static str, &[String]); 3] {
        [
            ("detection", &self.detection),
            ("mitigation", &self.mitigation),
            ("communication", &self.communication),
        ]
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChecklists {
    detection: Option<Spanned<Vec<RawItem>>>,
    mitigation: Option<Spanned<Vec<RawItem>>>,
    communication: Option<Spanned<Vec<RawItem>>>,
}

/// A checklist item: `"text"` or `{ text = "…", done_when = "role:comms" }`.
struct RawItem {
    text: String,
    done_when: Option<Spanned<String>>,
}

impl<'de> Deserialize<'de> for RawItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawItem;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a checklist item: \"text\" or { text = \"…\", done_when = \"…\" }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawItem, E> {
                Ok(RawItem {
                    text: v.to_string(),
                    done_when: None,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<RawItem, A::Error> {
                use serde::de::Error as _;
                let (mut text, mut done_when) = (None, None);
                while let Some(k) = m.next_key::<String>()? {
                    match k.as_str() {
                        "text" => text = Some(m.next_value::<String>()?),
                        "done_when" => done_when = Some(m.next_value::<Spanned<String>>()?),
                        other => {
                            return Err(A::Error::custom(format!(
                                "unknown checklist item key `{other}`, expected `text` or `done_when`"
                            )));
                        }
                    }
                }
                let text = text.ok_or_else(|| A::Error::custom("checklist item without `text`"))?;
                Ok(RawItem { text, done_when })
            }
        }
        d.deserialize_any(V)
    }
}

pub(crate) fn validate(cx: &mut Ctx, r: Option<&RawChecklists>) -> Checklists {
    let mut done_when = BTreeMap::new();
    let mut list = |v: Option<&Spanned<Vec<RawItem>>>, name: &str| -> Vec<String> {
        let Some(s) = v else {
            return Vec::new();
        };
        if s.get_ref().is_empty() {
            cx.err(
                s.span(),
                format!("checklist `{name}` is empty"),
                Some(format!(
                    "give `{name}` at least one item, or remove the key"
                )),
            );
        } else if s.get_ref().iter().any(|i| i.text.trim().is_empty()) {
            cx.err(
                s.span(),
                format!("checklist `{name}` has an empty item"),
                None,
            );
        }
        let mut links = BTreeMap::new();
        for i in s.get_ref() {
            let Some(d) = &i.done_when else { continue };
            if DoneWhen::parse(d.get_ref()).is_some() {
                links.insert(crate::text::line(&i.text), d.get_ref().clone());
            } else {
                cx.err(
                    d.span(),
                    format!("`done_when`: unknown event {:?}", d.get_ref()),
                    Some(format!("use one of: {DONE_WHEN_VALUES}")),
                );
            }
        }
        if !links.is_empty() {
            done_when.insert(name.to_string(), links);
        }
        s.get_ref()
            .iter()
            .map(|i| crate::text::line(&i.text))
            .collect()
    };
    Checklists {
        detection: list(r.and_then(|c| c.detection.as_ref()), "detection"),
        mitigation: list(r.and_then(|c| c.mitigation.as_ref()), "mitigation"),
        communication: list(r.and_then(|c| c.communication.as_ref()), "communication"),
        done_when,
    }
}
