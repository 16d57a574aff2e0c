//! `[[publish]]` and `[comms]` in config.toml: defaults, every mistake named with
//! file:line, and a missing secret named by `warroom check`.

use std::time::Duration;

use warroom::config::{CommsConfig, Config, PublishKind, WebhookUrl};
use warroom::incident::{Audience, EventKind, Severity};

fn parse(text: &str) -> Result<Config, String> {
    Config::parse(text, "config.toml", None, std::env::temp_dir()).map_err(|e| e.to_string())
}

#[test]
fn defaults_follow_the_issue() {
    let c = parse(
        r#"
[[publish]]
name = "page"
kind = "statuspage"
page_id = "abc123"
api_key_env = "HOME"

[[publish]]
name = "chat"
kind = "webhook"
url_env = "HOME"
"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.publish[0].audience, Audience::Public);
    let PublishKind::Statuspage(sp) = &c.publish[0].kind else {
        panic!("{:?}", c.publish[0].kind)
    };
    assert_eq!(sp.url, "https://api.statuspage.io");
    assert_eq!(c.publish[1].audience, Audience::Internal);
    let PublishKind::Webhook(w) = &c.publish[1].kind else {
        panic!()
    };
    assert_eq!(w.url, WebhookUrl::Env("HOME".into()));
    assert_eq!(c.publish_targets(Audience::Public), ["page", "chat"]);
    assert_eq!(c.publish_targets(Audience::Internal), ["chat"]);
    assert_eq!(c.comms, CommsConfig::default());
    assert_eq!(c.comms.first_update_within, Duration::from_secs(900));
    assert_eq!(
        c.comms.every.get(&Severity::Sev1),
        Some(&Duration::from_secs(1200))
    );
    assert_eq!(
        c.comms.every.get(&Severity::Sev4),
        None,
        "SEV4 owes no cadence"
    );
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn comms_cadence_is_read_and_written_as_an_event() {
    let c = parse(
        r#"
[comms]
first_update_within = "10m"
every = { SEV1 = "15m", sev3 = "none" }
contradiction_after = "2m"
"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let EventKind::CommsDefined {
        first_update_within,
        every,
        contradiction_after,
    } = c.comms.event()
    else {
        panic!()
    };
    assert_eq!(first_update_within, 600);
    assert_eq!(contradiction_after, 120);
    assert_eq!(
        every.into_iter().collect::<Vec<_>>(),
        [("SEV1".to_string(), 900), ("SEV2".to_string(), 1800)]
    );
}

#[test]
fn mistakes_are_named_with_their_line() {
    let cases: &[(&str, &str)] = &[
        (
            "[[publish]]\nname = \"p\"\nkind = \"statuspag\"\n",
            "config.toml:3:8: unknown publish kind \"statuspag\"\n  help: did you mean \"statuspage\"?",
        ),
        (
            "[[publish]]\nname = \"p\"\nkind = \"statuspage\"\napi_key_env = \"HOME\"\n",
            "config.toml:3:8: statuspage publisher \"p\" without `page_id`",
        ),
        (
            "[[publish]]\nname = \"p\"\nkind = \"webhook\"\nurl = \"https://x\"\naudience = \"everyone\"\n",
            "config.toml:5:12: `audience`: unknown value \"everyone\"",
        ),
        (
            "[[publish]]\nname = \"p\"\nkind = \"cstate\"\nsite = \"s\"\npage_id = \"x\"\n",
            "config.toml:5:11: `page_id` is not a setting of a cstate publisher",
        ),
        (
            "[comms]\nevery = { SEV9 = \"5m\" }\n",
            "config.toml:2:18: `every`: unknown severity \"SEV9\"",
        ),
        (
            "[comms]\nfirst_update_within = \"soon\"\n",
            "config.toml:2:23: `first_update_within`: invalid duration \"soon\"",
        ),
        (
            "[comms]\ncadence = \"5m\"\n",
            "config.toml:2:1: unknown key `cadence` in [comms]",
        ),
    ];
    for (text, want) in cases {
        let e = parse(text)
            .err()
            .unwrap_or_else(|| panic!("an error for {text}"));
        assert!(e.starts_with(want), "for:\n{text}\ngot:  {e}\nwant: {want}");
    }
}

#[test]
fn an_unknown_placeholder_in_a_webhook_template_is_an_error() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join("t.json"), "{\n  \"text\": \"{titel}\"\n}\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let e = Config::parse(
        "[[publish]]\nname = \"p\"\nkind = \"webhook\"\nurl = \"https://x\"\ntemplate = \"t.json\"\n",
        "config.toml",
        None,
        dir.path().to_path_buf(),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        e.contains("t.json:2:12: unknown placeholder {titel}"),
        "{e}"
    );
}

#[test]
fn check_names_a_missing_key_variable() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[[publish]]\nname = \"page\"\nkind = \"statuspage\"\npage_id = \"abc\"\napi_key_env = \"WARROOM_TEST_UNSET_STATUSPAGE_KEY\"\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_warroom"))
        .arg("check")
        .arg("--config")
        .arg(&path)
        .env_remove("WARROOM_TEST_UNSET_STATUSPAGE_KEY")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("config.toml:5:15: warning: `api_key_env` names the environment variable \"WARROOM_TEST_UNSET_STATUSPAGE_KEY\", which is not set here"),
        "{err}"
    );
}
