//! `warroom check` on the shipped config, on a table of broken configs (each error must
//! name the file and the right line and say something helpful), and the search order.

use std::path::Path;
use std::process::{Command, Output};

use warroom::config::{Config, SourceKind};

fn warroom(cwd: &Path, args: &[&str], envs: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_warroom"));
    cmd.current_dir(cwd).args(args);
    cmd.env_remove("XDG_CONFIG_HOME");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("run warroom")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_shipped_config_passes_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let home = tempfile::tempdir().expect("tempdir");
    let out = warroom(root, &["check"], &[("HOME", home.path())]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().next(),
        Some("ok")
    );
    assert!(said.contains("config: config.toml"), "{said}");

    // What it holds: the bundled drill and concrete checklists of 5 to 8 items.
    let config = Config::load_file(&root.join("config.toml")).expect("shipped config loads");
    assert_eq!(config.sources.len(), 1);
    assert_eq!(config.sources[0].name, "checkout drill");
    assert!(
        matches!(&config.sources[0].kind, SourceKind::Drill(d) if d.path.ends_with("checkout-outage.jsonl"))
    );
    assert_eq!(config.ui.theme, "default");
    for (name, items) in config.checklists.lists() {
        assert!(
            (5..=8).contains(&items.len()),
            "{name} has {} items",
            items.len()
        );
    }
    let all = config
        .checklists
        .lists()
        .map(|(_, i)| i.join(" | "))
        .join(" | ");
    for phrase in [
        "two independent signals",
        "status page",
        "last 24 h",
        "Freeze deploys",
        "Roll back",
        "within 15 min",
        "One approved wording",
    ] {
        assert!(all.contains(phrase), "checklists lack {phrase:?}: {all}");
    }
    // The same text is built into the binary: with no config anywhere it still passes.
    let empty = tempfile::tempdir().expect("tempdir");
    let out = warroom(empty.path(), &["check"], &[("HOME", home.path())]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("built-in"), "{}", text(&out));
}

const GOOD_HEAD: &str = r#"[incident]
title = "Checkout failures"
severity = "SEV2"

[ui]
theme = "default"
"#;

const PROM: &str = r#"
[[source]]
kind = "prometheus"
name = "checkout error rate"
url = "http://127.0.0.1:9090"
query = 'sum(rate(http_requests_total{code=~"5.."}[1m]))'
every = "15s"
warn = 0.01
crit = 0.05
"#;

const LISTS: &str = r#"
[checklists]
detection = ["Confirm impact from two signals"]
mitigation = ["Freeze deploys"]
communication = ["First update within 15 min"]
"#;

