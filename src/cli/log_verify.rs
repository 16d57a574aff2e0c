//! `warroom log verify LOG`: count events, show the title and time span, list damaged
//! lines and events whose ids do not increase. Exit 0 clean, 1 damaged or ids out of
//! order, 2 unreadable (missing file, not a log). Read-only:
//! it neither locks nor repairs (a room may be writing the log right now).
use std::path::Path;
use std::process::ExitCode;

use crate::incident::{Incident, format_duration};

pub fn run(log: &Path) -> ExitCode {
    let mut incident = Incident::new();
    let (header, recovery) = match crate::log::read(log, |e| incident.apply(&e)) {
        Ok(r) => r,
        Err(e) => {
            match super::drill::hint_if_drill(log) {
                Some(hint) => eprintln!("warroom log verify: {hint}"),
                None => eprintln!("warroom log verify: {e}"),
            }
            return ExitCode::from(2);
        }
    };
    println!("{}", crate::text::line(&log.display().to_string()));
    println!("  incident: {}", crate::text::line(&header.incident));
    println!("  title:    {}", crate::text::line(&incident.title));
    println!("  events:   {}", recovery.events);
    match (incident.first_at, incident.last_at) {
        (Some(first), Some(last)) => println!(
            "  span:     {} .. {} ({})",
            first.format("%Y-%m-%d %H:%M:%S UTC"),
            last.format("%Y-%m-%d %H:%M:%S UTC"),
            format_duration(last - first)
        ),
        _ => println!("  span:     (no events)"),
    }
    if incident.unknown > 0 {
        println!(
            "  unknown:  {} events of kinds this warroom does not know (kept)",
            incident.unknown
        );
    }
    if recovery.id_problem_count > 0 {
        println!(
            "event ids out of order: {} (ids must increase; a duplicate or a wrap to 0 breaks references to events)",
            recovery.id_problem_count
        );
        for p in &recovery.id_problems {
            let what = if p.id == p.previous {
                "duplicates"
            } else {
                "is below"
            };
            println!(
                "  line {}: id {} {what} id {} of line {}",
                p.line, p.id, p.previous, p.previous_line
            );
        }
        let listed = recovery.id_problems.len() as u64;
        if recovery.id_problem_count > listed {
            println!("  ... and {} more", recovery.id_problem_count - listed);
        }
    }
    if recovery.damaged.is_empty() {
        if recovery.id_problem_count > 0 {
            return ExitCode::from(1);
        }
        println!("ok: no damaged lines");
        return ExitCode::SUCCESS;
    }
    println!("damaged lines: {}", recovery.damaged.len());
    for d in &recovery.damaged {
        println!(
            "  line {}: {} ({} bytes)",
            d.line,
            crate::text::line(&d.reason),
            d.bytes
        );
    }
    println!(
        "opening the log in a room moves these lines to {}.damaged and keeps every good event",
        crate::text::line(&log.display().to_string())
    );
    ExitCode::from(1)
}
