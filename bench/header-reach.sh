#!/usr/bin/env bash
# Diff mode with a header change that reaches over a thousand units: seq_commit() in include/linux/seq_file.h
# (1,171 built-in units of 6.1.0-53 include it; two call it) stops BUG()ing on an overrun.
#   bench/header-reach.sh cold [RELEASE]   the first header fix on a kernel: the pristine units' preprocessed
#                                          summaries are made too (they are removed first)
#   bench/header-reach.sh warm [RELEASE]   a later one: only the patched side is preprocessed
# RELEASE defaults to 6.1.0-53-cloud-amd64; kernel and source are fetched if needed. Prints the wall time of
# 'suture build' and its own lines on preprocessing and compiling. The pristine objects of the two changed
# units are removed first, so both sides compile as on a first build of the fix.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-warm}"
release="${2:-6.1.0-53-cloud-amd64}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$repo/bin/suture" kernel source "$release" >/dev/null 2>&1 || { echo "cannot prepare the source of $release" >&2; exit 1; }
source="$("$repo/bin/suture" kernel path "$release")/source"
rm -f "$source/pristine-objects-2/fs/seq_file.o"* "$source/pristine-objects-2/fs/sysfs/file.o"*
case "$mode" in
  cold) rm -rf "$source/pristine-preprocessed" ;;
  warm) ;;
  *) echo "usage: $0 cold|warm [RELEASE]" >&2; exit 2 ;;
esac
start=$(date +%s.%N)
rc=0
"$repo/bin/suture" build --kernel "$release" "$repo/bench/header-reach/seq-commit.diff" -o "$out/seq.ko" > "$out/log" 2>&1 || rc=$?
end=$(date +%s.%N)
grep -E '^(preprocess|  preprocessed|compiling|compiled|compared|built|suture:)' "$out/log" | cut -c1-200
printf '%s: suture build seq-commit.diff for %s: exit %d, %.0f s on %d cores\n' "$mode" "$release" "$rc" "$(echo "$end - $start" | bc)" "$(nproc)"
exit "$rc"
