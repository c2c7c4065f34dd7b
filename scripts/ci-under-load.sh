#!/usr/bin/env bash
# Runs CI (.ci/run) from a fresh clone of this repository's HEAD N times in a row (default 3) while stress-ng keeps
# every core busy, and prints each run's summary line: the suite must be green on a loaded machine, not only alone.
#   scripts/ci-under-load.sh [N]
# Needs ../shared beside the repository (the clone is made beside it too) and stress-ng (installed from apt if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
repo=$(pwd)
clone="$(dirname "$repo")/ci-under-load"

if ! command -v stress-ng >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq stress-ng >/dev/null
fi

rm -rf "$clone"
git clone -q "$repo" "$clone"
stress-ng --cpu "$(nproc)" --timeout 0 >/dev/null 2>&1 &
stress=$!
trap 'kill "$stress" 2>/dev/null || true; wait "$stress" 2>/dev/null || true' EXIT

failed=0
for i in $(seq 1 "$runs"); do
  log="$clone/../ci-under-load-$i.log"
  start=$(date +%s)
  status=0
  (cd "$clone" && CI=true bash .ci/run) >"$log" 2>&1 || status=$?
  summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -1)
  echo "run $i/$runs (exit $status, $(( $(date +%s) - start )) s, $(nproc) stress-ng workers): ${summary:-no summary line, see $log}"
  [ "$status" -eq 0 ] || failed=1
done
exit $failed
