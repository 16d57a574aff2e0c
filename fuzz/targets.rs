//! The fuzz targets: one per parser that takes bytes from outside the room.
//!
//! Each `run` must not panic on any input, and where the parser promises sanitised text
//! (everything a source, a drill or a person sends that can reach the screen) it checks the
//! promise: no control character (ESC, C0, C1, bidi override) in the events it makes, and
//! none in any cell of the screen drawn from them. A broken promise is a panic, so the
//! engine treats it like a crash.
//!
//! Shared by `examples/fuzz.rs` (long runs) and `tests/it/fuzz.rs` (short runs) via `#[path]`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use warroom::config::{Config, PrometheusConfig};
use warroom::incident::{Actor, Direction, Event, EventKind, Incident};
use warroom::sources::{alertmanager, drill, feed, health, prometheus, reports, statuspage};
use warroom::term::ssh::InputParser;
use warroom::ui::app::{Action, App, AppOptions};
use warroom::ui::{command, theme::ColorDepth, theme::Theme};
use warroom_testdata::sample;

/// One fuzz target.
pub struct Target {
    pub name: &'static str,
    /// What it feeds the bytes to.
    pub about: &'static str,
    /// Inputs are cut to this many bytes (keeps one execution short).
    pub max_len: usize,
    /// Tokens of the format, inserted by the mutator.
    pub dict: &'static [&'static str],
    pub run: fn(&[u8]),
}

impl Target {
    /// `fuzz/corpus/<name>`: the committed seed inputs.
    pub fn corpus_dir(&self) -> PathBuf {
        repo().join("fuzz").join("corpus").join(self.name)
    }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const JSON_DICT: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "false",
    "\"\"",
    "{}",
    "[]",
    "\\u001b",
    "\\u001b[2J",
    "\\u009b31m",
    "\\u202e",
    "\\ud800",
    "\\\\",
    "\\\"",
];

