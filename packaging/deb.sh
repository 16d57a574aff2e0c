#!/bin/sh
# Builds the Debian package: target/debian/warroom_VERSION-1_ARCH.deb.
# Needs cargo-deb (`cargo install cargo-deb`).
set -eu
cd "$(dirname "$0")/.."
cargo build --release --locked
packaging/assets.sh target/release/warroom target/assets
cargo deb --no-build "$@"
