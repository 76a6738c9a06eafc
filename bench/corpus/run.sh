#!/usr/bin/env bash
# Real-world corpus: every built-in .c file that Debian changed between 6.1.187-1 (6.1.0-53) and 6.1.190-1
# (6.1.0-54), one diff per file, built by 'suture build' for 6.1.0-53-cloud-amd64 and, when built, applied,
# smoke-tested and reverted in one long-lived test VM of that kernel.
#   bench/corpus/run.sh [--limit N]   run N more deltas (default: all not yet in results.tsv); resumable
#   bench/corpus/run.sh --report      only rewrite README.md from results.tsv
# To stop a long run cleanly after the delta in progress: touch bench/corpus/work/STOP
# Deltas run in a fixed pseudo-random order (by the hash of their path), so a partial run is a fair sample.
# Results: bench/corpus/results.tsv (one row per delta), summary in bench/corpus/README.md.
# Work files (deltas, modules, logs): bench/corpus/work/ (regenerated, not part of the repo).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
suture="$repo/bin/suture"
target=6.1.0-53-cloud-amd64          # Debian 6.1.187-1
newer=6.1.0-54-cloud-amd64           # its source is Debian 6.1.190-1
vm=corpus
work="$here/work"
results="$here/results.tsv"
limit=0
report_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --limit) limit="$2"; shift 2 ;;
    --limit=*) limit="${1#--limit=}"; shift ;;
    --report) report_only=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "usage: $0 [--limit N] [--report]" >&2; exit 2 ;;
  esac
done

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
oneline() { tr '\t\r' '  ' | head -n 1 | cut -c1-400; }

write_report() { python3 "$here/report.py" "$results" "$work/deltas.txt" "$work/counts.txt" > "$here/README.md"; }

if [ "$report_only" = 1 ]; then write_report; exit 0; fi
exec 0</dev/null   # nothing below reads the terminal; the delta loop reads its list on fd 4

# --- 1. kernels and sources ---------------------------------------------------------------------------------
kdir() { "$suture" kernel path "$1" 2>/dev/null; }
for release in "$target" "$newer"; do
  if ! kdir "$release" >/dev/null; then
    log "fetching $release"; "$suture" kernel fetch "$release" >&2 || exit 1
  fi
  dir="$(kdir "$release")"
  if [ ! -d "$dir/source/linux-source-6.1" ]; then
    log "preparing the source of $release"; "$suture" kernel source "$release" >&2 || exit 1
  fi
done
old_dir="$(kdir "$target")"
old="$old_dir/source/linux-source-6.1"
new="$(kdir "$newer")/source/linux-source-6.1"
index="$old_dir/source/include-index.json"
mkdir -p "$work/deltas" "$work/ko" "$work/logs"

# --- 2. the deltas ------------------------------------------------------------------------------------------
if [ ! -f "$index" ]; then
  # A throwaway diff-mode build with a header change makes Suture write the kernel's include index.
  log "writing the include index of $target (throwaway build)"
  t="$(mktemp -d)"
  mkdir -p "$t/a/fs/proc" "$t/b/fs/proc"
  cp "$old/fs/proc/internal.h" "$t/a/fs/proc/internal.h"
  sed '0,/^ \* /s//\ * (corpus index) /' "$old/fs/proc/internal.h" > "$t/b/fs/proc/internal.h"
  (cd "$t" && diff -u a/fs/proc/internal.h b/fs/proc/internal.h > index.diff)
  "$suture" build --kernel "$target" "$t/index.diff" -o "$t/index.ko" > "$work/logs/index-build.log" 2>&1 || true
  rm -rf "$t"
  [ -f "$index" ] || { echo "no include index at $index; see $work/logs/index-build.log" >&2; exit 1; }