/// Every target, in the order runs and reports list them.
pub fn all() -> Vec<Target> {
    vec![
        Target {
            name: "log_line",
            about: "one JSON Lines event as read from a log (Event deserialiser), folded and drawn",
            max_len: 16 * 1024,
            dict: &[
                "\"id\":",
                "\"at\":",
                "\"by\":",
                "\"kind\":",
                "\"type\":",
                "\"system\"",
                "{\"person\":\"ana\"}",
                "{\"source\":\"x\"}",
                "\"note\"",
                "\"metric\"",
                "\"alert\"",
                "\"status_incident\"",
                "\"impact_started\"",
                "\"drill_started\"",
                "\"checklist_toggled\"",
                "\"value\":\"NaN\"",
                "\"value\":\"-Inf\"",
                "\"speed\":1e308",
                "\"count\":18446744073709551615",
                "\"id\":18446744073709551615",
                "\"at\":\"+262142-12-31T23:59:59Z\"",
                "\"at\":\"-262143-01-01T00:00:00Z\"",
                "\"at\":\"2026-11-21T14:00:00.123456789+14:00\"",
            ],
            run: log_line,
        },
        Target {
            name: "log_file",
            about: "a whole log file: scan (log::read), then open for writing (scan + repair), then read again",
            max_len: 64 * 1024,
            dict: &[
                "\n",
                "\r\n",
                "{\"warroom_log\":1,\"incident\":\"x\",\"created_at\":\"2026-11-21T14:00:00Z\"}\n",
                "{\"warroom_log\":4294967295,",
                "\"id\":18446744073709551615",
                "\"id\":0",
                "\n\n\n",
                "\u{0}",
            ],
            run: log_file,
        },
        Target {
            name: "config",
            about: "a config file (Config::parse: TOML, then every check of every source kind)",
            max_len: 32 * 1024,
            dict: &[
                "[[source]]\n",
                "kind = \"prometheus\"\n",
                "kind = \"drill\"\n",
                "kind = \"alertmanager\"\n",
                "every = \"0s\"\n",
                "every = \"18446744073709551615s\"\n",
                "timeout = \"1h30m\"\n",
                "speed = 1e-300\n",
                "speed = nan\n",
                "speed = inf\n",
                "warn = -inf\n",
                "max_bytes = 9223372036854775807\n",
                "listen = \"[::1]:99999\"\n",
                "path = \"../../../etc/passwd\"\n",
                "= ",
                "\"\"\"",
                "'''",
                "[incident]\n",
                "[ssh]\n",
                "max_sessions = -1\n",
                "idle_timeout = \"99999999999h\"\n",
            ],
            run: config,
        },
        Target {
            name: "prometheus",
            about: "a Prometheus query API response (parse_response, the tracker), folded and drawn",
            max_len: 64 * 1024,
            dict: &[
                "\"resultType\":\"matrix\"",
                "\"resultType\":\"vector\"",
                "\"resultType\":\"scalar\"",
                "\"resultType\":\"string\"",
                "\"status\":\"success\"",
                "\"status\":\"error\"",
                "[1e308,\"1\"]",
                "[-1e15,\"NaN\"]",
                "[1435781451.781,\"+Inf\"]",
                "\"-Inf\"",
                "\"1e-320\"",
                "\"metric\":{\"__name__\":\"\\u001b]52;c;aGk=\\u0007\"}",
                "<!DOCTYPE html><title>\u{1b}[31m502</title>",
            ],
            run: prometheus,
        },
        Target {
            name: "statuspage",
            about: "Statuspage summary.json and incidents.json (parse, page state), folded and drawn",
            max_len: 64 * 1024,
            dict: &[
                "\"components\":",
                "\"incidents\":",
                "\"incident_updates\":",
                "\"status\":\"major_outage\"",
                "\"status\":\"resolved\"",
                "\"indicator\":\"critical\"",
                "\"group\":true",
                "\"group_id\":",
                "\"only_show_if_degraded\":true",
                "\"body\":\"<p>\\u001b[2J&#27;[31m</p>\"",
                "\"created_at\":\"+262142-01-01T00:00:00Z\"",
                "\"updated_at\":\"not a date\"",
            ],
            run: statuspage,
        },
        Target {
            name: "feed",
            about: "an RSS or Atom status feed (parse_feed, feed state), folded and drawn",
            max_len: 128 * 1024,
            dict: &[
                "<entry>",
                "</entry>",
                "<item>",
                "</item>",
                "<title>",
                "</title>",
                "<content type=\"html\">",
                "</content>",
                "<![CDATA[\u{1b}]52;c;aGk=\u{7}]]>",
                "&#27;[2J",
                "&#x9b;31m",
                "&lt;p&gt;",
                "<p>",
                "</p>",
                "<updated>9999-12-31T23:59:59Z</updated>",
                "<pubDate>Mon, 32 Foo 99999 25:61:61 XYZ</pubDate>",
                "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]>",
                "&a;",
            ],
            run: feed,
        },
        Target {
            name: "alertmanager",
            about: "an Alertmanager (or Grafana) webhook body (parse_webhook, tracker), folded and drawn",
            max_len: 64 * 1024,
            dict: &[
                "\"alerts\":",
                "\"labels\":",
                "\"annotations\":",
                "\"status\":\"firing\"",
                "\"status\":\"resolved\"",
                "\"fingerprint\":\"\\u001b[31m\"",
                "\"alertname\":",
                "\"startsAt\":\"+262142-01-01T00:00:00Z\"",
                "\"endsAt\":\"0001-01-01T00:00:00Z\"",
                "\"ruleName\":",
                "\"ruleId\":18446744073709551615",
                "\"state\":\"alerting\"",
                "\"tags\":",
            ],
            run: alertmanager,
        },
        Target {
            name: "reports",
            about: "an outage-report payload (parse_reports with the default pointers, tracker), folded and drawn",
            max_len: 32 * 1024,
            dict: &[
                "\"reports\":",
                "\"baseline\":",
                "\"date\":",
                "\"value\":",
                "1e308",
                "-1e308",
                "\"NaN\"",
                "18446744073709551616",
                "\"+262142-01-01T00:00:00Z\"",
            ],
            run: reports,
        },
        Target {
            name: "drill",
            about: "a drill scenario file (drill::parse), its events folded and drawn",
            max_len: 64 * 1024,
            dict: &[
                "{\"warroom_drill\": 1,",
                "\"speed\": 1e-300",
                "\"duration\": 1e308",
                "{\"t\": -1e308,",
                "{\"t\": NaN,",
                "\"by\": {\"person\": \"\\u001b[2J\"}",
                "\"reference\":",
                "\n",
            ],
            run: drill,
        },
        Target {
            name: "ssh_input",
            about: "keystroke bytes from an SSH client (InputParser, split in packets), handled by a view and drawn",
            max_len: 16 * 1024,
            dict: &[
                "\u{1b}",
                "\u{1b}[",
                "\u{1b}O",
                "\u{1b}[<",
                "\u{1b}[M",
                "\u{1b}[200~",
                "\u{1b}[201~",
                "\u{1b}]52;c;aGk=\u{7}",
                "\u{9b}",
                ";",
                "999999999999",
                "~",
                "\r",
                ":",
                "n",
                "/",
                "?",
                "z",
                "\t",
            ],
            run: ssh_input,
        },
        Target {
            name: "command",
            about: "a `:` command line (command::parse and completion), recorded and drawn",
            max_len: 4 * 1024,
            dict: &[
                "note ",
                "decide ",
                "sev ",
                "state ",
                "role ",
                "impact ",
                "declare ",
                "export ",
                "theme ",
                "23:59:60",
                "00:00",
                "+262142-01-01T00:00:00Z",
                "\u{1b}[2J",
                "\u{202e}",
            ],
            run: command,
        },
        Target {
            name: "theme",
            about: "a theme file (Theme::parse, every colour depth), a screen drawn with it",
            max_len: 16 * 1024,
            dict: &[
                "[palette]\n",
                "[styles]\n",
                "fg = \"#zzzzzz\"\n",
                "bg = \"#fff\"\n",
                "fg = \"rgb(999,0,0)\"\n",
                "fg = 256\n",
                "fg = \"indexed(255)\"\n",
                "modifiers = [\"bold\", \"blink\"]\n",
                "= { fg = \"red\" }\n",
            ],
            run: theme,
        },
    ]
}

