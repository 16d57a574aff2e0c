//! Installing warroom like the terminal tools people already use (issue 15): completions
//! and a man page for every subcommand, `--version`, `warroom init` against a real
//! Prometheus (and against nothing), `warroom paths`, and the Debian package's metadata and
//! systemd unit.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use clap::{CommandFactory, Parser};
use warroom::cli::args::{Cli, Command as Sub};

use crate::support::{
    ALERTMANAGER, PROMETHEUS, PUSHGATEWAY, Proc, free_port, require, start_prometheus,
    start_pushgateway, wait_ready,
};

const WAIT: Duration = Duration::from_secs(30);
const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "elvish", "powershell"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn warroom(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warroom"))
        .current_dir(cwd)
        .args(args)
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .unwrap_or_else(|e| panic!("run warroom: {e}"))
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn said(out: &Output) -> String {
    format!("{}{}", stdout(out), String::from_utf8_lossy(&out.stderr))
}

/// Every subcommand as its words (`["log", "verify"]`), clap's `help` left out.
fn subcommands(cmd: &clap::Command, above: &[String], out: &mut Vec<Vec<String>>) {
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let mut words = above.to_vec();
        words.push(sub.get_name().to_string());
        out.push(words.clone());
        subcommands(sub, &words, out);
    }
}

fn all_subcommands() -> Vec<(Vec<String>, clap::Command)> {
    let cmd = Cli::command();
    let mut paths = Vec::new();
    subcommands(&cmd, &[], &mut paths);
    paths
        .into_iter()
        .map(|words| {
            let mut c = &cmd;
            for w in &words {
                c = c.find_subcommand(w).expect("subcommand");
            }
            (words, c.clone())
        })
        .collect()
}

fn long_flags(cmd: &clap::Command) -> Vec<String> {
    cmd.get_arguments()
        .filter(|a| !a.is_hide_set())
        .filter_map(|a| a.get_long())
        .filter(|l| *l != "help" && *l != "version")
        .map(str::to_string)
        .collect()
}

fn drill_names() -> Vec<String> {
    std::fs::read_dir(root().join("drills"))
        .expect("drills/")
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.strip_suffix(".jsonl").map(str::to_string)
        })
        .collect()
}

fn theme_names() -> Vec<String> {
    std::fs::read_dir(root().join("themes"))
        .expect("themes/")
        .flatten()
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.strip_suffix(".toml").map(str::to_string)
        })
        .collect()
}

