#!/usr/bin/env bash
# `suture demo` N times in a row, to catch a demo that fails only sometimes: prints each run's time, stops at the
# first failure (showing the end of its output and keeping all of it), and ends with a summary line.
# Usage: bench/demo-repeat.sh RUNS [demo options, e.g. --kernel RELEASE]
# Exit status: 0 if every run passed, else the failed run's own status.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-}"
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: bench/demo-repeat.sh RUNS [demo options]" >&2
  exit 2
fi
shift
logs="$(mktemp -d "${TMPDIR:-/tmp}/demo-repeat.XXXXXX")"
# Build the jar now if sources changed, so that no run's time includes a build.
"$repo/bin/suture" --version >/dev/null || exit $?

times=()
for i in $(seq "$runs"); do
  log="$logs/run-$i.log"
  start=$(date +%s%N)
  "$repo/bin/suture" demo "$@" >"$log" 2>&1
  status=$?
  seconds=$(awk -v ns=$(( $(date +%s%N) - start )) 'BEGIN { printf "%.1f", ns / 1e9 }')
  if [ "$status" -ne 0 ]; then
    printf 'run %d: FAILED (exit %d) after %s s; the end of its output (all of it in %s):\n' "$i" "$status" "$seconds" "$log"
    tail -n 15 "$log" | sed 's/^/  | /'
    printf 'demo-repeat: FAILED at run %d of %d; %d passed before it\n' "$i" "$runs" "$((i - 1))"
    exit "$status"
  fi
  printf 'run %d: passed in %s s\n' "$i" "$seconds"
  times+=("$seconds")
done
rm -rf "$logs"
printf '%s\n' "${times[@]}" | awk -v runs="$runs" '
  { sum += $1; if (NR == 1 || $1 < min) min = $1; if ($1 > max) max = $1 }
  END { printf "demo-repeat: all %d runs passed; time min %.1f s, mean %.1f s, max %.1f s\n", runs, min, sum / NR, max }'
