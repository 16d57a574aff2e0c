//! `warroom check` on an update template with an unknown placeholder names its file and
//! line. (The room speaking in the drill, end to end, is in `comms_pty`.)

use std::process::Command;

#[test]
fn check_names_a_templates_unknown_placeholder_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    std::fs::write(
        dir.path().join("config.toml"),
        "[incident]\ntitle = \"Checkout failures\"\nseverity = \"SEV2\"\n",
    )
    .unwrap_or_else(|e| panic!("config: {e}"));
    let updates = dir.path().join("templates").join("updates");
    std::fs::create_dir_all(&updates).unwrap_or_else(|e| panic!("mkdir: {e}"));
    std::fs::write(
        updates.join("identified.md"),
        "We found the cause of the {components} problem.\n\nFix expected at {eta}.\n",
    )
    .unwrap_or_else(|e| panic!("template: {e}"));
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .current_dir(dir.path())
        .args(["check"])
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", home.path())
        .output()
        .unwrap_or_else(|e| panic!("run warroom: {e}"));
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("templates/updates/identified.md:3: unknown placeholder {eta}; use {title}, {components}, {since}, {duration}, {next_update}"),
        "{said}"
    );
    // The same template without the typo passes.
    std::fs::write(
        updates.join("identified.md"),
        "We found the cause of the {components} problem.\n\nNext update by {next_update}.\n",
    )
    .unwrap_or_else(|e| panic!("template: {e}"));
    let out = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .current_dir(dir.path())
        .args(["check"])
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", home.path())
        .output()
        .unwrap_or_else(|e| panic!("run warroom: {e}"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
