#!/usr/bin/env bash
# Boot-to-ready time of a test VM: QEMU start until the agent in the booted kernel answers.
# Usage: bench/vm-boot.sh [RUNS] [RELEASE]   (the kernel must be fetched; the accelerator is probed as usual)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
kernel_args=()
[ -n "${2:-}" ] && kernel_args=(--kernel "$2")
"$repo/bin/suture" vm run "${kernel_args[@]}" -- true >/dev/null 2>&1   # warm-up: build, page cache
for i in $(seq "$runs"); do
  start=$(date +%s.%N)
  ready=$("$repo/bin/suture" vm run "${kernel_args[@]}" -- true 2>&1 | sed -n 's/.*ready in \([0-9.]*\) s.*/\1/p')
  end=$(date +%s.%N)
  printf 'run %d: ready in %s s, whole "vm run -- true" %.1f s\n' "$i" "$ready" "$(echo "$end - $start" | bc)"
done