#[test]
fn completions_for_every_shell_name_every_subcommand_flag_theme_and_drill() {
    let subs = all_subcommands();
    assert!(
        subs.len() >= 10,
        "{:?}",
        subs.iter().map(|s| &s.0).collect::<Vec<_>>()
    );
    let (drills, themes) = (drill_names(), theme_names());
    assert!(
        drills.len() >= 3 && themes.len() >= 5,
        "{drills:?} {themes:?}"
    );
    for shell in SHELLS {
        let out = warroom(root(), &["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", said(&out));
        let script = stdout(&out);
        for (words, cmd) in &subs {
            let name = words.last().expect("a word");
            assert!(
                script.contains(name.as_str()),
                "{shell}: no subcommand {words:?}"
            );
            for flag in long_flags(cmd) {
                assert!(
                    script.contains(&format!("--{flag}")) || script.contains(&format!("-l {flag}")),
                    "{shell}: no --{flag} of {words:?}"
                );
            }
        }
        // clap_complete's elvish and PowerShell scripts complete subcommands and flags only.
        if ["bash", "zsh", "fish"].contains(&shell) {
            for name in drills.iter().chain(&themes) {
                assert!(script.contains(name.as_str()), "{shell}: no {name}");
            }
        }
    }
    let bad = warroom(root(), &["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2), "{}", said(&bad));
    assert!(said(&bad).contains("bash"), "{}", said(&bad));
}

/// What bash offers after `words` (the last one is being typed).
fn bash_completes(script: &Path, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE='{}'\nCOMP_POINT=${{#COMP_LINE}}\n_warroom warroom '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display(),
        quoted.join(" "),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(program)
        .output()
        .expect("bash");
    assert!(out.status.success(), "{}", said(&out));
    stdout(&out).lines().map(str::to_string).collect()
}

#[test]
fn bash_completes_subcommands_bundled_drills_and_themes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("warroom.bash");
    std::fs::write(&script, warroom(root(), &["completions", "bash"]).stdout).expect("write");

    let subs = bash_completes(&script, &["warroom", ""]);
    for s in [
        "drill",
        "replay",
        "serve",
        "init",
        "paths",
        "man",
        "completions",
    ] {
        assert!(subs.iter().any(|x| x == s), "no {s} in {subs:?}");
    }
    assert_eq!(bash_completes(&script, &["warroom", "dr"]), ["drill"]);
    let drills = bash_completes(&script, &["warroom", "drill", ""]);
    for d in drill_names() {
        assert!(drills.contains(&d), "no drill {d} in {drills:?}");
    }
    let themes = bash_completes(&script, &["warroom", "--theme", ""]);
    for t in theme_names() {
        assert!(themes.contains(&t), "no theme {t} in {themes:?}");
    }
    let shells = bash_completes(&script, &["warroom", "completions", ""]);
    for s in SHELLS {
        assert!(shells.iter().any(|x| x == s), "no {s} in {shells:?}");
    }
    assert_eq!(
        bash_completes(&script, &["warroom", "completions", "z"]),
        ["zsh"]
    );
}

#[test]
fn the_man_page_has_every_subcommand_and_flag_and_groff_reads_it_cleanly() {
    let out = warroom(root(), &["man"]);
    assert!(out.status.success(), "{}", said(&out));
    let page = stdout(&out);
    assert!(
        page.contains(".TH warroom 1 "),
        "{}",
        &page[..200.min(page.len())]
    );
    for (words, cmd) in all_subcommands() {
        let title = format!(".SH \"WARROOM {}\"", words.join(" ").to_uppercase());
        let at = page
            .find(&title)
            .unwrap_or_else(|| panic!("no section {title}"));
        let section = &page[at..];
        let end = section[title.len()..]
            .find("\n.SH ")
            .map_or(section.len(), |e| e + title.len());
        let section = &section[..end];
        let about = cmd.get_about().expect("about").to_string();
        assert!(
            section.contains(&about.replace('-', "\\-")),
            "{title}: no {about:?}"
        );
        for flag in long_flags(&cmd) {
            assert!(
                section.contains(&format!("\\-\\-{}", flag.replace('-', "\\-"))),
                "{title}: no --{flag}"
            );
        }
    }
    for flag in long_flags(&Cli::command()) {
        assert!(
            page.contains(&format!("\\-\\-{}", flag.replace('-', "\\-"))),
            "no --{flag}"
        );
    }
    if Path::new("/usr/bin/groff").exists() {
        let mut groff = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("groff");
        use std::io::Write;
        groff
            .stdin
            .take()
            .expect("stdin")
            .write_all(page.as_bytes())
            .expect("write");
        let done = groff.wait_with_output().expect("groff");
        let warnings = String::from_utf8_lossy(&done.stderr);
        assert!(done.status.success() && warnings.is_empty(), "{warnings}");
    }
}

#[test]
fn version_names_the_version_the_commit_and_the_log_format() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map_or("unknown".to_string(), |o| stdout(&o).trim().to_string());
    let want = format!(
        "warroom {} (commit {commit}, log format {})\n",
        env!("CARGO_PKG_VERSION"),
        warroom::log::FORMAT_VERSION
    );
    for flag in ["--version", "-V"] {
        let out = warroom(root(), &[flag]);
        assert!(out.status.success(), "{}", said(&out));
        assert_eq!(stdout(&out), want);
    }
    // The log format it names is the one it writes.
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("x.jsonl");
    warroom::log::LogWriter::create(&log, "t").expect("log");
    let first = std::fs::read_to_string(&log).expect("read");
    assert!(
        first.contains(&format!("\"warroom_log\":{}", warroom::log::FORMAT_VERSION)),
        "{first}"
    );
}

/// `warroom init` in `dir` with the three probe addresses.
fn init(
    dir: &Path,
    prometheus: &str,
    alertmanager: &str,
    pushgateway: &str,
    force: bool,
) -> Output {
    let mut args = vec![
        "init",
        "--prometheus",
        prometheus,
        "--alertmanager",
        alertmanager,
        "--pushgateway",
        pushgateway,
    ];
    if force {
        args.push("--force");
    }
    warroom(dir, &args)
}

/// The config's lines that are not comments or blank.
fn live_lines(config: &str) -> Vec<&str> {
    config
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

async fn up_jobs(prom: &str, proc: &Proc) {
    let client = reqwest::Client::new();
    let t0 = std::time::Instant::now();
    loop {
        if let Ok(r) = client
            .get(format!("{prom}/api/v1/query?query=up"))
            .send()
            .await
            && let Ok(text) = r.text().await
            && text.contains("\"job\":\"pushgateway\"")
        {
            return;
        }
        assert!(t0.elapsed() < WAIT, "no up series; {}", proc.log_text());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_makes_the_up_jobs_of_a_real_prometheus_sources_that_check_accepts() {
    let test = "init_makes_the_up_jobs_of_a_real_prometheus_sources_that_check_accepts";
    if !require(test, PROMETHEUS, "prometheus")
        || !require(test, PUSHGATEWAY, "prometheus-pushgateway")
        || !require(test, ALERTMANAGER, "prometheus-alertmanager")
    {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (pg_port, prom_port, am_port) = (free_port(), free_port(), free_port());
    let pg = start_pushgateway(dir.path(), pg_port);
    let pg_url = format!("http://127.0.0.1:{pg_port}");
    wait_ready(&format!("{pg_url}/-/ready"), &pg, WAIT).await;
    let prom = start_prometheus(dir.path(), prom_port, pg_port, None, None);
    let prom_url = format!("http://127.0.0.1:{prom_port}");
    wait_ready(&format!("{prom_url}/-/ready"), &prom, WAIT).await;
    std::fs::write(
        dir.path().join("alertmanager.yml"),
        "route:\n  receiver: none\nreceivers:\n  - name: none\n",
    )
    .expect("am config");
    let am = Proc::spawn(
        "alertmanager",
        ALERTMANAGER,
        &[
            format!(
                "--config.file={}",
                dir.path().join("alertmanager.yml").display()
            ),
            format!("--storage.path={}", dir.path().join("am-data").display()),
            format!("--web.listen-address=127.0.0.1:{am_port}"),
            "--cluster.listen-address=".into(),
        ],
        dir.path(),
    );
    let am_url = format!("http://127.0.0.1:{am_port}");
    wait_ready(&format!("{am_url}/-/ready"), &am, WAIT).await;
    up_jobs(&prom_url, &prom).await;

    let work = tempfile::tempdir().expect("tempdir");
    let out = tokio::task::block_in_place(|| init(work.path(), &prom_url, &am_url, &pg_url, false));
    assert!(out.status.success(), "{}", said(&out));
    let told = stdout(&out);
    assert!(told.contains("wrote config.toml"), "{told}");
    assert!(
        told.contains(&format!("Prometheus at {prom_url}: found, 1 job")),
        "{told}"
    );
    assert!(
        told.contains(&format!("Alertmanager at {am_url}: found")),
        "{told}"
    );
    assert!(
        told.contains(&format!("pushgateway at {pg_url}: found")),
        "{told}"
    );

    let config = std::fs::read_to_string(work.path().join("config.toml")).expect("config");
    let live = live_lines(&config);
    assert!(live.contains(&"kind = \"prometheus\""), "{config}");
    assert!(live.contains(&"name = \"up: pushgateway\""), "{config}");
    assert!(
        live.contains(&format!("url = \"{prom_url}\"").as_str()),
        "{config}"
    );
    assert!(
        live.iter()
            .any(|l| l.starts_with("query =") && l.contains("up{job=\"pushgateway\"}")),
        "{config}"
    );
    assert!(live.contains(&"kind = \"alertmanager\""), "{config}");
    // Thresholds are the person's to set.
    assert!(
        !live
            .iter()
            .any(|l| l.starts_with("warn") || l.starts_with("crit")),
        "{config}"
    );
    assert!(config.contains("# warn = 1"), "{config}");

    let check = tokio::task::block_in_place(|| warroom(work.path(), &["check"]));
    let said_check = said(&check);
    assert!(check.status.success(), "{said_check}\n{config}");
    assert!(said_check.contains("2 sources"), "{said_check}");
    assert!(said_check.contains("config: config.toml"), "{said_check}");

    // The source it wrote reads real samples: `up` of the pushgateway is 1.
    let loaded =
        warroom::config::Config::load_file(&work.path().join("config.toml")).expect("config loads");
    let source = loaded
        .sources
        .iter()
        .find(|s| s.name == "up: pushgateway")
        .expect("the up source");
    let warroom::config::SourceKind::Prometheus(p) = &source.kind else {
        panic!("not a prometheus source: {source:?}");
    };
    let client = reqwest::Client::new();
    let body = client
        .get(
            reqwest::Url::parse_with_params(
                &format!("{}/api/v1/query", p.url),
                &[("query", p.query.as_str())],
            )
            .expect("url"),
        )
        .send()
        .await
        .expect("query")
        .text()
        .await
        .expect("body");
    let r: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        r.pointer("/data/result/0/value/1").and_then(|v| v.as_str()),
        Some("1"),
        "{r}"
    );
}

#[test]
fn init_with_nothing_listening_writes_only_commented_examples_and_check_passes() {
    let closed = || format!("http://127.0.0.1:{}", free_port());
    let (p, a, g) = (closed(), closed(), closed());
    let work = tempfile::tempdir().expect("tempdir");
    let out = init(work.path(), &p, &a, &g, false);
    assert!(out.status.success(), "{}", said(&out));
    let told = stdout(&out);
    assert!(
        told.contains(&format!("Prometheus at {p}: not found (nothing listening)")),
        "{told}"
    );
    let config = std::fs::read_to_string(work.path().join("config.toml")).expect("config");
    let live = live_lines(&config);
    assert!(!live.iter().any(|l| l.contains("[[source]]")), "{config}");
    for kind in ["prometheus", "alertmanager", "reports"] {
        assert!(
            config.contains(&format!("# kind = \"{kind}\"")),
            "{kind}: {config}"
        );
    }
    let check = warroom(work.path(), &["check"]);
    assert!(check.status.success(), "{}\n{config}", said(&check));
    assert!(said(&check).contains("0 sources"), "{}", said(&check));

    // The commented examples are real config: uncommented, check still passes.
    let uncommented: String = config
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest)
                if rest.starts_with("[[source]]")
                    || rest.contains(" = ")
                        && !rest.starts_with("listen = \"0.0.0.0")
                        && !rest.starts_with("authorized_keys")
                        && !rest.starts_with("observers") =>
            {
                rest.to_string()
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let dir2 = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir2.path().join("config.toml"), &uncommented).expect("write");
    let check2 = warroom(dir2.path(), &["check"]);
    assert!(check2.status.success(), "{}\n{uncommented}", said(&check2));
    assert!(
        said(&check2).contains("3 sources"),
        "{}\n{uncommented}",
        said(&check2)
    );

    // A second init does not overwrite the file; --force does.
    std::fs::write(work.path().join("config.toml"), "# mine\n").expect("write");
    let again = init(work.path(), &p, &a, &g, false);
    assert_eq!(again.status.code(), Some(1), "{}", said(&again));
    assert!(said(&again).contains("--force"), "{}", said(&again));
    assert_eq!(
        std::fs::read_to_string(work.path().join("config.toml")).expect("read"),
        "# mine\n"
    );
    let forced = init(work.path(), &p, &a, &g, true);
    assert!(forced.status.success(), "{}", said(&forced));
    assert!(
        std::fs::read_to_string(work.path().join("config.toml"))
            .expect("read")
            .contains("[incident]")
    );
}

/// `warroom paths` with exactly these environment variables.
fn paths_with_env(cwd: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_warroom"));
    c.current_dir(cwd).env_clear().args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run warroom")
}

fn line_of<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find(|l| l.trim_start().starts_with(&format!("{label}:")))
        .unwrap_or_else(|| panic!("no {label} line in {text}"))
}

#[test]
fn paths_and_check_say_which_files_are_used() {
    let home = tempfile::tempdir().expect("tempdir");
    let xdg = home.path().join("xdg");
    std::fs::create_dir_all(xdg.join("warroom/themes")).expect("mkdir");
    let reference = std::fs::read_to_string(root().join("config.toml")).expect("config.toml");
    std::fs::write(xdg.join("warroom/config.toml"), reference).expect("write");
    let cwd = tempfile::tempdir().expect("tempdir");
    let h = home.path().display().to_string();
    let x = xdg.display().to_string();
    let env = [("HOME", h.as_str()), ("XDG_CONFIG_HOME", x.as_str())];

    let out = paths_with_env(cwd.path(), &env, &["paths"]);
    let text = stdout(&out);
    assert!(out.status.success(), "{}", said(&out));
    let config = xdg.join("warroom/config.toml").display().to_string();
    assert_eq!(
        line_of(&text, "config").split_whitespace().nth(1),
        Some(config.as_str())
    );
    // The user's themes folder exists; the templates folder does not yet.
    let themes = line_of(&text, "themes");
    assert!(themes.contains(&format!("{x}/warroom/themes")), "{text}");
    assert!(!themes.contains("not there yet"), "{text}");
    let templates = line_of(&text, "templates");
    assert!(
        templates.contains(&format!("{x}/warroom/templates (not there yet)")),
        "{text}"
    );
    assert!(line_of(&text, "host key").contains(&format!("{h}/.local/share/warroom/host_key")));
    assert!(
        line_of(&text, "diagnostic log").contains(&format!("{h}/.local/state/warroom/warroom.log"))
    );
    let logs = cwd.path().join("incidents").display().to_string();
    assert!(line_of(&text, "incident logs").contains(&logs), "{text}");
    assert!(
        line_of(&text, "built in").contains("checkout-outage"),
        "{text}"
    );
    assert_eq!(
        line_of(&text, "theme").trim(),
        "theme:          default (built in)"
    );

    // `check` prints the same places.
    let check = paths_with_env(cwd.path(), &env, &["check"]);
    let ctext = stdout(&check);
    assert!(check.status.success(), "{}", said(&check));
    for label in [
        "themes",
        "templates",
        "incident logs",
        "host key",
        "diagnostic log",
    ] {
        assert_eq!(line_of(&ctext, label), line_of(&text, label));
    }
    assert!(ctext.contains(&config), "{ctext}");

    // A theme file of the user's with a built-in's name is the one used.
    let mine = xdg.join("warroom/themes/default.toml");
    std::fs::copy(root().join("themes/mono.toml"), &mine).expect("copy");
    let out = paths_with_env(cwd.path(), &env, &["paths"]);
    assert!(
        line_of(&stdout(&out), "theme").ends_with(&format!("default ({})", mine.display())),
        "{}",
        stdout(&out)
    );

    // Without any config of one's own: the built-in one.
    std::fs::remove_file(xdg.join("warroom/config.toml")).expect("rm");
    let out = paths_with_env(cwd.path(), &env, &["paths"]);
    assert!(line_of(&stdout(&out), "config").contains("(built-in config.toml)"));
}

#[test]
fn a_theme_named_on_the_command_line_must_exist() {
    let cwd = tempfile::tempdir().expect("tempdir");
    let out = warroom(
        cwd.path(),
        &["--theme", "no-such-theme", "--log", "x.jsonl"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(
        said(&out).contains("unknown theme \"no-such-theme\""),
        "{}",
        said(&out)
    );
    assert!(said(&out).contains("solarized"), "{}", said(&out));
    assert!(!cwd.path().join("x.jsonl").exists());
}

#[test]
fn every_update_template_of_the_repo_is_built_in() {
    use warroom::incident::IncidentState;
    let dir = root().join("templates/updates");
    let mut on_disk: Vec<(String, String)> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "md"))
                .map(|p| {
                    let name = p.file_stem().expect("stem").to_string_lossy().into_owned();
                    (name, std::fs::read_to_string(&p).expect("read"))
                })
                .collect()
        })
        .unwrap_or_default();
    on_disk.sort();
    // One template per incident state, each the file of that name: a file for no state
    // would never be used, a state without its file would not build.
    let mut built_in: Vec<(String, String)> = IncidentState::ALL
        .iter()
        .map(|s| {
            let text = warroom::ui::template::builtin_source(*s);
            (s.as_str().to_string(), text.to_string())
        })
        .collect();
    built_in.sort();
    assert_eq!(built_in, on_disk);
}

/// The `[package.metadata.deb]` table of Cargo.toml.
fn deb_metadata() -> toml::Table {
    let manifest: toml::Table = std::fs::read_to_string(root().join("Cargo.toml"))
        .expect("Cargo.toml")
        .parse()
        .expect("Cargo.toml parses");
    manifest["package"]["metadata"]["deb"]
        .as_table()
        .expect("[package.metadata.deb]")
        .clone()
}

/// Files in `root` matching `pattern` (a `*` in the file name at most).
fn glob(pattern: &str) -> Vec<PathBuf> {
    let path = root().join(pattern);
    let name = path
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let Some((pre, post)) = name.split_once('*') else {
        return if path.is_file() { vec![path] } else { vec![] };
    };
    let dir = path.parent().expect("dir");
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let n = p.file_name().map(|n| n.to_string_lossy().into_owned());
                    n.is_some_and(|n| n.starts_with(pre) && n.ends_with(post))
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_debian_package_metadata_installs_every_file_in_its_standard_place() {
    let deb = deb_metadata();
    let assets: Vec<(String, String, String)> = deb["assets"]
        .as_array()
        .expect("assets")
        .iter()
        .map(|a| {
            let a = a.as_array().expect("[source, dest, mode]");
            let s = |i: usize| a[i].as_str().expect("a string").to_string();
            (s(0), s(1), s(2))
        })
        .collect();
    let dest_of = |src: &str| {
        assets
            .iter()
            .find(|a| a.0 == src)
            .map(|a| a.1.clone())
            .unwrap_or_else(|| panic!("no asset {src}"))
    };
    assert_eq!(dest_of("target/release/warroom"), "usr/bin/");
    assert_eq!(dest_of("target/assets/warroom.1.gz"), "usr/share/man/man1/");
    assert_eq!(
        dest_of("target/assets/warroom.bash"),
        "usr/share/bash-completion/completions/warroom"
    );
    assert_eq!(
        dest_of("target/assets/_warroom"),
        "usr/share/zsh/vendor-completions/"
    );
    assert_eq!(
        dest_of("target/assets/warroom.fish"),
        "usr/share/fish/vendor_completions.d/"
    );
    assert_eq!(dest_of("config.toml"), "usr/share/warroom/");
    assert_eq!(dest_of("themes/*.toml"), "usr/share/warroom/themes/");
    for (src, _, mode) in &assets {
        let want = if src == "target/release/warroom" {
            "755"
        } else {
            "644"
        };
        assert_eq!(mode, want, "{src}");
    }

    // Every generated asset is made by packaging/assets.sh from the binary, and every
    // other one is in the repo.
    let out_dir = tempfile::tempdir().expect("tempdir");
    let made = Command::new("sh")
        .arg(root().join("packaging/assets.sh"))
        .arg(env!("CARGO_BIN_EXE_warroom"))
        .arg(out_dir.path())
        .output()
        .expect("assets.sh");
    assert!(made.status.success(), "{}", said(&made));
    for (src, _, _) in &assets {
        if src == "target/release/warroom" {
            continue;
        }
        if let Some(name) = src.strip_prefix("target/assets/") {
            let bytes = std::fs::read(out_dir.path().join(name)).unwrap_or_default();
            assert!(bytes.len() > 100, "{src} not made by packaging/assets.sh");
        } else {
            assert!(!glob(src).is_empty(), "{src} matches no file");
        }
    }
    let man = Command::new("gzip")
        .arg("-dc")
        .arg(out_dir.path().join("warroom.1.gz"))
        .output()
        .expect("gzip");
    assert!(
        stdout(&man).contains(".SH \"WARROOM SERVE\""),
        "man page not gzipped roff"
    );
    let bash = std::fs::read_to_string(out_dir.path().join("warroom.bash")).expect("bash");
    assert!(bash.contains("complete -F _warroom"), "{bash}");

    // The unit comes with the package, not enabled; the user is made on install.
    let units = deb["systemd-units"].as_table().expect("systemd-units");
    assert_eq!(units["unit-name"].as_str(), Some("warroom"));
    assert_eq!(units["enable"].as_bool(), Some(false));
    let unit_dir = units["unit-scripts"].as_str().expect("unit-scripts");
    assert!(root().join(unit_dir).join("warroom.service").is_file());
    let scripts = deb["maintainer-scripts"]
        .as_str()
        .expect("maintainer-scripts");
    let postinst =
        std::fs::read_to_string(root().join(scripts).join("postinst")).expect("postinst");
    assert!(postinst.contains("#DEBHELPER#"), "{postinst}");
    assert!(postinst.contains("adduser --system"), "{postinst}");
    let check = Command::new("sh")
        .arg("-n")
        .arg(root().join(scripts).join("postinst"))
        .output()
        .expect("sh -n");
    assert!(check.status.success(), "{}", said(&check));
    assert!(
        deb["depends"]
            .as_str()
            .is_some_and(|d| d.contains("adduser"))
    );
}

/// `Key=value` lines of a unit file (every value of a repeated key).
fn unit_values(unit: &str, key: &str) -> Vec<String> {
    unit.lines()
        .filter_map(|l| l.strip_prefix(&format!("{key}=")))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_systemd_unit_runs_the_real_serve_command_as_warroom_with_state_in_var_lib() {
    let unit = std::fs::read_to_string(root().join("packaging/warroom.service")).expect("unit");
    assert_eq!(unit_values(&unit, "User"), ["warroom"]);
    assert_eq!(unit_values(&unit, "StateDirectory"), ["warroom"]);
    assert_eq!(unit_values(&unit, "WorkingDirectory"), ["/var/lib/warroom"]);

    let exec = unit_values(&unit, "ExecStart");
    let words: Vec<&str> = exec[0].split_whitespace().collect();
    assert_eq!(words[0], "/usr/bin/warroom");
    let cli = Cli::try_parse_from(&words).unwrap_or_else(|e| panic!("{}: {e}", exec[0]));
    let Some(Sub::Serve(serve)) = &cli.command else {
        panic!("not `warroom serve`: {}", exec[0]);
    };
    assert!(serve.ssh.ends_with(":2222"), "{}", serve.ssh);

    // With the unit's environment the host key is in /var/lib/warroom and the config,
    // themes and templates in /etc/warroom.
    let env: Vec<(String, String)> = unit_values(&unit, "Environment")
        .iter()
        .filter_map(|e| {
            e.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
    let env_ref: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let cwd = tempfile::tempdir().expect("tempdir");
    let out = paths_with_env(cwd.path(), &env_ref, &["paths"]);
    let text = stdout(&out);
    assert!(out.status.success(), "{}", said(&out));
    assert!(
        line_of(&text, "host key").contains("/var/lib/warroom/host_key"),
        "{text}"
    );
    assert!(
        line_of(&text, "themes").contains("/etc/warroom/themes"),
        "{text}"
    );
    assert!(
        line_of(&text, "templates").contains("/etc/warroom/templates"),
        "{text}"
    );
    assert!(
        line_of(&text, "diagnostic log").contains("/var/log/warroom/warroom.log"),
        "{text}"
    );
    let logs_dir = unit_values(&unit, "LogsDirectory");
    assert_eq!(logs_dir, ["warroom"]);

    // systemd reads it without a complaint (with this build standing in for /usr/bin/warroom).
    if Path::new("/usr/bin/systemd-analyze").exists() {
        let dir = tempfile::tempdir().expect("tempdir");
        let copy = dir.path().join("warroom.service");
        std::fs::write(
            &copy,
            unit.replace("/usr/bin/warroom", env!("CARGO_BIN_EXE_warroom")),
        )
        .expect("write");
        let out = Command::new("systemd-analyze")
            .args(["verify", "--man=no"])
            .arg(&copy)
            .output()
            .expect("systemd-analyze");
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{}",
            said(&out)
        );
    }
}

#[test]
fn from_any_directory_with_no_files_of_its_own_it_runs_on_what_is_built_in() {
    let home = tempfile::tempdir().expect("tempdir");
    let cwd = tempfile::tempdir().expect("tempdir");
    let h = home.path().display().to_string();
    let env = [("HOME", h.as_str())];
    let out = paths_with_env(cwd.path(), &env, &["check"]);
    assert!(out.status.success(), "{}", said(&out));
    let text = stdout(&out);
    assert!(text.contains("config: (built-in config.toml)"), "{text}");
    assert!(text.contains("1 source"), "{text}");

    // A file in the user's themes folder overrides the built-in theme of that name, and
    // check names the file it used.
    let themes = home.path().join(".config/warroom/themes");
    std::fs::create_dir_all(&themes).expect("mkdir");
    std::fs::write(
        themes.join("solarized.toml"),
        "[palette]\nbase = \"not-a-colour\"\n",
    )
    .expect("write");
    let out = paths_with_env(cwd.path(), &env, &["check"]);
    let told = said(&out);
    assert_eq!(out.status.code(), Some(1), "{told}");
    assert!(
        told.contains(&themes.join("solarized.toml").display().to_string()),
        "{told}"
    );
}
