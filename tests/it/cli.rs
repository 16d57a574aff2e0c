//! The command line as a person meets it: every argument explains itself in `--help`,
//! the README lists every command, and a drill file handed to `replay` says how to play it.

use std::path::Path;
use std::process::{Command, Output};

use clap::CommandFactory;
use warroom::cli::args::Cli;

fn warroom(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warroom"))
        .current_dir(cwd)
        .args(args)
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .unwrap_or_else(|e| panic!("run warroom: {e}"))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every argument and subcommand under `cmd` without a description, as `path: name`.
fn undocumented(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if id == "help" || id == "version" {
            continue;
        }
        if arg.get_help().is_none() && arg.get_long_help().is_none() {
            out.push(format!("{path}: argument `{id}`"));
        }
        let values = if arg.get_action().takes_values() {
            arg.get_possible_values()
        } else {
            Vec::new()
        };
        for value in values {
            if !value.is_hide_set() && value.get_help().is_none() {
                out.push(format!("{path}: value `{}` of `{id}`", value.get_name()));
            }
        }
    }
    for sub in cmd.get_subcommands() {
        let name = format!("{path} {}", sub.get_name());
        if sub.get_name() != "help" && sub.get_about().is_none() {
            out.push(format!("{name}: the subcommand itself"));
        }
        undocumented(sub, &name, out);
    }
}

#[test]
fn every_argument_and_subcommand_has_a_help_text() {
    let cmd = Cli::command();
    cmd.clone().debug_assert();
    let mut missing = Vec::new();
    undocumented(&cmd, "warroom", &mut missing);
    assert!(
        missing.is_empty(),
        "without a --help description:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_readme_lists_every_command() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let commands = readme
        .split("## Commands")
        .nth(1)
        .and_then(|s| s.split("```").nth(1))
        .expect("a code block under ## Commands");
    let mut missing = Vec::new();
    for sub in Cli::command().get_subcommands() {
        let mut names = vec![format!("warroom {}", sub.get_name())];
        let nested: Vec<String> = sub
            .get_subcommands()
            .map(|s| format!("warroom {} {}", sub.get_name(), s.get_name()))
            .collect();
        if !nested.is_empty() {
            names = nested;
        }
        for n in names {
            if !commands.contains(&n) {
                missing.push(n);
            }
        }
    }
    assert!(commands.contains("--new"), "{commands}");
    assert!(
        missing.is_empty(),
        "not in the README's command list: {missing:?}"
    );
}

#[test]
fn replay_of_a_drill_file_says_it_is_a_drill_and_how_to_play_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = warroom(root, &["replay", "drills/checkout-outage.jsonl"]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("is a drill scenario"), "{said}");
    assert!(
        said.contains("play it with `warroom drill checkout-outage`"),
        "{said}"
    );
    assert!(!said.contains("missing field"), "{said}");
    assert!(!said.contains("column"), "{said}");

    // A drill of one's own, elsewhere: named by its path.
    let dir = tempfile::tempdir().expect("tempdir");
    let own = dir.path().join("my-drill.jsonl");
    let text_of = std::fs::read_to_string(root.join("drills/storefront-outage.jsonl"))
        .expect("bundled drill");
    std::fs::write(&own, text_of.replace("storefront-outage", "my-own-drill")).expect("write");
    for cmd in [&["replay"][..], &["export"], &["log", "verify"]] {
        let mut args = cmd.to_vec();
        let own_s = own.display().to_string();
        args.push(&own_s);
        let out = warroom(dir.path(), &args);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(2), "{cmd:?}: {said}");
        assert!(
            said.contains(&format!("play it with `warroom drill {own_s}`")),
            "{cmd:?}: {said}"
        );
    }
}

#[test]
fn a_speed_no_drill_can_play_is_refused_before_anything_starts() {
    let dir = tempfile::tempdir().expect("tempdir");
    for speed in ["0", "1e-300", "100000", "NaN"] {
        let out = warroom(dir.path(), &["drill", "checkout-outage", "--speed", speed]);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(2), "{speed}: {said}");
        assert!(said.contains("outside 0.01 to 10000"), "{speed}: {said}");
    }
    assert!(
        !dir.path().join("incidents").exists(),
        "no drill log was started"
    );
}