pub fn by_name(name: &str) -> Option<Target> {
    all().into_iter().find(|t| t.name == name)
}

// ---------------------------------------------------------------------------------------
// Checks.

/// A character that must never reach the terminal from outside text.
fn is_hostile(c: char, newline_ok: bool) -> bool {
    (c.is_control() && !(newline_ok && c == '\n'))
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

fn check_value(v: &serde_json::Value, what: &str) {
    match v {
        serde_json::Value::String(s) => {
            if let Some(c) = s.chars().find(|c| is_hostile(*c, true)) {
                panic!("raw control {c:?} in sanitised text of {what}: {s:?}");
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| check_value(x, what)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
            check_value(&serde_json::Value::String(k.clone()), what);
            check_value(x, what);
        }),
        _ => {}
    }
}

/// Every string in the events a parser made is sanitised (newlines allowed in bodies).
pub fn assert_clean_kinds<'a>(kinds: impl IntoIterator<Item = &'a EventKind>) {
    for k in kinds {
        match serde_json::to_value(k) {
            Ok(v) => check_value(&v, k.name()),
            Err(e) => panic!("an event a parser made cannot be written to the log: {e}: {k:?}"),
        }
    }
}

/// Draws `inc` at two sizes (and with the timeline zoomed) and asserts that no cell holds a
/// control character: nothing from outside can talk to the terminal.
pub fn assert_clean_screen(inc: &Incident) {
    let mut app = App::new(AppOptions::new("fuzz"));
    draw_and_check(&mut app, inc, 120, 40);
    let z = TermEvent::Key(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::NONE));
    app.handle_input(&z, inc, sample::now());
    draw_and_check(&mut app, inc, 100, 30);
}

fn draw_and_check(app: &mut App, inc: &Incident, w: u16, h: u16) {
    let area = Rect::new(0, 0, w, h);
    let mut b = Buffer::empty(area);
    app.render(&mut b, area, inc, sample::now());
    for (i, cell) in b.content().iter().enumerate() {
        if let Some(c) = cell.symbol().chars().find(|c| is_hostile(*c, false)) {
            let row: String = b.content()[i - i % w as usize..][..w as usize]
                .iter()
                .map(|c| c.symbol())
                .collect();
            panic!(
                "control {c:?} drawn at ({}, {}) of a {w}x{h} screen: {row:?}",
                i % w as usize,
                i / w as usize
            );
        }
    }
}

