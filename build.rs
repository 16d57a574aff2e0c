//! Build script: records the git commit the binary is built from (for `warroom --version`).
//! (The update templates are embedded by `ui::template::builtin_source`, one per state.)
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    commit();
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

/// `WARROOM_GIT_COMMIT`: `git rev-parse --short HEAD` in a checkout, else "unknown" (a
/// crates.io tarball, or no git installed). Rebuilt when HEAD moves: HEAD itself (a checkout
/// of another branch) and the branch it names (a commit on it).
fn commit() {
    // Only our own checkout counts: a crate unpacked inside some other repository (a
    // vendored copy) must not take that repository's commit.
    let own = git(&["rev-parse", "--show-toplevel"]).is_some_and(|top| {
        let here = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
        let canon = |p: PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
        here.is_some_and(|h| canon(h) == canon(PathBuf::from(top)))
    });
    if !own {
        println!("cargo:rustc-env=WARROOM_GIT_COMMIT=unknown");
        println!("cargo:rustc-env=WARROOM_GIT_DATE=");
        return;
    }
    let commit = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=WARROOM_GIT_COMMIT={commit}");
    // The man page's date: the commit's (reproducible), else none.
    let date = git(&["log", "-1", "--format=%cs"]).unwrap_or_default();
    println!("cargo:rustc-env=WARROOM_GIT_DATE={date}");
    watch(".git/HEAD");
    // In a worktree `.git` is a file naming the real git dir: ask git where HEAD is.
    if let Some(head) = git(&["rev-parse", "--git-path", "HEAD"]) {
        watch(&head);
    }
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        for r in [branch.as_str(), "packed-refs"] {
            if let Some(path) = git(&["rev-parse", "--git-path", r]) {
                watch(&path);
            }
        }
    }
}

/// A path that does not exist would rerun this script (and rebuild the crate) every time.
fn watch(path: impl AsRef<Path>) {
    let path = path.as_ref();
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
