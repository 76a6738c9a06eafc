#!/usr/bin/env bash
# One fix built for 1, 2 and 4 kernels at once (`suture build --kernel R1 --kernel R2 ... -o DIR`), warm cache:
# prints the wall time of each build. The kernels must be cached first (suture kernel fetch RELEASE).
# Usage: bench/multi-kernel-build.sh [RUNS] [FIX]   (default: 2 runs of examples/cmdline/cmdline.c)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-2}"
fix="${2:-$repo/examples/cmdline/cmdline.c}"
kernels=(6.1.0-57-cloud-amd64 6.1.0-56-cloud-amd64 6.1.0-55-cloud-amd64 6.1.0-53-cloud-amd64)
"$repo/bin/suture" --version >/dev/null
out="$(mktemp -d "${TMPDIR:-/tmp}/multi-kernel-build.XXXXXX")"
trap 'rm -rf "$out"' EXIT
for count in 1 2 4; do
  args=()
  for r in "${kernels[@]:0:$count}"; do args+=(--kernel "$r"); done
  for run in $(seq "$runs"); do
    start=$(date +%s%N)
    # One kernel writes one module file; several write DIR/RELEASE/NAME.ko.
    if [ "$count" = 1 ]; then target="$out/$count-$run.ko"; else target="$out/$count-$run"; fi
    "$repo/bin/suture" build "$fix" "${args[@]}" -o "$target" >"$out/log" 2>&1 || { cat "$out/log" >&2; exit 1; }
    printf '%d kernel%s, run %d: %.1f s\n' "$count" "$([ "$count" = 1 ] || echo s)" "$run" \
      "$(awk -v ns=$(( $(date +%s%N) - start )) 'BEGIN { print ns / 1e9 }')"
  done
done