fi
if [ ! -s "$work/deltas.txt" ]; then
  log "comparing the trees"
  (cd "$old" && diff -rq . "$new" 2>/dev/null) > "$work/diff-rq.txt"
  # "Files ./x.c and /.../x.c differ" -> x.c
  sed -n 's|^Files \./\(.*\) and .* differ$|\1|p' "$work/diff-rq.txt" | sort > "$work/changed-files.txt"
  jq -r '.units[]' "$index" | sort -u > "$work/units.txt"
  grep '\.c$' "$work/changed-files.txt" > "$work/changed-c.txt"
  comm -12 "$work/changed-c.txt" "$work/units.txt" > "$work/deltas.txt"
  grep '\.h$' "$work/changed-files.txt" > "$work/changed-h.txt"
  {
    echo "files_differing $(wc -l < "$work/changed-files.txt")"
    echo "c_differing $(wc -l < "$work/changed-c.txt")"
    echo "c_builtin $(wc -l < "$work/deltas.txt")"
    echo "h_differing $(wc -l < "$work/changed-h.txt")"
    echo "only_in $(grep -c '^Only in' "$work/diff-rq.txt")"
    echo "units $(wc -l < "$work/units.txt")"
  } > "$work/counts.txt"
  while read -r f; do
    name="${f//\//__}"
    (cd "$work" && diff -u --label "a/$f" --label "b/$f" "$old/$f" "$new/$f" > "deltas/$name.diff")
  done < "$work/deltas.txt"
fi
if [ ! -s "$work/header-changes.txt" ]; then
  # Every changed line of every header that differs, as "HEADER<TAB>LINE". The patched file of a delta is the
  # newer tree's file itself, so when it does not compile against the older headers and its compiler error
  # names an identifier that a header change adds or removes, the delta needs that header change.
  while read -r h; do
    diff -u "$old/$h" "$new/$h" 2>/dev/null | sed -n 's/^[-+]\([^-+].*\)$/\1/p' | sed "s|^|$h\t|"
  done < "$work/changed-h.txt" > "$work/header-changes.txt"
fi
log "$(tr '\n' ' ' < "$work/counts.txt")"
log "$(wc -l < "$work/deltas.txt") deltas (built-in .c files; each touches no header)"

# --- 3. build, apply, smoke, revert -------------------------------------------------------------------------
[ -f "$results" ] || printf 'file\toutcome\tseconds\tfunctions\treason\n' > "$results"

vm_alive() { timeout 120 "$suture" vm exec --name "$vm" -t 60 -- true >/dev/null 2>&1; }
vm_restart() {
  log "starting VM $vm"
  "$suture" vm stop --name "$vm" >/dev/null 2>&1 || true
  for attempt in 1 2; do
    if "$suture" vm start --kernel "$target" --name "$vm" > "$work/logs/vm-start.log" 2>&1; then return 0; fi
    "$suture" vm stop --name "$vm" >/dev/null 2>&1 || true
  done
  echo "cannot start VM $vm: $(oneline < "$work/logs/vm-start.log")" >&2; return 1
}
bad_dmesg() { # new kernel problem lines since line $1 of dmesg
  timeout 120 "$suture" vm exec --name "$vm" -t 60 -- "dmesg | tail -n +$(( $1 + 1 )) | grep -E 'BUG|Oops|WARNING|general protection' | head -n 3" 2>/dev/null
}
smoke='ls /proc 2>/dev/null | grep -qx self && ls /proc/1 >/dev/null && cat /proc/meminfo /proc/self/status /proc/self/maps >/dev/null && ps >/dev/null &&
  uname -a >/dev/null && mount >/dev/null && ls -lR /sys/kernel/livepatch >/dev/null &&
  dd if=/dev/zero of=/tmp/corpus.smoke bs=4096 count=256 2>/dev/null && sync && md5sum /tmp/corpus.smoke >/dev/null &&
  rm /tmp/corpus.smoke && for i in 1 2 3 4 5; do sh -c true; done && sleep 1 && date >/dev/null && echo ok'
first_error() { # the first line of a failure's stderr worth reporting
  local line
  line="$(grep -v -F 'suture: building (sources changed)' "$1" | grep -m1 -E '^(suture: |error|Error|ERROR|.*: error:|Exception|java\.)')"
  [ -n "$line" ] || line="$(grep -v -E '^\s*$' "$1" | head -n 1)"
  case "$line" in *:) # "...does not compile:": add the compiler's first error, or else the line after
    local more
    more="$(grep -m1 -E ': (fatal )?error: ' "$1")"
    [ -n "$more" ] || more="[no compiler message in the output; next line: $(grep -A1 -m1 -F -x -e "$line" "$1" | sed -n 2p)]"
    line="$line ${more#"${more%%[![:space:]]*}"}" ;;
  esac
  printf '%s' "$line" | oneline
}
is_java_crash() { grep -qE '^\s+at (java|dev\.suture|jdk|picocli)\.|^Exception in thread|^(java|jdk)\.[A-Za-z.]+(Exception|Error)' "$1"; }

