#!/usr/bin/env bash
# Checks the .deb that `cargo deb` built (target/debian/lockstep_*.deb):
#   1. `dpkg-deb --contents` lists every path the package promises;
#   2. lintian reports no error, and no warning that packaging/lintian-accepted does not list;
#   3. the binary extracted from it (`dpkg-deb -x` into a temp dir) runs --version, a check,
#      `due` and `status` against a temp data directory, and its man page and completions work;
#   4. `reminders install` run as /usr/bin/lockstep (the package's own path, mounted in a private
#      mount namespace: the machine's /usr/bin is not changed) writes a job that names
#      /usr/bin/lockstep and no build directory.
# Needs dpkg-deb, lintian, unshare and mount (root, or a user namespace). Exits non-zero on any
# failure, saying which.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
deb=$(ls -t target/debian/lockstep_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "check-deb: no target/debian/lockstep_*.deb: run cargo deb first" >&2; exit 1; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "check-deb: FAILED: $*" >&2; exit 1; }

# 1. What the package puts where.
dpkg-deb --contents "$deb" | awk '{print $6}' >"$t/contents"
for p in \
    ./usr/bin/lockstep \
    ./usr/share/man/man1/lockstep.1.gz \
    ./usr/share/bash-completion/completions/lockstep \
    ./usr/share/zsh/vendor-completions/_lockstep \
    ./usr/share/fish/vendor_completions.d/lockstep.fish \
    ./usr/share/doc/lockstep/copyright \
    ./usr/share/doc/lockstep/README \
    ./usr/share/doc/lockstep/changelog.gz \
    ./usr/share/doc/lockstep/changelog.Debian.gz; do
    grep -qxF "$p" "$t/contents" || fail "the package has no $p"
done
echo "check-deb: contents ok ($(wc -l <"$t/contents") paths)"

# 2. lintian: no errors; every warning is one packaging/lintian-accepted explains.
lintian --tag-display-limit 0 "$deb" >"$t/lintian" 2>&1 || true
cat "$t/lintian"
if grep -q '^E: ' "$t/lintian"; then fail "lintian reports errors"; fi
accepted=$(awk '!/^#/ && NF {print $1}' packaging/lintian-accepted)
while read -r tag; do
    grep -qxF "$tag" <<<"$accepted" || fail "lintian warning $tag is not in packaging/lintian-accepted"
done < <(awk '/^W: / {print $3}' "$t/lintian" | sort -u)
echo "check-deb: lintian ok"

# 3. The packaged binary, extracted.
dpkg-deb -x "$deb" "$t/root"
bin=$t/root/usr/bin/lockstep
mkdir -p "$t/home" "$t/fakebin"
run() { env -i HOME="$t/home" PATH="$t/fakebin:/usr/bin:/bin" TZ=UTC "$@"; }
want=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
[ "$(run "$bin" --version)" = "lockstep $want" ] || fail "--version is not 'lockstep $want'"
data=$t/data
run "$bin" --data-dir "$data" check totp-2fa | grep -q '^done: ' || fail "check"
run "$bin" --data-dir "$data" due || fail "due"
run "$bin" --data-dir "$data" status | grep -q 'totp-2fa\|2FA' || fail "status shows no progress"
zcat "$t/root/usr/share/man/man1/lockstep.1.gz" | grep -q '^\.TH lockstep 1' || fail "man page"
# The packaged bash script, sourced as bash-completion would, completes a step id with this binary.
PATH="$t/root/usr/bin:$PATH" HOME="$t/home" bash -c '
    source "$1"
    COMP_WORDS=(lockstep --data-dir "$2" check totp)
    COMP_CWORD=4
    _clap_complete_lockstep lockstep totp check
    printf "%s\n" "${COMPREPLY[@]}"' _ \
    "$t/root/usr/share/bash-completion/completions/lockstep" "$data" >"$t/bash-candidates"
grep -qx 'totp-2fa' "$t/bash-candidates" && fail "bash completion offers totp-2fa, already done"
PATH="$t/root/usr/bin:$PATH" HOME="$t/home" bash -c '
    source "$1"
    COMP_WORDS=(lockstep --data-dir "$2" uncheck totp)
    COMP_CWORD=4
    _clap_complete_lockstep lockstep totp uncheck
    printf "%s\n" "${COMPREPLY[@]}"' _ \
    "$t/root/usr/share/bash-completion/completions/lockstep" "$data" >"$t/bash-candidates"
grep -qx 'totp-2fa' "$t/bash-candidates" || fail "bash completion of uncheck does not offer totp-2fa"
echo "check-deb: extracted binary ok (--version, check, due, status, man, bash completion)"

# 4. reminders install from /usr/bin/lockstep: a fake crontab keeps the user's crontab in a file.
cat >"$t/fakebin/crontab" <<EOF
#!/bin/sh
case "\$1" in
-l) if [ -f "$t/crontab" ]; then cat "$t/crontab"; else echo "no crontab for tester" >&2; exit 1; fi ;;
-) cat >"$t/crontab" ;;
*) exit 2 ;;
esac
EOF
chmod +x "$t/fakebin/crontab"
# A cron daemon "runs" (lockstep asks pgrep; a build machine or container often runs none, and the
# job is then truthfully not called installed).
printf '#!/bin/sh\necho 1\n' >"$t/fakebin/pgrep"
chmod +x "$t/fakebin/pgrep"
install_job() {
    # The package's usr/bin over the machine's, visible to this process tree only.
    unshare --mount --propagation private sh -c '
        mount -t overlay overlay -o "lowerdir=$1:/usr/bin" /usr/bin &&
        shift && exec env -i HOME="$HOME_DIR" PATH="$FAKEBIN:/usr/bin:/bin" TZ=UTC "$@"' _ \
        "$t/root/usr/bin" /usr/bin/lockstep --data-dir "$data" reminders install --backend cron --yes
}
HOME_DIR=$t/home FAKEBIN=$t/fakebin install_job >"$t/install.out" 2>&1 ||
    { cat "$t/install.out"; fail "reminders install from /usr/bin/lockstep"; }
[ -f "$t/crontab" ] || fail "reminders install wrote no crontab line"
cat "$t/crontab"
grep -q '/usr/bin/lockstep' "$t/crontab" || fail "the job does not name /usr/bin/lockstep"
if grep -qF "$repo" "$t/crontab" || grep -q 'target/' "$t/crontab" || grep -qF "$t/root" "$t/crontab"; then
    fail "the job names a build or extraction directory"
fi
if grep -q 'cargo build directory' "$t/install.out"; then fail "install warned about a build directory"; fi
echo "check-deb: reminders install from /usr/bin/lockstep ok"
echo "check-deb: all checks passed for $deb"
