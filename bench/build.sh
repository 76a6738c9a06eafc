#!/usr/bin/env bash
# Time of 'suture build' for the cmdline example with a warm cache (kernel fetched, JIT-less JVM start included).
# Usage: bench/build.sh [RUNS]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mktemp -d)"
"$repo/bin/suture" build "$repo/examples/cmdline/cmdline.c" -o "$out/warm.ko" >/dev/null 2>&1   # warm-up
for i in $(seq "${1:-3}"); do
  start=$(date +%s.%N)
  "$repo/bin/suture" build "$repo/examples/cmdline/cmdline.c" -o "$out/cmdline.ko" >/dev/null 2>&1
  end=$(date +%s.%N)
  printf 'run %d: suture build cmdline.c %.1f s\n' "$i" "$(echo "$end - $start" | bc)"
done
rm -rf "$out"
