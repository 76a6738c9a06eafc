#!/usr/bin/env bash
# Diff mode build time of a one-file fix (catalogue case 01, kernel/exec_domain.c), next to a full kernel build.
#   bench/diff-build.sh warm [RUNS]   kernel, source and pristine objects cached: what a fix costs day to day
#   bench/diff-build.sh cold          nothing cached (an empty SUTURE cache): fetch, source, prepare, then build
#   bench/diff-build.sh full          'make vmlinux' of the same source and config from scratch, the way tools
#                                     that build the whole kernel twice start (run once; takes long on 2 cores)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fix="$repo/bench/catalogue/cases/01-string-change/fix.diff"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cp "$fix" "$out/exec_domain.diff"

seconds() { echo "$2 - $1" | bc; }

case "${1:-warm}" in
  warm)
    "$repo/bin/suture" build "$out/exec_domain.diff" -o "$out/p.ko" >/dev/null 2>&1   # warm-up: caches filled
    for i in $(seq "${2:-3}"); do
      start=$(date +%s.%N)
      "$repo/bin/suture" build "$out/exec_domain.diff" -o "$out/p.ko" >/dev/null 2>&1
      printf 'warm run %d: suture build exec_domain.diff %.1f s\n' "$i" "$(seconds "$start" "$(date +%s.%N)")"
    done ;;
  cold)
    export XDG_CACHE_HOME="$out/cache"
    start=$(date +%s.%N)
    "$repo/bin/suture" build "$out/exec_domain.diff" -o "$out/p.ko" >/dev/null 2>&1
    printf 'cold: suture build exec_domain.diff (fetch, source, prepare, build) %.1f s\n' "$(seconds "$start" "$(date +%s.%N)")" ;;
  full)
    src="$("$repo/bin/suture" kernel path 2>/dev/null)/source"
    release="$(basename "$(dirname "$src")")"
    cp -a "$src/build" "$out/full"
    log="${SUTURE_FULL_LOG:-$repo/target/full-build.log}"; mkdir -p "$(dirname "$log")"
    # CPU seconds as well as wall time: the CPU time does not depend on what else the machine runs, and CPU
    # seconds divided by the cores is the least wall time the build can take on this machine.
    # Debian signs with a key kept outside its source package (CONFIG_MODULE_SIG_KEY="output/signing_key.pem"):
    # the default value makes kbuild generate a throwaway key instead, as any rebuild of this config must.
    TIMEFORMAT='%R %U %S'
    if ! { time make -s -C "$src/linux-source-6.1" O="$out/full" KERNELRELEASE="$release" CC=gcc-12 -j"$(nproc)" \
        CONFIG_MODULE_SIG_KEY=certs/signing_key.pem vmlinux >"$log" 2>&1; } 2> "$out/time"; then
      echo "full: make failed, see $log" >&2; exit 1
    fi
    read -r wall user sys < "$out/time"
    printf 'full: make vmlinux -j%d of %s: %.1f s wall, %.1f s CPU (user %.1f, sys %.1f); at least %.1f s on %d idle cores\n' \
      "$(nproc)" "$release" "$wall" "$(seconds 0 "$user + $sys")" "$user" "$sys" "$(echo "($user + $sys) / $(nproc)" | bc -l)" "$(nproc)" ;;
  *)
    echo "usage: $0 warm [RUNS] | cold | full" >&2; exit 2 ;;
esac
