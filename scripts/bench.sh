#!/usr/bin/env bash
# Whole-process benchmark: `lockstep due` and `lockstep status` against `remind -q`,
# `task +OVERDUE count` and /bin/true, in one hyperfine run, reported as ratios; then the
# in-process benchmarks (`cargo bench`: TUI frames, large-state load/save/memory).
# Usage: scripts/bench.sh [RUNS]        (installs remind, taskwarrior, hyperfine from Debian if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-500}

need=()
for pair in remind:remind task:taskwarrior hyperfine:hyperfine; do
    command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} from Debian..."
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get install -y "${need[@]}" >/dev/null 2>&1 || { $sudo apt-get update >/dev/null && $sudo apt-get install -y "${need[@]}" >/dev/null; }
fi

cargo build --release --quiet
bin=$PWD/target/release/lockstep
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Fixtures: each tool has one thing due.
"$bin" --data-dir "$work/lockstep" check totp-2fa >/dev/null      # monthly + quarterly due now
printf 'REM %s MSG Monthly security review\n' "$(date +%Y-%m-%d)" >"$work/reminders.rem"
export TASKRC=$work/taskrc TASKDATA=$work/task
mkdir -p "$TASKDATA"
printf 'data.location=%s\nverbose=nothing\nconfirmation=off\n' "$TASKDATA" >"$TASKRC"
task add "Monthly security review" due:yesterday >/dev/null 2>&1 || true
task +OVERDUE count >/dev/null 2>&1 || true   # first run may initialise its database

echo "machine: $(uname -srm); $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "versions: $(remind -v 2>&1 | head -1 || true) | task $(task --version 2>/dev/null) | $(hyperfine --version)"
hyperfine -N --warmup 50 --runs "$runs" --export-json "$work/h.json" \
    -n "lockstep due" "$bin --data-dir $work/lockstep due" \
    -n "lockstep status" "$bin --data-dir $work/lockstep status" \
    -n "remind -q" "remind -q $work/reminders.rem" \
    -n "task +OVERDUE count" "task +OVERDUE count" \
    -n "/bin/true" "/bin/true" >/dev/null

python3 - "$work/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base = r["remind -q"]["mean"]
true = r["/bin/true"]["mean"]
print(f"{'command':<22}{'mean':>10}{'stddev':>10}{'vs remind':>11}{'vs true':>9}")
for name, x in r.items():
    print(f"{name:<22}{x['mean']*1e3:>8.3f}ms{x['stddev']*1e3:>8.3f}ms{x['mean']/base:>10.2f}x{x['mean']/true:>8.2f}x")
ratio = r["lockstep due"]["mean"] / base
print(f"hyperfine (sequential, not interleaved): lockstep due / remind -q = {ratio:.2f}x; the interleaved medians below are the figures that count")
PY

echo
cargo bench --quiet --bench bench 2>/dev/null | grep -v '^$'
