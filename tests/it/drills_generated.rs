//! The bundled drills are what their Rust scripts write: each `drills/*.jsonl` is
//! regenerated in memory (`warroom_testdata::drills`) and compared byte for byte with the
//! committed file, so a change to the scripts or to the event types shows here.

use std::path::Path;

use warroom_core::drill;
use warroom_testdata::drills;

#[test]
fn committed_drills_are_what_the_generator_writes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("drills");
    let bundled = drills::all();
    assert_eq!(bundled.len(), 3, "checkout, storefront, overnight");
    for b in bundled {
        let path = dir.join(b.file);
        let generated = b.drill.to_jsonl().expect("a drill serialises");
        let committed =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if committed != generated {
            let (line, (c, g)) = committed
                .lines()
                .zip(generated.lines())
                .enumerate()
                .find(|(_, (c, g))| c != g)
                .map(|(i, p)| (i + 1, p))
                .unwrap_or((
                    committed.lines().count().min(generated.lines().count()) + 1,
                    ("", ""),
                ));
            panic!(
                "{} differs from what its generator writes (first at line {line}):\n  committed: {c}\n  generated: {g}\nrun `cargo run --example gen_drills` and commit the result",
                path.display()
            );
        }
        // What is written parses back to the same drill: the format round-trips.
        let parsed = drill::parse(&generated).expect("the generated drill parses");
        assert_eq!(parsed, b.drill, "{} round-trips", b.file);
    }
}
