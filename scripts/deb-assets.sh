#!/usr/bin/env bash
# Generates what the .deb ships besides the binary into target/assets, from the release binary
# itself (one CLI definition: the man page and the completion scripts come from clap):
#   the man page (gzipped), the bash, zsh and fish completion scripts, the Debian changelog and
#   the upstream changelog. Then `cargo deb --no-build` packages them (Cargo.toml,
#   [package.metadata.deb]). Usage: cargo build --release && scripts/deb-assets.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/lockstep
out=target/assets
[ -x "$bin" ] || { echo "deb-assets: $bin is missing: run cargo build --release first" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
"$bin" man | gzip -9n >"$out/lockstep.1.gz"
"$bin" completions bash >"$out/lockstep.bash"
"$bin" completions zsh >"$out/_lockstep"
"$bin" completions fish >"$out/lockstep.fish"
gzip -9n <CHANGELOG.md >"$out/changelog.gz"

# The Debian changelog: one entry for this version, pointing at the upstream changelog. Its date
# is the last commit's (the same package bytes for the same commit).
version=$("$bin" --version | awk '{print $2}')
maintainer=$(sed -n 's/^maintainer = "\(.*\)"$/\1/p' Cargo.toml | head -1)
date=$(git log -1 --format=%aD 2>/dev/null || date -R)
cat >"$out/changelog" <<END
lockstep ($version-1) unstable; urgency=medium

  * Release $version: see /usr/share/doc/lockstep/changelog.gz for what changed.

 -- $maintainer  $date
END
echo "deb-assets: wrote $(ls "$out" | tr '\n' ' ')"
