#!/usr/bin/env bash
# Times the authoring commands against `okrc check` on the same workspace:
# `status` (compile + render the tree) and `checkin` (compile, edit one file,
# write it, compile again), as medians with peak memory.
#
#   bench/authoring.sh [WORKSPACE] [RUNS]
#
# Without a workspace, generates the 10,000-unit one under /tmp first. The
# check-ins go into a copy of the workspace, never into WORKSPACE itself.
set -euo pipefail
cd "$(dirname "$0")/.."
workspace="${1:-/tmp/okrc-bench-10000}"
runs="${2:-10}"
if [ ! -d "$workspace" ]; then
  units="$(basename "$workspace" | grep -oE '[0-9]+$' || echo 10000)"
  python3 bench/gen_workspace.py "$units" "$workspace"
fi
cargo build --release --quiet
copy="$(mktemp -d)/okrs"
trap 'rm -rf "$(dirname "$copy")"' EXIT
cp -r "$workspace" "$copy"
export SOURCE_DATE_EPOCH=1795780800 # 2026-11-27
echo "workspace: $workspace ($(find "$workspace" -name '*.md' | wc -l) unit files)"
python3 bench/measure.py --runs "$runs" -- target/release/okrc check "$workspace"
python3 bench/measure.py --runs "$runs" -- target/release/okrc status "$workspace"
python3 bench/measure.py --runs "$runs" -- target/release/okrc status "$workspace" --attention
# The top unit's first key result; each run appends one more check-in.
python3 bench/measure.py --runs "$runs" -- target/release/okrc checkin "$copy/company.md" O1.KR1 not-done --confidence on-track