/// The sample incident (every pane filled) plus `kinds` as events by `by`, at the sample's
/// "now": the fuzzed events are the newest, so the timeline shows them.
fn fold_on_sample(kinds: impl IntoIterator<Item = (Actor, EventKind)>) -> Incident {
    let mut inc = sample_incident();
    let now = sample::now();
    for (id, (by, kind)) in (1_000_001..).zip(kinds) {
        inc.apply(&Event {
            id,
            at: now - Duration::seconds(1),
            by,
            kind,
        });
    }
    inc
}

/// A source's events: sanitised, foldable, and drawn clean.
fn source_events(source: &str, kinds: Vec<EventKind>) {
    assert_clean_kinds(&kinds);
    let inc = fold_on_sample(kinds.into_iter().map(|k| (Actor::source(source), k)));
    assert_clean_screen(&inc);
}

/// A parse error reaches the screen as the source's health event: sanitised. (Drawing it
/// is the same as drawing any other sanitised text, so it is not drawn here: most mutated
/// inputs end as errors, and drawing each would halve the executions.)
fn source_error(source: &str, error: &str) {
    let mut h = health::Health::new(source);
    let kinds: Vec<EventKind> = h.failed(error).into_iter().collect();
    assert_clean_kinds(&kinds);
}

/// The sample incident, folded once per thread.
fn sample_incident() -> Incident {
    thread_local! {
        static SAMPLE: Incident = sample::incident();
    }
    SAMPLE.with(Incident::clone)
}

fn now() -> DateTime<Utc> {
    sample::now()
}

// ---------------------------------------------------------------------------------------
// Targets.

fn log_line(data: &[u8]) {
    let Ok(ev) = serde_json::from_slice::<Event>(data) else {
        return;
    };
    // What was read is what is written back: a replay and an export agree with the room.
    let once = serde_json::to_string(&ev).unwrap_or_else(|e| panic!("read but not writable: {e}"));
    let again: Event = serde_json::from_str(&once)
        .unwrap_or_else(|e| panic!("written event does not read back: {e}: {once}"));
    let twice = serde_json::to_string(&again).unwrap_or_default();
    assert_eq!(once, twice, "an event changes when written and read again");
    let mut inc = sample_incident();
    inc.apply(&ev);
    assert_clean_screen(&inc);
}

fn log_file(data: &[u8]) {
    // In memory where there is /dev/shm: fsync on a disk would make this target slow.
    let shm = Path::new("/dev/shm");
    let made = if shm.is_dir() {
        tempfile::tempdir_in(shm)
    } else {
        tempfile::tempdir()
    };
    let dir = match made {
        Ok(d) => d,
        Err(e) => panic!("no temp dir for the log_file target: {e}"),
    };
    let path = dir.path().join("fuzz.jsonl");
    std::fs::write(&path, data).unwrap_or_else(|e| panic!("cannot write {path:?}: {e}"));
    let mut read_events = Vec::new();
    let first = warroom::log::read(&path, |e| read_events.push(e));
    let (_, rec) = match first {
        Ok(r) => r,
        Err(warroom::log::LogError::NotALog { .. }) => return,
        Err(e) => panic!("reading a log file failed other than 'not a log': {e}"),
    };
    assert_eq!(rec.events as usize, read_events.len());
    let mut inc = sample_incident();
    inc.apply_all(
        read_events
            .iter()
            .rev()
            .take(200)
            .collect::<Vec<_>>()
            .into_iter()
            .rev(),
    );
    assert_clean_screen(&inc);

    // Open for writing: damaged lines move aside, every good event stays.
    let mut opened = 0u64;
    let (writer, _, orec) = match warroom::log::LogWriter::open(&path, |_| opened += 1) {
        Ok(w) => w,
        Err(e @ warroom::log::LogError::Io { .. }) => {
            panic!("a log that reads cannot be opened: {e}")
        }
        // A clear refusal (ids used up) is an answer, not a crash.
        Err(_) => return,
    };
    // The next event gets an id above every id in the log (never a wrap to 0).
    if let Some(max) = read_events.iter().map(|e| e.id).max() {
        assert!(
            writer.next_id() > max,
            "next id {} is not above the last id {max}: appended events would reuse ids",
            writer.next_id()
        );
    }
    drop(writer);
    assert_eq!(opened, rec.events, "open found other events than read");
    assert_eq!(
        orec.damaged, rec.damaged,
        "open judged lines otherwise than read"
    );
    let after = std::fs::read(&path).unwrap_or_default();
    let aside = orec
        .damaged_file
        .as_ref()
        .map(|p| std::fs::read(p).unwrap_or_default())
        .unwrap_or_default();
    let header_newline = data.contains(&b'\n');
    let added = usize::from(!header_newline);
    assert_eq!(
        after.len() + aside.len(),
        data.len() + added,
        "bytes lost or invented by repair ({} in the log, {} aside, {} before)",
        after.len(),
        aside.len(),
        data.len()
    );
    let damaged_bytes: usize = rec.damaged.iter().map(|d| d.bytes).sum();
    assert_eq!(
        aside.len(),
        damaged_bytes,
        "the .damaged file holds other bytes"
    );
    // The repaired log reads clean, with the same events.
    let mut again = Vec::new();
    match warroom::log::read(&path, |e| again.push(e)) {
        Ok((_, r)) => assert!(
            r.damaged.is_empty(),
            "still damaged after repair: {:?}",
            r.damaged
        ),
        Err(e) => panic!("the repaired log does not read: {e}"),
    }
    // Compared as written (NaN values make `Event` unequal to itself).
    let json = |v: &[Event]| serde_json::to_string(v).unwrap_or_default();
    assert_eq!(
        json(&again),
        json(&read_events),
        "repair changed the events"
    );
}

fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = text.lines().count() + 1;
    match Config::parse(text, "fuzz.toml", None, repo()) {
        Ok(_) => {}
        Err(errs) => {
            assert!(!errs.0.is_empty(), "a refused config with no error");
            for e in &errs.0 {
                assert!(
                    e.line <= lines,
                    "error points past the end (line {} of {lines}): {e}",
                    e.line
                );
                assert!(!e.message.trim().is_empty(), "an error without a message");
            }
            let _ = errs.to_string();
        }
    }
}

fn prom_config() -> PrometheusConfig {
    PrometheusConfig {
        url: "http://127.0.0.1:9090".into(),
        query: "up".into(),
        window: std::time::Duration::from_secs(3600),
        unit: "%".into(),
        warn: Some(0.01),
        crit: Some(0.05),
        direction: Direction::Above,
        label: Some("{{instance}} {{job}}".into()),
        auth: None,
        hysteresis: None,
        dwell: None,
    }
}

fn prometheus(data: &[u8]) {
    let config = prom_config();
    for ct in ["application/json", "text/html"] {
        match prometheus::parse_response(data, ct) {
            Ok(series) => {
                let mut tracker = prometheus::Tracker::new("fuzz prometheus", &config);
                let drafts = tracker.drafts(series);
                let kinds: Vec<EventKind> = drafts.into_iter().map(|d| d.kind).collect();
                source_events("fuzz prometheus", kinds);
            }
            Err(e) => source_error("fuzz prometheus", &e.to_string()),
        }
    }
}

fn statuspage(data: &[u8]) {
    // As the poller: the summary, then (as if the next summary listed no incident) the
    // incidents list read for the final updates of those that left it.
    let mut state = statuspage::PageState::new("fuzz page");
    let mut kinds = Vec::new();
    match statuspage::parse_summary(data, "application/json") {
        Ok(summary) => kinds.extend(state.apply_summary(&summary)),
        Err(e) => source_error("fuzz page", &e.to_string()),
    }
    let gone = state.gone(&statuspage::Summary::default());
    match statuspage::parse_incidents(data, "application/json") {
        Ok(list) => kinds.extend(state.apply_resolved(&list, &gone)),
        Err(e) => source_error("fuzz page", &e.to_string()),
    }
    source_events("fuzz page", kinds);
}

fn feed(data: &[u8]) {
    match feed::parse_feed(data, "application/atom+xml") {
        Ok(entries) => {
            let mut state = feed::FeedState::new("fuzz feed");
            let kinds = state.apply(&entries);
            source_events("fuzz feed", kinds);
        }
        Err(e) => source_error("fuzz feed", &e.to_string()),
    }
}

