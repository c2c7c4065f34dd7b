#!/usr/bin/env bash
# Runs every test of ClipSurgeryWeb: ./test.sh [extra dotnet test arguments]
# Needs the .NET 10 SDK and ../shared beside the repository. Installs what a fresh Debian 12 lacks for the
# browser tests (Debian's chromium) and the scale tests (Debian's postgresql, whose initdb/pg_ctl start a throwaway
# cluster; no system service) when run as root or with sudo; Playwright never downloads a browser.
set -euo pipefail
cd "$(dirname "$0")"

if [ ! -d ../shared/reference/fixtures ]; then
  echo "error: ../shared/reference/fixtures not found beside the repository (the reference fixtures the tests compare with)" >&2
  exit 2
fi

if ! command -v chromium >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian's chromium for the browser tests" >&2
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing Debian's postgresql for the scale tests (they start their own throwaway cluster)" >&2
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# --blame: if a test host crashes (a native fault ends the process), vstest names the tests that were running then.
dotnet test ClipSurgeryWeb.sln --blame "$@" 2>&1 | tee "$log" || status=$?

# One summary line over every test project: "N passed, N failed, N skipped".
awk '/(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
# A crashed test host still prints a "Passed!" line for what it ran: say so, or the count above hides the tests it never ran.
if grep -q "Test host process crashed" "$log"; then
  echo "error: a test host crashed, so some tests never ran; the tests running at the crash are named above (--blame)" >&2
  [ "$status" -ne 0 ] || status=1
fi
exit $status
