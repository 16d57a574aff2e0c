//! Every bundled drill (drills/*.jsonl) is a valid scenario: the header parses, every line is
//! an event at a scenario time, the whole drill plays to its end at 600x and folds, and
//! `warroom check` accepts a config naming it. The two drills of this branch are also checked
//! against what their scenarios say.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::Deserialize;
use warroom::drill_report::DrillHeader;
use warroom::incident::{Actor, Draft, Event, Incident, Level, event::parse_kind};

#[derive(Deserialize)]
struct Line<'a> {
    t: f64,
    by: Actor,
    #[serde(borrow)]
    kind: &'a serde_json::value::RawValue,
}

fn drills_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("drills")
}

fn bundled() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(drills_dir())
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|x| x == "jsonl"));
    v.sort();
    v
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 5, 22, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Parses a drill and plays it at `speed`: an event at scenario time t is recorded at
/// start + t/speed, as the drill source does.
fn play(path: &Path, speed: f64) -> Result<(DrillHeader, Vec<Event>), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let mut lines = text.lines();
    let header = DrillHeader::parse(lines.next().unwrap_or_default())
        .map_err(|e| format!("{}: header: {e}", path.display()))?;
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if header.name != stem {
        return Err(format!(
            "{}: header name {:?} is not the file stem",
            path.display(),
            header.name
        ));
    }
    for word in ["reconstructed"] {
        if !header.summary.to_lowercase().contains(word)
            && !header.based_on.to_lowercase().contains(word)
        {
            return Err(format!(
                "{}: header must say it is a {word} drill",
                path.display()
            ));
        }
    }
    if header.invented.trim().is_empty() || header.based_on.trim().is_empty() {
        return Err(format!(
            "{}: header must say what it is based on and which numbers are invented",
            path.display()
        ));
    }
    let mut events = Vec::new();
    let mut last_t = 0.0f64;
    for (i, l) in lines.enumerate() {
        let n = i + 2;
        let line: Line =
            serde_json::from_str(l).map_err(|e| format!("{}:{n}: {e}", path.display()))?;
        let kind = parse_kind(line.kind.get())
            .map_err(|e| format!("{}:{n}: kind: {e}", path.display()))?;
        if let warroom::incident::EventKind::Unknown { kind, .. } = &kind {
            return Err(format!("{}:{n}: unknown kind {kind}", path.display()));
        }
        if kind.is_human() && !matches!(kind, warroom::incident::EventKind::Note { .. }) {
            return Err(format!(
                "{}:{n}: a drill must not script the people's {}",
                path.display(),
                kind.name()
            ));
        }
        if !(line.t >= last_t && line.t <= header.duration) {
            return Err(format!(
                "{}:{n}: t={} out of order or past the duration",
                path.display(),
                line.t
            ));
        }
        last_t = line.t;
        let at = start() + Duration::milliseconds((line.t / speed * 1000.0) as i64);
        events.push(Draft::new(at, line.by, kind).into_event(events.len() as u64 + 1));
    }
    if events.is_empty() {
        return Err(format!("{}: no events", path.display()));
    }
    Ok((header, events))
}

#[test]
fn every_bundled_drill_plays_to_its_end_at_600x() {
    let drills = bundled();
    assert!(drills.len() >= 3, "at least three drills ship: {drills:?}");
    for path in drills {
        let (header, events) = play(&path, 600.0).unwrap_or_else(|e| panic!("{e}"));
        let inc = Incident::fold(&events);
        assert_eq!(inc.events as usize, events.len());
        let end = inc.last_at.unwrap_or_default();
        assert!(
            end - start() <= Duration::milliseconds((header.duration / 600.0 * 1000.0) as i64 + 1),
            "{}: plays within its duration",
            path.display()
        );
        assert!(
            inc.times.detected.is_some(),
            "{}: the scenario's signals must cross a threshold",
            path.display()
        );
        assert!(
            !inc.signals.is_empty(),
            "{}: has metric signals",
            path.display()
        );
    }
}