scrub() { # no path of this machine in the results: the kernel cache, the repo and home become placeholders
  local kernels="${old_dir%/*}"
  sed -e "s|$kernels/\([^/]*\)/source/linux-source-6.1|<source of \1>|g" -e "s|$kernels|<kernel cache>|g" \
      -e "s|$repo/||g" -e "s|$HOME|~|g"
}
needed_header() { # the header change a compiler error depends on ("HEADER (IDENTIFIER)"), or nothing
  local ident
  # The last identifier of each quoted name the compiler gives (‘icsk->icsk_af_ops->syn_recv_sock’: the
  # member; ‘const struct inet_peer’: the type), later quotes first (‘…’ has no member named ‘hash’).
  for ident in $(printf '%s' "$1" | grep -o '‘[^’]*’' | tr -d '‘’' | sed -E 's/[^A-Za-z0-9_]+$//; s/.*[^A-Za-z0-9_]//' \
      | grep -E '^[A-Za-z_][A-Za-z0-9_]{3,}$' \
      | grep -vxE 'struct|union|enum|const|unsigned|long|char|void|static|inline|bool|sizeof|typeof|int|u8|u16|u32|u64' | tac); do
    local h
    h="$(grep -m1 -wF -e "$ident" "$work/header-changes.txt" | cut -f1)"
    [ -n "$h" ] && { printf '%s (%s)' "$h" "$ident"; return 0; }
  done
  return 1
}
build_failure() { # "OUTCOME<TAB>REASON" for a build's first error: needs-header when a header change explains it
  local header
  if [[ "$1" == *"does not compile"* ]] && header="$(needed_header "$1")"; then
    printf 'needs-header\tneeds the change of %s: %s' "$header" "$1"
  else
    printf 'failed-build\t%s' "$1"
  fi
}
record() { # file outcome seconds functions reason
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:--}" "$(printf '%s' "${5:--}" | oneline | scrub)" >> "$results"
  log "$1: $2 ($3 s) ${5:-}"
}

# Rows of runs from before the needs-header outcome existed get it now, by the same test.
while IFS=$'\t' read -r rf ro rs rfn rr; do
  if [ "$ro" = needs-header ]; then ro=failed-build; rr="suture: ${rr#*: suture: }"; fi   # judged again
  if [ "$ro" = failed-build ]; then IFS=$'\t' read -r ro rr < <(build_failure "$rr"); fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$rf" "$ro" "$rs" "$rfn" "$rr"
done < "$results" > "$results.tmp" && mv "$results.tmp" "$results"

step_failed() { # rc stderr-file crash-prefix failed-prefix: records a failed apply or revert of $f; false if it did not fail
  if is_java_crash "$2"; then
    record "$f" crash "$(secs)" "$funcs" "$3$(grep -m1 -E 'Exception|Error' "$2")"; return 0
  fi
  [ "$1" -ne 0 ] || return 1
  if [ "$1" -eq 125 ] || ! vm_alive; then
    record "$f" crashed "$(secs)" "$funcs" "$3$(first_error "$2")"
  else
    record "$f" failed-apply "$(secs)" "$funcs" "$4$(first_error "$2")"
  fi
}

