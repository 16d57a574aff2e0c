#!/bin/sh
# Makes the package's generated files from a built warroom: the man page (gzipped, as
# Debian policy wants) and the bash, zsh and fish completions. `cargo deb` takes them from
# target/assets/ (see [package.metadata.deb] in Cargo.toml).
#
# usage: packaging/assets.sh [BINARY] [OUTDIR]   (default: target/release/warroom target/assets)
set -eu
bin=${1:-target/release/warroom}
out=${2:-target/assets}
mkdir -p "$out"
"$bin" man | gzip -9n > "$out/warroom.1.gz"
"$bin" completions bash > "$out/warroom.bash"
"$bin" completions zsh > "$out/_warroom"
"$bin" completions fish > "$out/warroom.fish"