#[test]
fn every_bundled_drill_passes_warroom_check() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    for path in bundled() {
        let cfg = dir.path().join("config.toml");
        std::fs::write(
            &cfg,
            format!(
                "[incident]\ntitle = \"drill\"\nseverity = \"SEV2\"\n\n[[source]]\nkind = \"drill\"\nname = \"drill\"\npath = {:?}\n",
                path.display().to_string()
            ),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
            .args(["check", "--config"])
            .arg(&cfg)
            .output()
            .unwrap_or_else(|e| panic!("run warroom: {e}"));
        assert!(
            out.status.success(),
            "{}: warroom check failed: {}{}",
            path.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn crossings_back_to_normal(inc: &Incident, series: &str) -> Vec<DateTime<Utc>> {
    inc.timeline
        .iter()
        .filter(|e| e.text.starts_with(&format!("{series} back to normal")))
        .map(|e| e.at)
        .collect()
}

#[test]
fn storefront_outage_has_20000_reports_and_regions_recovering_apart() {
    let (header, events) =
        play(&drills_dir().join("storefront-outage.jsonl"), 1.0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(header.reference.resolve, Some(8100.0));
    let inc = Incident::fold(&events);
    let peak = inc
        .reports
        .get("outage reports")
        .and_then(|r| r.peak)
        .map(|p| p.1)
        .unwrap_or(0);
    assert!(peak > 20_000, "peak reports {peak}");
    for s in [
        "product page errors",
        "add to cart failures",
        "checkout errors eu",
    ] {
        assert_eq!(
            inc.signals
                .get(s)
                .and_then(|g| g.peak)
                .map(|p| g_level(&inc, s, p.1)),
            Some(Level::Crit),
            "{s} fails"
        );
    }
    let us = crossings_back_to_normal(&inc, "checkout errors us");
    let eu = crossings_back_to_normal(&inc, "checkout errors eu");
    let apac = crossings_back_to_normal(&inc, "checkout errors apac");
    let (us, eu, apac) = (us.last().copied(), eu.last().copied(), apac.last().copied());
    assert!(us.is_some() && eu.is_some() && apac.is_some());
    assert!(
        us < eu && eu < apac,
        "US recovers first, APAC last: {us:?} {eu:?} {apac:?}"
    );
    assert!(
        inc.pages.iter().all(|p| !p.is_degraded()),
        "the provider stays green"
    );
}

fn g_level(inc: &Incident, s: &str, v: f64) -> Level {
    inc.signals
        .get(s)
        .map_or(Level::Unknown, |g| g.def.level(v))
}

#[test]
fn overnight_checkout_has_three_hours_at_zero_orders_and_a_strong_recovery_hour() {
    let (_, events) =
        play(&drills_dir().join("overnight-checkout.jsonl"), 1.0).unwrap_or_else(|e| panic!("{e}"));
    let orders: Vec<(DateTime<Utc>, f64)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            warroom::incident::EventKind::Metric { series, value }
                if series == "orders per minute" =>
            {
                Some((e.at, *value))
            }
            _ => None,
        })
        .collect();
    let zero: Vec<DateTime<Utc>> = orders.iter().filter(|o| o.1 == 0.0).map(|o| o.0).collect();
    let (first, last) = (
        zero.first().copied().unwrap_or_default(),
        zero.last().copied().unwrap_or_default(),
    );
    let hours = (last - first).num_minutes() as f64 / 60.0;
    assert!((2.9..=3.1).contains(&hours), "orders at zero for {hours} h");
    let mean = |from: DateTime<Utc>, to: DateTime<Utc>| {
        let v: Vec<f64> = orders
            .iter()
            .filter(|o| o.0 >= from && o.0 < to)
            .map(|o| o.1)
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    let before = mean(start(), first);
    let after = mean(last + Duration::seconds(1), last + Duration::hours(1));
    assert!(
        after > before,
        "recovery hour {after:.0}/min above the evening average {before:.0}/min"
    );
    let inc = Incident::fold(&events);
    assert_eq!(
        inc.signals
            .get("orders per minute")
            .and_then(|s| s.peak)
            .map(|p| p.1),
        Some(0.0)
    );
}

/// A scripted run of a bundled drill: ana joins at the start, declares one scenario minute
/// after the first automatic signal, back-dates the impact to the drill start, mitigates
/// and resolves. The report scores her, not the script.
#[test]
fn every_bundled_drill_reports_the_peoples_detect_time_not_the_scripts() {
    use warroom::drill_report::DrillReport;
    use warroom::incident::{EventKind, IncidentState, Severity};
    for path in bundled() {
        let (header, script) = play(&path, header_speed(&path)).unwrap_or_else(|e| panic!("{e}"));
        let speed = header.speed;
        let wall = |s: f64| start() + Duration::milliseconds((s / speed * 1000.0) as i64);
        let scripted = Incident::fold(&script);
        let first = scripted
            .times
            .first_signal
            .unwrap_or_else(|| panic!("{}: no automatic signal", path.display()));
        let first_s = (first - start()).num_milliseconds() as f64 / 1000.0 * speed;
        let ana = |at, kind| Draft::new(at, Actor::person("ana"), kind);
        let mut events: Vec<Draft> = vec![
            Draft::new(
                start(),
                Actor::System,
                EventKind::DrillStarted {
                    scenario: header.name.clone(),
                    speed,
                    title: Some(header.title.clone()),
                    severity: Some(header.severity),
                    briefing: None,
                    reference: Some(header.reference.clone()),
                    impact: header.impact,
                },
            ),
            ana(
                start(),
                EventKind::Joined {
                    person: "ana".into(),
                    from: None,
                },
            ),
            ana(
                wall(first_s + 60.0),
                EventKind::IncidentDeclared {
                    title: "Checkout down (ana)".into(),
                    severity: Severity::Sev1,
                },
            ),
            ana(
                wall(first_s + 120.0),
                EventKind::ImpactStarted { at: start() },
            ),
            ana(
                wall(first_s + 600.0),
                EventKind::StateChanged {
                    state: IncidentState::Monitoring,
                },
            ),
            ana(
                wall(first_s + 900.0),
                EventKind::StateChanged {
                    state: IncidentState::Resolved,
                },
            ),
        ];
        events.extend(script.into_iter().map(|e| Draft::new(e.at, e.by, e.kind)));
        events.sort_by_key(|d| d.at);
        let events: Vec<Event> = events
            .into_iter()
            .enumerate()
            .map(|(i, d)| d.into_event(i as u64 + 1))
            .collect();
        let inc = Incident::fold(&events);
        let report = DrillReport::from(&inc, &header);
        let impact = header.impact.unwrap_or(0.0);
        let detect = report.measures[0].people.unwrap_or(-1.0);
        let want = first_s + 60.0 - impact;
        assert!(
            (detect - want).abs() <= speed / 1000.0 + 0.01,
            "{}: detect {detect}, want {want} (first signal {first_s}, impact {impact})",
            path.display()
        );
        assert!(detect >= 60.0, "{}: not 0s", path.display());
        assert_eq!(report.title, "Checkout down (ana)");
        let text = report.render_text();
        assert!(text.contains("First automatic signal at T+"), "{text}");
        assert!(text.contains("Checkout down (ana)"), "{text}");
        // Back-dating to the drill start made nothing slower: resolve counts from the
        // scenario's impact, not from the marker.
        let resolve = report.measures[3].people.unwrap_or(-1.0);
        assert!(
            (resolve - (first_s + 900.0 - impact)).abs() <= speed / 1000.0 + 0.01,
            "{}: resolve {resolve}",
            path.display()
        );
        let fast = DrillReport::with_speed(&inc, &header, 60.0).render_text();
        assert!(
            fast.contains("at 60x one second of typing counts as 1m00s"),
            "{fast}"
        );
        if speed < 20.0 {
            assert!(!text.contains("typing"), "{text}");
        }
    }
}

fn header_speed(path: &Path) -> f64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| DrillHeader::parse(t.lines().next().unwrap_or_default()).ok())
        .map_or(1.0, |h| h.speed)
}
