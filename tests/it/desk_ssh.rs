//! `:incidents` in an SSH session of the real binary (`warroom serve --ssh`), joined with
//! the real OpenSSH client: Enter on a resolved incident replays it inside the session
//! (`q` comes back to the room), on the room's own incident closes the list, on another
//! open one names the command that joins it.
use crate::ssh_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use ssh_support::{Client, have_ssh, keygen};

use crate::desk_logs::write_dir;

struct Serve(std::process::Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_in_an_ssh_sessions_incident_list_replays_in_the_session_and_comes_back() {
    if !have_ssh("enter_in_an_ssh_sessions_incident_list_replays_in_the_session_and_comes_back") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::create_dir_all(d.join("incidents")).expect("mkdir");
    write_dir(&d.join("incidents"));
    let key = keygen(d, "ana", "ana@laptop");
    std::fs::copy(key.with_extension("pub"), d.join("authorized_keys")).expect("copy");
    std::fs::write(
        d.join("config.toml"),
        "[incident]\ntitle = \"Served headless\"\nseverity = \"SEV2\"\n\n[ssh]\nauthorized_keys = \"authorized_keys\"\nhost_key = \"keys/host_key\"\n",
    )
    .expect("write config");
    let mut child = Command::new(env!("CARGO_BIN_EXE_warroom"))
        .arg("--config")
        .arg(d.join("config.toml"))
        .args(["serve", "--ssh", "127.0.0.1:0"])
        .current_dir(d)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve");
    let Some(stdout) = child.stdout.take() else {
        panic!("no stdout");
    };
    let _serve = Serve(child);
    // Kept open while the server runs: it prints its fingerprint after its address.
    let mut out = BufReader::new(stdout);
    let (mut first, mut second) = (String::new(), String::new());
    out.read_line(&mut first).expect("read the address");
    out.read_line(&mut second).expect("read the fingerprint");
    let port = ssh_support::served_port(&first);
    let kh = d.join("known_hosts");
    let args = ssh_support::client_args(port, &key, "ana", Some(kh.as_path()));
    let mut ana = Client::spawn_ssh(args, 140, 40);
    ana.wait_for("Served headless").await;

    // A resolved incident: replayed here, in the session.
    ana.send(b":incidents\r");
    ana.wait_for("6 of 6 incidents").await;
    ana.send(b"/search\r");
    ana.wait_for("1 of 6 incidents").await;
    ana.send(b"\r");
    ana.wait_until("the replay of the search incident", |s| {
        s.contains("REPLAY") && s.contains("2026-11-02-search.jsonl · q back to the room")
    })
    .await;
    // Its clock works here too: G goes to the end, where it is declared and resolved.
    ana.send(b"G");
    ana.wait_until("the end of the replay", |s| {
        s.contains("Search slow") && s.contains("resolved")
    })
    .await;
    // q: back in the room, as it was.
    ana.send(b"q");
    ana.wait_until("the room again", |s| {
        s.contains("back in the room") && s.contains("Served headless") && !s.contains("REPLAY")
    })
    .await;

    // Another open incident: the command that joins it.
    ana.send(b":incidents\r");
    ana.wait_for("6 of 6 incidents").await;
    ana.send(b"/shoppers\r");
    ana.wait_for("1 of 6 incidents").await;
    ana.send(b"\r");
    ana.wait_for("open it with `warroom --log").await;

    // This room's own incident: the list closes.
    ana.send(b":incidents\r");
    ana.wait_for("6 of 6 incidents").await;
    ana.send(b"/served\r");
    ana.wait_for("1 of 6 incidents").await;
    ana.send(b"\r");
    ana.wait_for("you are in it").await;
}