vm_ready=0
done_count=0
while read -r f <&4; do
  [ "$limit" -gt 0 ] && [ "$done_count" -ge "$limit" ] && break
  [ -e "$work/STOP" ] && { log "stopping: $work/STOP exists"; rm -f "$work/STOP"; break; }
  # awk, not "cut | grep -q": under pipefail, grep -q leaving early makes cut die of SIGPIPE and a delta
  # already run would count as not run.
  if awk -F'\t' -v f="$f" '$1 == f { found = 1; exit } END { exit !found }' "$results"; then continue; fi
  done_count=$((done_count + 1))
  name="${f//\//__}"
  d="$work/deltas/$name.diff"
  ko="$work/ko/$name.ko"
  lg="$work/logs/$name"
  start=$(date +%s.%N)
  secs() { printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)"; }
  rm -f "$ko"
  log "building $f"
  timeout 1200 "$suture" build --kernel "$target" --json "$d" -o "$ko" > "$lg.build.json" 2> "$lg.build.err"
  rc=$?
  funcs="$(jq -r '[.decisions[]? | select(.kind == "function" and (.change == "changed" or .change == "new")) | .name] | join(",")' "$lg.build.json" 2>/dev/null)"
  if is_java_crash "$lg.build.err" || is_java_crash "$lg.build.json"; then
    record "$f" crash "$(secs)" "$funcs" "$(grep -m1 -E 'Exception|Error' "$lg.build.err" "$lg.build.json" | sed 's/^[^:]*://')"; continue
  fi
  if [ "$rc" -ne 0 ]; then
    refusal="$(jq -r '.refusals[0]? // empty' "$lg.build.json" 2>/dev/null)"
    if [ -n "$refusal" ]; then
      record "$f" "refused:${refusal%%:*}" "$(secs)" "$funcs" "$refusal"
    elif [ "$rc" -eq 124 ]; then
      record "$f" failed-build "$(secs)" "$funcs" "build timed out after 1200 s"
    else
      reason="$(first_error "$lg.build.err")"
      case "$reason" in
        *"changes no function's code"*) record "$f" no-change "$(secs)" "$funcs" "$reason" ;;   # nothing to patch
        *) IFS=$'\t' read -r outcome reason < <(build_failure "$reason")
           record "$f" "$outcome" "$(secs)" "$funcs" "$reason" ;;
      esac
    fi
    continue
  fi
  module="$(jq -r '.manifest.name' "$lg.build.json")"

  lines=""   # the kernel log's length before the apply; no answer means the VM is gone
  [ "$vm_ready" = 1 ] && lines="$(timeout 120 "$suture" vm exec --name "$vm" -t 60 -- 'dmesg | wc -l' 2>/dev/null | tr -dc 0-9)"
  if [ -z "$lines" ]; then
    vm_restart || { record "$f" failed-apply "$(secs)" "$funcs" "test VM did not start"; vm_ready=0; continue; }
    vm_ready=1
    lines="$(timeout 120 "$suture" vm exec --name "$vm" -t 60 -- 'dmesg | wc -l' 2>/dev/null | tr -dc 0-9)"
    lines="${lines:-0}"
  fi
  log "applying $module"
  timeout 300 "$suture" apply --target "vm:$vm" "$ko" > "$lg.apply.out" 2> "$lg.apply.err"
  rc=$?
  # a fresh VM for the next delta after any failure: nothing of this one may linger
  step_failed "$rc" "$lg.apply.err" "apply: " "" && { vm_ready=0; continue; }
  timeout 300 "$suture" vm exec --name "$vm" -t 240 -- "$smoke" > "$lg.smoke.out" 2>&1
  rc=$?
  if [ "$rc" -ne 0 ] || ! grep -qx ok "$lg.smoke.out"; then
    if [ "$rc" -eq 125 ] || ! vm_alive; then
      record "$f" crashed "$(secs)" "$funcs" "smoke test with the patch applied: exit $rc: $(grep -v '^\s*$' "$lg.smoke.out" | tail -n 1)"
    else
      record "$f" failed-smoke "$(secs)" "$funcs" "smoke test with the patch applied: exit $rc: $(grep -v '^\s*$' "$lg.smoke.out" | tail -n 1)"
    fi
    vm_ready=0; continue
  fi
  timeout 300 "$suture" revert --target "vm:$vm" "$module" > "$lg.revert.out" 2> "$lg.revert.err"
  rc=$?
  step_failed "$rc" "$lg.revert.err" "revert: " "revert: " && { vm_ready=0; continue; }
  bad="$(bad_dmesg "$lines")"; rc=$?   # also the health check: exit 0 only if the VM answers, 125 on a problem
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    record "$f" crashed "$(secs)" "$funcs" "after revert: VM check exit $rc: $(printf '%s' "$bad" | tail -n 1)"; vm_ready=0; continue
  fi
  if [ -n "$bad" ]; then
    record "$f" crashed "$(secs)" "$funcs" "kernel log: $(printf '%s' "$bad" | tr '\n' ' ')"; vm_ready=0; continue
  fi
  record "$f" applied "$(secs)" "$funcs" ""
done 4< <(while read -r f; do printf '%s %s\n' "$(printf '%s' "$f" | md5sum | cut -c1-8)" "$f"; done < "$work/deltas.txt" | sort | cut -d' ' -f2)

[ "$vm_ready" = 1 ] && "$suture" vm stop --name "$vm" >/dev/null 2>&1
write_report
log "results: $results; summary: $here/README.md"
