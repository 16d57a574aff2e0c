//! Writes the bundled drills, `drills/*.jsonl`, from their scripts in
//! `crates/warroom-testdata/src/drills/` (one module per scenario, on the real event
//! types): `cargo run --example gen_drills`. The test `drills_generated` fails until the
//! committed files are what this writes.
use std::path::Path;
use std::process::ExitCode;

use warroom_testdata::drills;

fn main() -> ExitCode {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("drills");
    let mut status = ExitCode::SUCCESS;
    for b in drills::all() {
        let path = dir.join(b.file);
        let written = b
            .drill
            .to_jsonl()
            .map_err(|e| e.to_string())
            .and_then(|text| std::fs::write(&path, text).map_err(|e| e.to_string()));
        match written {
            Ok(()) => println!("{}: {} events", path.display(), b.drill.events.len()),
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                status = ExitCode::FAILURE;
            }
        }
    }
    status
}
