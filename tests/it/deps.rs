//! Every dependency a Cargo.toml declares is used by the code it is declared for: a
//! dependency nothing imports only costs build time and audit surface. (A cheap check on
//! names, in place of cargo-machete, which would have to be built on every CI run.)

use std::path::{Path, PathBuf};

/// The `.rs` files under `dirs` (recursively), as text.
fn sources(dirs: &[PathBuf]) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo: Vec<PathBuf> = dirs.to_vec();
    while let Some(d) = todo.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(std::fs::read_to_string(&p).expect("read source"));
            }
        }
    }
    out
}

/// True if some source names the crate as a path (`name::`, `use name`, `name!`).
fn used(name: &str, texts: &[String]) -> bool {
    let id = name.replace('-', "_");
    let uses = [
        format!("{id}::"),
        format!("use {id}"),
        format!("{id}!"),
        format!("extern crate {id}"),
    ];
    texts.iter().any(|t| uses.iter().any(|u| t.contains(u)))
}

/// Names in `[table]` of the manifest at `dir`.
fn declared(dir: &Path, table: &str) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).expect("read Cargo.toml");
    let manifest: toml::Table = text.parse().expect("Cargo.toml is TOML");
    manifest
        .get(table)
        .and_then(|t| t.as_table())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default()
}

#[test]
fn every_declared_dependency_is_used() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut unused = Vec::new();
    let crates = [
        (
            root.to_path_buf(),
            vec!["src"],
            vec!["tests", "benches", "examples", "fuzz"],
        ),
        (root.join("crates/warroom-core"), vec!["src"], vec!["tests"]),
        (root.join("crates/warroom-testdata"), vec!["src"], vec![]),
    ];
    for (dir, lib, dev) in crates {
        let lib_dirs: Vec<PathBuf> = lib.iter().map(|d| dir.join(d)).collect();
        let lib_texts = sources(&lib_dirs);
        assert!(!lib_texts.is_empty(), "no sources in {}", dir.display());
        for dep in declared(&dir, "dependencies") {
            if !used(&dep, &lib_texts) {
                unused.push(format!("{}: [dependencies] {dep}", dir.display()));
            }
        }
        let mut all_dirs = lib_dirs;
        all_dirs.extend(dev.iter().map(|d| dir.join(d)));
        let all_texts = sources(&all_dirs);
        for dep in declared(&dir, "dev-dependencies") {
            if !used(&dep, &all_texts) {
                unused.push(format!("{}: [dev-dependencies] {dep}", dir.display()));
            }
        }
    }
    assert!(
        unused.is_empty(),
        "declared but never used (remove them from Cargo.toml):\n{}",
        unused.join("\n")
    );
}