fn alertmanager(data: &[u8]) {
    match alertmanager::parse_webhook(data, now()) {
        Ok(updates) => {
            let mut tracker = alertmanager::Tracker::default();
            let kinds = tracker.apply(updates);
            source_events("fuzz alerts", kinds);
        }
        Err(e) => source_error("fuzz alerts", &e.to_string()),
    }
}

fn reports(data: &[u8]) {
    match reports::parse_reports(data, "application/json", "/reports", "/baseline") {
        Ok(points) => {
            let mut tracker = reports::Tracker::new("fuzz reports");
            let kinds: Vec<EventKind> = tracker
                .drafts(&points)
                .into_iter()
                .map(|d| d.kind)
                .collect();
            source_events("fuzz reports", kinds);
        }
        Err(e) => source_error("fuzz reports", &e.to_string()),
    }
}

fn drill(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(d) = drill::parse(&text) else {
        return;
    };
    let kinds: Vec<(Actor, EventKind)> = d
        .events
        .into_iter()
        .take(500)
        .map(|e| (e.by, e.kind))
        .collect();
    let inc = fold_on_sample(kinds);
    assert_clean_screen(&inc);
}

/// Bytes → packets (sizes drawn from the input itself, so an artifact alone reproduces) →
/// key events → a view handling them, recording what it asks to record → drawn.
fn ssh_input(data: &[u8]) {
    let mut parser = InputParser::new();
    let mut events = Vec::new();
    let mut rest = data;
    let mut k = data.first().copied().unwrap_or(7) as usize;
    while !rest.is_empty() {
        k = (k * 31 + 7) % 251;
        let n = (k % 17 + 1).min(rest.len());
        events.extend(parser.feed(&rest[..n]));
        if k.is_multiple_of(5) {
            events.extend(parser.timeout());
        }
        rest = &rest[n..];
    }
    // The session re-arms the ESC timer while bytes are held: they must run out.
    for _ in 0..64 {
        if !parser.pending() {
            break;
        }
        events.extend(parser.timeout());
    }
    assert!(!parser.pending(), "bytes still held after 64 ESC timeouts");

    let mut inc = sample_incident();
    let mut app = App::new(AppOptions::new("ana"));
    let now = sample::now();
    let mut id = 1_000_000;
    for ev in events.iter().take(4_000) {
        for action in app.handle_input(ev, &inc, now) {
            if let Action::Record(kind) = action {
                assert_clean_kinds([&kind]);
                id += 1;
                inc.apply(&Event {
                    id,
                    at: now,
                    by: Actor::person("ana"),
                    kind,
                });
            }
        }
    }
    for (w, h) in [(120, 40), (80, 24)] {
        draw_and_check(&mut app, &inc, w, h);
    }
}

fn command(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let inc = sample_incident();
    let themes: Vec<String> = ["default", "light", "mono"].map(String::from).to_vec();
    let mut kinds = Vec::new();
    for line in text.split('\n').take(64) {
        match command::parse(line, &inc, now()) {
            Ok(command::Command::Record(kind)) => kinds.push(kind),
            Ok(_) => {}
            Err(e) => {
                let msg = e.to_string();
                if let Some(c) = msg.chars().find(|c| is_hostile(*c, false)) {
                    panic!("raw control {c:?} in a command error shown to the person: {msg:?}");
                }
            }
        }
        let _ = command::complete(line, &inc, &themes);
    }
    assert_clean_kinds(&kinds);
    let inc = fold_on_sample(kinds.into_iter().map(|k| (Actor::person("ana"), k)));
    assert_clean_screen(&inc);
}

fn theme(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(t) = Theme::parse("fuzz", text, "fuzz.toml") else {
        return;
    };
    let inc = sample_incident();
    for depth in [
        ColorDepth::TrueColor,
        ColorDepth::Ansi256,
        ColorDepth::Ansi16,
        ColorDepth::None,
    ] {
        let mut opts = AppOptions::new("fuzz");
        opts.theme = t.clone();
        opts.depth = depth;
        let mut app = App::new(opts);
        draw_and_check(&mut app, &inc, 80, 24);
    }
}

/// Reads every seed input of a target (sorted by name).
pub fn corpus(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    std::fs::read(e.path()).ok().map(|b| (name, b))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}