/// (what is wrong, config text, a unique piece of the line the error must name, phrase).
fn bad_configs() -> Vec<(&'static str, String, &'static str, &'static str)> {
    let good = format!("{GOOD_HEAD}{PROM}{LISTS}");
    let swap = |from: &str, to: &str| {
        assert!(good.contains(from), "{from}");
        good.replacen(from, to, 1)
    };
    vec![
        (
            "typo'd kind",
            swap("kind = \"prometheus\"", "kind = \"promethus\""),
            "promethus",
            "did you mean \"prometheus\"",
        ),
        (
            "duration without unit",
            swap("every = \"15s\"", "every = \"15\""),
            "every = \"15\"",
            "invalid duration",
        ),
        (
            "duration in words",
            swap("every = \"15s\"", "every = \"every minute\""),
            "every minute",
            "write durations like",
        ),
        (
            "missing url",
            swap("url = \"http://127.0.0.1:9090\"\n", ""),
            "kind = \"prometheus\"",
            "has no `url`",
        ),
        (
            "url without scheme",
            swap("http://127.0.0.1:9090", "127.0.0.1:9090"),
            "url = ",
            "must start with http",
        ),
        (
            "wrong type",
            swap("warn = 0.01", "warn = \"high\""),
            "warn = \"high\"",
            "invalid type",
        ),
        (
            "unknown theme",
            swap("theme = \"default\"", "theme = \"dracula\""),
            "dracula",
            "unknown theme",
        ),
        (
            "empty checklist",
            swap("mitigation = [\"Freeze deploys\"]", "mitigation = []"),
            "mitigation = []",
            "checklist `mitigation` is empty",
        ),
        (
            "duplicate source names",
            format!(
                "{good}{}",
                PROM.replace("http://127.0.0.1:9090", "http://127.0.0.1:9091")
            ),
            "#2 name",
            "duplicate source name",
        ),
        (
            "invalid TOML",
            swap(
                "title = \"Checkout failures\"",
                "title = \"Checkout failures",
            ),
            "title = ",
            "",
        ),
        (
            "unknown key with did-you-mean",
            swap("query = ", "querry = "),
            "querry",
            "did you mean `query`",
        ),
        (
            "crit less severe than warn",
            swap("crit = 0.05", "crit = 0.001"),
            "crit = 0.001",
            "less severe",
        ),
        (
            "missing query",
            swap(
                "query = 'sum(rate(http_requests_total{code=~\"5..\"}[1m]))'\n",
                "",
            ),
            "kind = \"prometheus\"",
            "has no `query`",
        ),
        (
            "bad listen address",
            format!(
                "{good}\n[[source]]\nkind = \"alertmanager\"\nname = \"alerts\"\nlisten = \"localhost-9099\"\n"
            ),
            "localhost-9099",
            "not an address",
        ),
        (
            "bad ssh listen address",
            format!("{good}\n[ssh]\nlisten = \"port 2222\"\n"),
            "port 2222",
            "not an address",
        ),
        (
            "auth without auth_env",
            swap("every = \"15s\"", "every = \"15s\"\nauth = \"bearer\""),
            "auth = \"bearer\"",
            "auth_env",
        ),
        (
            "key of another kind",
            swap("every = \"15s\"", "every = \"15s\"\nspeed = 10.0"),
            "speed = 10.0",
            "not a setting of a prometheus source",
        ),
        (
            "unknown severity",
            swap("severity = \"SEV2\"", "severity = \"SEV5\""),
            "SEV5",
            "unknown severity",
        ),
        (
            "drill file not found",
            format!(
                "{good}\n[[source]]\nkind = \"drill\"\nname = \"drill\"\npath = \"drills/no-such-drill.jsonl\"\n"
            ),
            "no-such-drill",
            "drill file not found",
        ),
        (
            "duplicate checklist item",
            swap(
                "[\"Freeze deploys\"]",
                "[\"Freeze deploys\", \"Roll back\", \"Freeze deploys\"]",
            ),
            "",
            "lists \"Freeze deploys\" twice",
        ),
    ]
}

/// 1-based line of the first line containing `piece`; for "#2 name" the second `name =`.
fn line_of(text: &str, piece: &str) -> usize {
    let (piece, nth) = match piece.strip_prefix("#2 ") {
        Some(p) => (p, 1),
        None => (piece, 0),
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with(piece) || l.contains(piece))
        .nth(nth)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("{piece:?} not in config"))
}

#[test]
fn each_bad_config_names_the_file_the_line_and_how_to_fix_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = bad_configs();
    assert!(cases.len() >= 12);
    for (i, (what, config, piece, phrase)) in cases.iter().enumerate() {
        let file = format!("bad-{i}.toml");
        std::fs::write(dir.path().join(&file), config).expect("write config");
        let out = warroom(dir.path(), &["check", "--config", &file], &[]);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: {said}");
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("ok"),
            "{what}: {said}"
        );
        assert!(
            said.contains(phrase),
            "{what}: expected {phrase:?} in:\n{said}"
        );
        if piece.is_empty() {
            assert!(said.contains(&format!("{file}: ")), "{what}: {said}");
        } else {
            let line = line_of(config, piece);
            assert!(
                said.contains(&format!("{file}:{line}:")),
                "{what}: expected line {line} in:\n{said}\n--- config:\n{config}"
            );
        }
    }
}

#[test]
fn a_config_with_several_problems_reports_them_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = format!("{GOOD_HEAD}{PROM}{LISTS}")
        .replace("theme = \"default\"", "theme = \"dracula\"")
        .replace("every = \"15s\"", "every = \"soon\"")
        .replace(
            "detection = [\"Confirm impact from two signals\"]",
            "detection = []",
        );
    std::fs::write(dir.path().join("c.toml"), &config).expect("write");
    let out = warroom(dir.path(), &["check", "--config", "c.toml"], &[]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1));
    for piece in ["dracula", "every = \"soon\"", "detection = []"] {
        let line = line_of(&config, piece);
        assert!(said.contains(&format!("c.toml:{line}:")), "{piece}: {said}");
    }
    assert!(said.contains("3 problems"), "{said}");
}

