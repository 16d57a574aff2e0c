//! `warroom replay LOG [--speed N] [--at TIME]`.
use std::process::ExitCode;

use super::args::ReplayArgs;
use crate::replay::{Replay, parse_at, review_path};
use crate::term::replay::{ReplayView, ReviewTarget};

/// `theme`: the global `--theme` (before or after `replay`); a name that does not load
/// is refused before the terminal is taken.
pub fn run(args: &ReplayArgs, theme: Option<&str>) -> ExitCode {
    let theme = match theme.map(|n| crate::assets::themes::load(n, &[])) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => {
            eprintln!("warroom replay: --theme: {e}");
            return ExitCode::from(2);
        }
    };
    let opened = match Replay::open(&args.log) {
        Ok(o) => o,
        Err(e) => {
            match super::drill::hint_if_drill(&args.log) {
                Some(hint) => eprintln!("warroom replay: {hint}"),
                None => eprintln!("warroom replay: {e}"),
            }
            return ExitCode::from(2);
        }
    };
    let replay = opened.replay;
    if replay.is_empty() {
        eprintln!(
            "warroom replay: {} holds no events to replay",
            args.log.display()
        );
        return ExitCode::from(1);
    }
    if !(args.speed.is_finite() && args.speed > 0.0) {
        eprintln!("warroom replay: --speed must be a positive number (1, 2, 10, 60, 600)");
        return ExitCode::from(2);
    }
    let at = match args
        .at
        .as_deref()
        .map(|at| (at, parse_at(at, replay.start())))
    {
        None => None,
        Some((_, Some(t))) => Some(t),
        Some((at, None)) => {
            eprintln!(
                "warroom replay: --at {at:?}: expected T+mm:ss, T+hh:mm:ss, HH:MM[:SS] (UTC) or an RFC 3339 time"
            );
            return ExitCode::from(2);
        }
    };
    let user = args
        .user
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "reviewer".into());
    let mut view = ReplayView::new(
        replay,
        &crate::text::line(&user),
        Some(ReviewTarget {
            log: args.log.clone(),
            incident: opened.header.incident.clone(),
        }),
    );
    view.set_speed(args.speed);
    if let Some(t) = theme {
        view.set_theme(t);
    }
    if let Some(t) = at {
        view.seek(t);
    }
    let mut warn = Vec::new();
    if !opened.recovery.damaged.is_empty() {
        warn.push(format!(
            "{} damaged line(s) of the log skipped (warroom log verify lists them)",
            opened.recovery.damaged.len()
        ));
    }
    if let Some(r) = &opened.review
        && !r.damaged.is_empty()
    {
        warn.push(format!(
            "{} damaged line(s) of {} skipped",
            r.damaged.len(),
            review_path(&args.log).display()
        ));
    }
    if let Some(e) = &opened.review_error {
        warn.push(format!("review notes not shown: {e}"));
    }
    if !warn.is_empty() {
        view.set_message(warn.join("; "));
    }
    match crate::term::replay::run(view) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("warroom replay: terminal: {e}");
            ExitCode::from(1)
        }
    }
}
