//! `:incidents` in a room on the NATS store (the real `nats-server -js`, the real binary
//! in a pty): the stream's incidents are listed with the log folder's, marked as on the
//! stream (the room's own merged with its local mirror), and Enter on another one joins
//! it on the same store.

use std::time::Duration;

use crate::desk_logs::write_dir;
use crate::nats_support::{Nats, have_nats, room_dir};
use crate::pty;

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn incidents_in_a_nats_room_lists_the_stream_and_enter_joins_one_of_its_incidents() {
    if !have_nats("incidents_in_a_nats_room_lists_the_stream_and_enter_joins_one_of_its_incidents")
    {
        return;
    }
    let root = tempfile::tempdir().expect("tempdir");
    let nats = Nats::start(root.path());
    let dir = room_dir(root.path(), "a", &nats.url(), "inc-a", "host-a");
    // Another incident on the stream (pushed from a log), and a past one only in the folder.
    let logs = root.path().join("logs");
    std::fs::create_dir_all(&logs).expect("mkdir");
    write_dir(&logs);
    let mut events = Vec::new();
    warroom::log::read(&logs.join("2026-11-03-checkout.jsonl"), |e| events.push(e))
        .expect("read the checkout log");
    let cfg = warroom::config::NatsConfig::from_url(&nats.url()).expect("url");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(warroom::store::nats::push(&cfg, "inc-b", &events))
        .expect("push inc-b");
    std::fs::create_dir_all(dir.join("incidents")).expect("mkdir");
    std::fs::copy(
        logs.join("2026-11-02-search.jsonl"),
        dir.join("incidents").join("2026-11-02-search.jsonl"),
    )
    .expect("copy");

    let mut s = pty::spawn(&["--user", "ana"], &dir);
    assert!(
        s.wait_for("Checkout failing at the gateway", WAIT),
        "{}",
        s.text()
    );
    s.send(":incidents\r");
    assert!(
        s.wait_for("3 of 3 incidents, 2 open, 2 on the shared stream", WAIT),
        "the folder's search log, the room's own incident (its mirror) and inc-b:\n{}",
        s.text()
    );
    // The popup's rows (the room's header above them may hold the same title), once the
    // whole frame is on the screen.
    let row = |text: &str, t: &str| {
        text.lines()
            .rfind(|l| l.contains(t))
            .unwrap_or_default()
            .to_string()
    };
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let text = s.text();
        if row(&text, "Checkout failing for EU shoppers").contains("real·stream")
            && row(&text, "Checkout failing at the gateway").contains("real·stream")
            && row(&text, "Search slow").contains(" real")
            && !row(&text, "Search slow").contains("stream")
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "rows marked by where they are:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // Enter on inc-b: this room is left and inc-b's is opened on the same store.
    s.send("/shoppers\r");
    assert!(s.wait_for("1 of 3 incidents", WAIT), "{}", s.text());
    s.send("\r");
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let t = s.text();
        if t.contains("Checkout failing for EU shoppers") && !t.contains("of 3 incidents") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "inc-b's room did not open:\n{t}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        dir.join("incidents").join("inc-b.jsonl").is_file(),
        "its local mirror is written"
    );
    s.send("\x03");
    let _ = s.child.wait();
}