#[test]
fn search_order_is_flag_then_cwd_then_xdg_then_built_in() {
    let cwd = tempfile::tempdir().expect("tempdir");
    let xdg = tempfile::tempdir().expect("tempdir");
    let home = tempfile::tempdir().expect("tempdir");
    let good = format!("{GOOD_HEAD}{PROM}{LISTS}");
    let in_xdg = xdg.path().join("warroom/config.toml");
    std::fs::create_dir_all(in_xdg.parent().expect("parent")).expect("mkdir");
    // Each candidate is broken in its own way, so the error says which one was read.
    std::fs::write(&in_xdg, good.replace("SEV2", "SEV7")).expect("write");
    let env = [("XDG_CONFIG_HOME", xdg.path()), ("HOME", home.path())];

    // Only XDG: it is read.
    let out = warroom(cwd.path(), &["check"], &env);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("SEV7"), "{said}");
    assert!(said.contains(&in_xdg.display().to_string()), "{said}");

    // ./config.toml beats XDG.
    std::fs::write(cwd.path().join("config.toml"), &good).expect("write");
    let out = warroom(cwd.path(), &["check"], &env);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(said.contains("config: config.toml"), "{said}");

    // --config beats both.
    std::fs::write(
        cwd.path().join("other.toml"),
        good.replace("theme = \"default\"", "theme = \"neon\""),
    )
    .expect("write");
    let out = warroom(cwd.path(), &["check", "--config", "other.toml"], &env);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("other.toml:6:"), "{said}");
    assert!(said.contains("unknown theme \"neon\""), "{said}");

    // A --config that does not exist is an error, not a silent fallback.
    let out = warroom(cwd.path(), &["check", "--config", "nope.toml"], &env);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("nope.toml"), "{}", text(&out));

    // Nothing anywhere: the built-in config.
    let bare = tempfile::tempdir().expect("tempdir");
    let out = warroom(bare.path(), &["check"], &[("HOME", home.path())]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("(built-in config.toml)"));
}

#[test]
fn the_commented_examples_in_the_shipped_config_are_valid_when_uncommented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = std::fs::read_to_string(root.join("config.toml")).expect("read config.toml");
    // Uncomment every line that is TOML (a table header or `key = value`), keep prose.
    let uncommented: String = shipped
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest)
                if rest.starts_with('[')
                    || rest.split_once(" = ").is_some_and(|(k, _)| {
                        k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    }) =>
            {
                rest.to_string()
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let config = Config::parse(&uncommented, "uncommented.toml", None, root.to_path_buf())
        .unwrap_or_else(|e| panic!("{e}\n---\n{uncommented}"));
    let kinds: Vec<&str> = config.sources.iter().map(|s| s.kind.name()).collect();
    for kind in warroom::config::source_kinds() {
        assert!(
            kinds.contains(kind),
            "no example of a {kind} source: {kinds:?}"
        );
    }
    assert_eq!(config.ssh.listen.as_deref(), Some("0.0.0.0:2222"));
}

