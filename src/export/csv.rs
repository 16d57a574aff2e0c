//! The timeline as CSV (one row per line of the postmortem timeline, or per event with
//! `--all`). Damaged log lines become rows of kind `skipped`, so the file says what is missing.

use super::Postmortem;

const TIME: &str = "%Y-%m-%d %H:%M:%S";

pub fn render(pm: &Postmortem) -> String {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut rows: Vec<[String; 7]> = vec![[
        "id".into(),
        "time_utc".into(),
        "offset".into(),
        "by".into(),
        "actor".into(),
        "kind".into(),
        "text".into(),
    ]];
    for s in &pm.skipped {
        rows.push([
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            "skipped".into(),
            format!(
                "log line {} skipped ({} bytes): {}",
                s.line, s.bytes, s.reason
            ),
        ]);
    }
    for r in &pm.timeline {
        rows.push([
            r.id.to_string(),
            r.at.format(TIME).to_string(),
            r.offset.clone(),
            r.by.clone(),
            r.actor.to_string(),
            r.kind.clone(),
            match &r.correction {
                Some(c) => format!("{} [{c}]", r.text),
                None => r.text.clone(),
            },
        ]);
    }
    for n in &pm.review_notes {
        rows.push([
            String::new(),
            n.at.format(TIME).to_string(),
            n.offset.clone(),
            n.by.clone(),
            "person".into(),
            "review".into(),
            n.text.clone(),
        ]);
    }
    for r in rows {
        if w.write_record(&r).is_err() {
            break;
        }
    }
    match w.into_inner() {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    }
}
