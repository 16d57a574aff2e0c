//! README's key table is the key table that drives the keys and `?` help
//! (`ui::keys::BINDINGS`): a key added, changed or documented differently fails here.

/// The table under README's "## Keys": from its `| key | does |` line to the first blank line.
fn readme_table() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .unwrap_or_else(|e| panic!("README.md: {e}"));
    let keys = readme
        .find("## Keys")
        .unwrap_or_else(|| panic!("README.md has no \"## Keys\" section"));
    let rest = &readme[keys..];
    let start = rest
        .find("| key | does |")
        .unwrap_or_else(|| panic!("README's Keys section has no key table"));
    let table = &rest[start..];
    let end = table.find("\n\n").map_or(table.len(), |i| i + 1);
    table[..end].to_string()
}

#[test]
fn readmes_key_table_is_the_key_table_of_the_room() {
    let expected = warroom::ui::keys::markdown_table();
    assert_eq!(
        readme_table(),
        expected,
        "README's key table differs from src/ui/keys.rs; replace it with:\n{expected}"
    );
}

#[test]
fn every_key_of_the_table_is_in_the_readme_and_in_help() {
    let table = readme_table();
    for b in warroom::ui::keys::BINDINGS {
        assert!(
            table.contains(b.help),
            "README misses the key {:?} ({})",
            b.label,
            b.help
        );
    }
}