/// `file:line:col` of the first occurrence of `piece` in `text` (1-based, columns in
/// characters).
fn place_of(file: &str, text: &str, piece: &str) -> String {
    let at = text
        .find(piece)
        .unwrap_or_else(|| panic!("{piece:?} not in config"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{file}:{line}:{col}")
}

#[test]
fn every_problem_of_a_file_is_reported_in_one_run_each_naming_its_key_and_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = format!("{GOOD_HEAD}{PROM}{LISTS}")
        .replace("title = ", "titel = ")
        .replace("every = \"15s\"", "evrey = \"15s\"\ntimeout = [\"10s\"]")
        .replace("warn = 0.01", "warn = \"high\"")
        .replace("theme = \"default\"", "theme = \"dracula\"");
    std::fs::write(dir.path().join("c.toml"), &config).expect("write");
    let out = warroom(dir.path(), &["check", "--config", "c.toml"], &[]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    for (piece, says) in [
        ("titel", "unknown key `titel` in [incident]"),
        ("evrey", "unknown key `evrey` in [[source]]"),
        (
            "[\"10s\"]",
            "`timeout`: invalid type: sequence, expected a duration string",
        ),
        ("\"high\"", "`warn`: invalid type: string \"high\""),
        ("\"dracula\"", "unknown theme \"dracula\""),
    ] {
        let place = place_of("c.toml", &config, piece);
        assert!(
            said.contains(&format!("{place}: {says}")),
            "expected `{place}: {says}` in:\n{said}"
        );
    }
    assert!(said.contains("did you mean `title`?"), "{said}");
    assert!(said.contains("did you mean `every`?"), "{said}");
    assert!(said.contains("5 problems found"), "{said}");
    // A key of the wrong type is one problem, not two: no "has no `warn`" after it.
    assert!(!said.contains("has no"), "{said}");
}

#[test]
fn a_duplicate_key_is_named_and_the_other_problems_still_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = format!("{GOOD_HEAD}{PROM}{LISTS}")
        .replace(
            "severity = \"SEV2\"",
            "severity = \"SEV2\"\ntitle = \"Again\"",
        )
        .replace("query = ", "querry = ");
    std::fs::write(dir.path().join("d.toml"), &config).expect("write");
    let out = warroom(dir.path(), &["check", "--config", "d.toml"], &[]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    let second_title = config.find("title = \"Again\"").expect("second title");
    let line = config[..second_title].matches('\n').count() + 1;
    assert!(
        said.contains(&format!("d.toml:{line}:1: duplicate key `title`")),
        "{said}"
    );
    let place = place_of("d.toml", &config, "querry");
    assert!(
        said.contains(&format!("{place}: unknown key `querry`")),
        "{said}"
    );
}

#[test]
fn a_file_that_is_not_utf8_names_the_line_of_the_bad_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut bytes = GOOD_HEAD.as_bytes().to_vec();
    // Line 2 is `title = "Checkout failures"`: a Latin-1 é in it.
    let at = GOOD_HEAD.find("failures").expect("title");
    bytes.splice(at..at, [b'c', b'a', b'f', 0xE9, b' ']);
    std::fs::write(dir.path().join("l1.toml"), &bytes).expect("write");
    let out = warroom(dir.path(), &["check", "--config", "l1.toml"], &[]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("l1.toml:2:22: not UTF-8"), "{said}");
    assert!(said.contains("0xE9"), "{said}");
    assert!(said.contains("save the config as UTF-8"), "{said}");
}

#[test]
fn a_path_that_is_not_a_regular_file_is_named_for_what_it_is() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("conf.d")).expect("mkdir");
    let out = warroom(dir.path(), &["check", "--config", "conf.d"], &[]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("conf.d: is a directory, not a config file"),
        "{said}"
    );
    assert!(!said.contains("not found"), "{said}");

    // A device that never ends is refused without reading it (the test would hang).
    let out = warroom(dir.path(), &["check", "--config", "/dev/zero"], &[]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("/dev/zero: is a character device"), "{said}");

    let out = warroom(dir.path(), &["check", "--config", "absent.toml"], &[]);
    assert!(
        text(&out).contains("absent.toml: config file not found"),
        "{}",
        text(&out)
    );

    // A regular file too big to be a config is not read whole.
    let big = dir.path().join("big.toml");
    std::fs::write(&big, "# x\n".repeat(300_000)).expect("write");
    let out = warroom(dir.path(), &["check", "--config", "big.toml"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("larger than 1024 KiB"),
        "{}",
        text(&out)
    );
}

#[test]
fn an_unset_secret_variable_is_a_warning_not_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = format!(
        "{GOOD_HEAD}{}{LISTS}\n[[source]]\nkind = \"alertmanager\"\nname = \"alerts\"\ntoken_env = \"WARROOM_TEST_ALERT_TOKEN\"\n",
        PROM.replace(
            "every = \"15s\"",
            "every = \"15s\"\nauth = \"bearer\"\nauth_env = \"WARROOM_TEST_PROM_TOKEN\""
        )
    );
    std::fs::write(dir.path().join("s.toml"), &config).expect("write");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_warroom"));
    cmd.current_dir(dir.path())
        .args(["check", "--config", "s.toml"])
        .env_remove("WARROOM_TEST_PROM_TOKEN")
        .env_remove("WARROOM_TEST_ALERT_TOKEN");
    let out = cmd.output().expect("run");
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().next(),
        Some("ok")
    );
    for var in ["WARROOM_TEST_PROM_TOKEN", "WARROOM_TEST_ALERT_TOKEN"] {
        let place = place_of("s.toml", &config, &format!("\"{var}\""));
        assert!(
            said.contains(&format!("{place}: warning: ")) && said.contains(var),
            "{var}: {said}"
        );
    }

    // Set: no warning.
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .current_dir(dir.path())
        .args(["check", "--config", "s.toml"])
        .env("WARROOM_TEST_PROM_TOKEN", "x")
        .env("WARROOM_TEST_ALERT_TOKEN", "y")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(!text(&out).contains("warning"), "{}", text(&out));
}

