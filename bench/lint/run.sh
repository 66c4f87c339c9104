#!/usr/bin/env bash
# The blameless-language checker's benchmark: builds the release binary, then
# runs bench/lint/bench.py (corpus and directory generation, debrief lint on one
# core, alex and write-good on the same 1 MB sample, the evaluation set).
# Extra arguments go to bench.py, e.g. `bench/lint/run.sh --runs 7`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
(cd "$root" && cargo build --release -p debrief)
command -v npm >/dev/null || { echo "npm is needed for alex and write-good" >&2; exit 2; }
[ -x "$root/bench/lint/node_modules/.bin/alex" ] || (cd "$root/bench/lint" && npm install --no-audit --no-fund)
exec python3 "$root/bench/lint/bench.py" --debrief "$target/release/debrief" "$@"
