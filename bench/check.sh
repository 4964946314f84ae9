#!/usr/bin/env bash
# Times `okrc check` on a workspace: median wall time and peak memory.
#
#   bench/check.sh [WORKSPACE] [RUNS]
#
# Without a workspace, generates the 10,000-unit one under /tmp first.
set -euo pipefail
cd "$(dirname "$0")/.."
workspace="${1:-/tmp/okrc-bench-10000}"
runs="${2:-10}"
if [ ! -d "$workspace" ]; then
  units="$(basename "$workspace" | grep -oE '[0-9]+$' || echo 10000)"
  python3 bench/gen_workspace.py "$units" "$workspace"
fi
cargo build --release --quiet
files=$(find "$workspace" -name '*.md' | wc -l)
bytes=$(find "$workspace" -name '*.md' -print0 | xargs -0 cat | wc -c)
echo "workspace: $workspace ($files unit files, $((bytes / 1024 / 1024)) MB)"
python3 bench/measure.py --runs "$runs" -- target/release/okrc check "$workspace" --today 2026-11-27
python3 bench/measure.py --runs "$runs" -- target/release/okrc check "$workspace" --today 2026-11-27 --format json