#[test]
fn a_drill_speed_outside_what_can_be_played_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    for speed in ["1e-300", "0.001", "20000.0", "nan", "-1.0"] {
        let config = format!(
            "{GOOD_HEAD}{LISTS}\n[[source]]\nkind = \"drill\"\nname = \"drill\"\npath = \"checkout-outage.jsonl\"\nspeed = {speed}\n"
        );
        std::fs::write(dir.path().join("sp.toml"), &config).expect("write");
        let out = warroom(dir.path(), &["check", "--config", "sp.toml"], &[]);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{speed}: {said}");
        let place = place_of("sp.toml", &config, &format!("{speed}\n"));
        assert!(
            said.contains(&format!(
                "{place}: `speed` {}",
                speed.trim_end_matches(".0")
            )) || said.contains(&format!("{place}: `speed`")),
            "{speed}: {said}"
        );
        assert!(said.contains("outside 0.01 to 10000"), "{speed}: {said}");
    }
}

#[test]
fn a_source_key_of_another_kind_or_a_kind_that_is_no_string_is_named_with_what_it_takes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = format!(
        "{GOOD_HEAD}{LISTS}\n[[source]]\nkind = \"drill\"\nname = \"d\"\npath = \"checkout-outage.jsonl\"\nquery = \"up\"\n\n[[source]]\nkind = 3\nname = \"three\"\n"
    );
    std::fs::write(dir.path().join("k.toml"), &config).expect("write");
    let out = warroom(dir.path(), &["check", "--config", "k.toml"], &[]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    let place = place_of("k.toml", &config, "query = ");
    assert!(
        said.contains(&format!(
            "{place}: `query` is not a setting of a drill source\n  help: drill sources take: kind, name, every, timeout, max_bytes, host, path, speed"
        )),
        "{said}"
    );
    let place = place_of("k.toml", &config, "3\n");
    assert!(
        said.contains(&format!("{place}: `kind` must be a string, not integer")),
        "{said}"
    );
    assert!(said.contains("2 problems found"), "{said}");
}

/// The lines of every `.rs` file under `dir` that are code (not comments).
fn code_lines(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            out.extend(code_lines(&p));
        } else if p.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&p).expect("read source");
            for l in text.lines() {
                let code = l.trim_start();
                if !code.starts_with("//") {
                    out.push((p.display().to_string(), l.to_string()));
                }
            }
        }
    }
    out
}

#[test]
fn config_reaches_neither_into_views_nor_sources_and_views_read_no_files() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (file, line) in code_lines(&src.join("config")) {
        for upward in [
            "crate::ui",
            "crate::sources",
            "crate::assets",
            "crate::term",
        ] {
            assert!(!line.contains(upward), "{file}: {line}");
        }
    }
    for (file, line) in code_lines(&src.join("ui")) {
        for io in ["std::fs", "std::env", "crate::assets", "crate::config"] {
            assert!(!line.contains(io), "{file}: {line}");
        }
    }
}

#[test]
fn the_theme_and_drills_a_config_names_are_checked_by_the_loader_at_their_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = format!(
        "{GOOD_HEAD}{LISTS}\n[[source]]\nkind = \"drill\"\nname = \"d\"\npath = \"gone.jsonl\"\n"
    )
    .replace("theme = \"default\"", "theme = \"defualt\"");
    std::fs::write(dir.path().join("n.toml"), &config).expect("write");
    // The file itself is fine: parsing it does not look for themes or drills.
    let parsed = Config::load_file(&dir.path().join("n.toml")).expect("parses");
    assert_eq!(parsed.ui.theme, "defualt");
    // What it names is the loader's question, answered at the line that names it.
    let problems = warroom::assets::check(&parsed);
    let said: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    let theme_at = place_of(
        &dir.path().join("n.toml").display().to_string(),
        &config,
        "\"defualt\"",
    );
    let drill_at = place_of(
        &dir.path().join("n.toml").display().to_string(),
        &config,
        "\"gone.jsonl\"",
    );
    assert_eq!(said.len(), 2, "{said:?}");
    assert!(
        said[0].starts_with(&format!("{theme_at}: unknown theme \"defualt\"")),
        "{said:?}"
    );
    assert!(said[0].contains("did you mean \"default\"?"), "{said:?}");
    assert!(
        said[1].starts_with(&format!("{drill_at}: drill file not found: \"gone.jsonl\"")),
        "{said:?}"
    );
    // Opening the room loads through the same checks: it does not start.
    let err = warroom::assets::load_config(Some(&dir.path().join("n.toml")))
        .expect_err("unknown theme and missing drill");
    assert_eq!(err.0.len(), 2, "{err}");
}
