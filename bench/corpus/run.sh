#!/usr/bin/env bash
# Real-world corpus: every built-in .c file that Debian changed between two bookworm kernels (a pair OLD NEW),
# one diff per file (OLD's source tree against NEW's), built by 'suture build' for OLD (the target) and, when
# built, applied, smoke-tested and reverted in one long-lived test VM of OLD.
# Whole-fix mode: the other files of the delta's upstream commit are added to it (work/PAIR/fixes/NAME.diff) and
# the fix is built again: the diff of a changed header when the compiler error names an identifier the header's
# change adds or removes, and the diff of a changed built-in .c file when the new code refers to a symbol that the
# target kernel does not have and that this file defines in the newer tree only, and the diff of a changed
# built-in .c file whose function still calls one that the fix deletes (a rename) or whose own code the fix's
# header change breaks (the compile error is in it); a header only when the fix's .c files include it (reaches.py,
# by the target's include index); as long as each new failure
# names a file not yet added (at most --max-added files, default 8; the results' column 'added' lists them).
#   bench/corpus/run.sh [--pair OLD NEW] [--limit N]    run N more deltas of the pair (default: all not yet run);
#                                                       resumable; rows of the legacy outcome needs-header run again
#   bench/corpus/run.sh [--pair OLD NEW] --only FILE    run just the delta of FILE (a path in the tree, e.g.
#                                                       net/ipv4/icmp.c), replacing its row; repeatable
#   bench/corpus/run.sh [--pair OLD NEW] --rerun REGEX  also run again the rows whose outcome or reason matches
#                                                       the extended regular expression (e.g. 'more than 200')
#   bench/corpus/run.sh ... --max-added N               at most N files added to a delta (0: the delta alone);
#                                                       --max-headers N is the same (its former name)
#   bench/corpus/run.sh ... --build-timeout S           a build that takes longer fails (default 2400)
#   bench/corpus/run.sh --report                        only rewrite every pair's README.md from its results and
#                                                       the table of pairs in bench/corpus/README.md
# OLD and NEW are kernel releases; default pair: 6.1.0-53-cloud-amd64 6.1.0-54-cloud-amd64 (6.1.187 -> 6.1.190).
# Both are fetched and their sources prepared when not cached ('suture kernel fetch' and 'suture kernel source').
# Results: bench/corpus/OLDVER-to-NEWVER/ (the upstream versions of the two kernels, e.g. 6.1.187-to-6.1.190):
# results.tsv (one row per delta), pair.txt (releases, versions, tree counts), README.md (the pair's report).
# Work files (deltas, fixes, modules, logs): bench/corpus/work/OLDVER-to-NEWVER/ (regenerated, not in the repo).
# The test VM is corpus-ABI, ABI being OLD's ABI number (corpus-53 for 6.1.0-53-cloud-amd64), so runs of two
# pairs with different targets can go on at the same time; a second run of the same pair at once is refused.
# To stop a long run cleanly after the delta in progress: touch bench/corpus/work/OLDVER-to-NEWVER/STOP
# Deltas run in a fixed pseudo-random order (by the hash of their path), so a partial run is a fair sample.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
suture="$repo/bin/suture"
old_rel=6.1.0-53-cloud-amd64   # the target; Debian 6.1.187-1
new_rel=6.1.0-54-cloud-amd64   # Debian 6.1.190-1
limit=0
report_only=0
only=()
rerun=""
max_added=8
build_timeout=2400   # seconds for one build; a header that thousands of units include is preprocessed for minutes
usage() {
  echo "usage: $0 [--pair OLD NEW] [--limit N] [--only FILE]... [--rerun REGEX] [--max-added N] [--build-timeout S]" >&2
  echo "       $0 --report" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --pair) [ $# -ge 3 ] || usage; old_rel="$2"; new_rel="$3"; shift 3 ;;
    --limit) [ $# -ge 2 ] || usage; limit="$2"; shift 2 ;;
    --limit=*) limit="${1#--limit=}"; shift ;;
    --only) [ $# -ge 2 ] || usage; only+=("$2"); shift 2 ;;
    --only=*) only+=("${1#--only=}"); shift ;;
    --rerun) [ $# -ge 2 ] || usage; rerun="$2"; shift 2 ;;
    --rerun=*) rerun="${1#--rerun=}"; shift ;;
    --max-added|--max-headers) [ $# -ge 2 ] || usage; max_added="$2"; shift 2 ;;
    --max-added=*|--max-headers=*) max_added="${1#--max-*=}"; shift ;;
    --build-timeout) [ $# -ge 2 ] || usage; build_timeout="$2"; shift 2 ;;
    --build-timeout=*) build_timeout="${1#--build-timeout=}"; shift ;;
    --report) report_only=1; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) usage ;;
  esac
done
[[ "$limit" =~ ^[0-9]+$ && "$max_added" =~ ^[0-9]+$ && "$build_timeout" =~ ^[1-9][0-9]*$ ]] || usage

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
oneline() { tr '\t\r' '  ' | head -n 1 | cut -c1-400; }

write_reports() { # every pair's README.md, then the table of pairs in the corpus README
  local d
  for d in "$here"/*-to-*/; do
    [ -f "$d/results.tsv" ] && [ -f "$d/pair.txt" ] || continue
    python3 "$here/report.py" "$d" > "$d/README.md.tmp" && mv "$d/README.md.tmp" "$d/README.md"
  done
  python3 "$here/report.py" --index "$here" "$here/README.md"
}

if [ "$report_only" = 1 ]; then write_reports; exit $?; fi
exec 0</dev/null   # nothing below reads the terminal; the delta loop reads its list on fd 4

# --- 1. kernels and sources ---------------------------------------------------------------------------------
kdir() { "$suture" kernel path "$1" 2>/dev/null; }
src_of() { compgen -G "$1/source/linux-source-*" | head -n 1; }   # the unpacked source tree of a kernel dir
for release in "$old_rel" "$new_rel"; do
  if ! kdir "$release" >/dev/null; then
    log "fetching $release"; "$suture" kernel fetch "$release" >&2 || exit 1
  fi
  dir="$(kdir "$release")"
  if [ -z "$(src_of "$dir")" ]; then
    log "preparing the source of $release"; "$suture" kernel source "$release" >&2 || exit 1
  fi
done
old_dir="$(kdir "$old_rel")"
new_dir="$(kdir "$new_rel")"
old="$(src_of "$old_dir")"
new="$(src_of "$new_dir")"
index="$old_dir/source/include-index.json"
old_deb="$(jq -r '.version // empty' "$old_dir/kernel.json")"   # Debian versions: 6.1.187-1
new_deb="$(jq -r '.version // empty' "$new_dir/kernel.json")"
[ -n "$old_deb" ] && [ -n "$new_deb" ] || { echo "no version in $old_dir/kernel.json or $new_dir/kernel.json" >&2; exit 1; }
pair="${old_deb%-*}-to-${new_deb%-*}"   # upstream versions: 6.1.187-to-6.1.190
abi="$(printf '%s' "$old_rel" | sed -nE 's/^[0-9]+\.[0-9]+\.[0-9]+-([0-9]+)-.*$/\1/p')"
vm="corpus-${abi:-$old_rel}"
pairdir="$here/$pair"
work="$here/work/$pair"
results="$pairdir/results.tsv"
mkdir -p "$pairdir" "$work/deltas" "$work/fixes" "$work/ko" "$work/logs"
# one run per pair at a time (a pid file, not flock: the VM the run starts would inherit and keep the lock)
if [ -s "$work/run.pid" ] && kill -0 "$(cat "$work/run.pid")" 2>/dev/null &&
    tr '\0' ' ' < "/proc/$(cat "$work/run.pid")/cmdline" 2>/dev/null | grep -q 'corpus/run\.sh'; then
  echo "another run of the pair $pair is going on (process $(cat "$work/run.pid"), see $work/run.pid)" >&2; exit 1
fi
echo $$ > "$work/run.pid"
vm_started=0   # whether this run started the VM: it stops it when it ends, however it ends
cleanup() {
  [ "$vm_started" = 1 ] && timeout 300 "$suture" vm stop --name "$vm" >/dev/null 2>&1
  rm -f "$work/run.pid"
}
trap cleanup EXIT
log "pair $pair: target $old_rel ($old_deb), deltas against the source of $new_rel ($new_deb); VM $vm"

# --- 2. the deltas ------------------------------------------------------------------------------------------
if [ ! -f "$index" ]; then
  # A throwaway diff-mode build with a header change makes Suture write the kernel's include index.
  log "writing the include index of $old_rel (throwaway build)"
  t="$(mktemp -d)"
  mkdir -p "$t/a/fs/proc" "$t/b/fs/proc"
  cp "$old/fs/proc/internal.h" "$t/a/fs/proc/internal.h"
  sed '0,/^ \* /s//\ * (corpus index) /' "$old/fs/proc/internal.h" > "$t/b/fs/proc/internal.h"
  (cd "$t" && diff -u a/fs/proc/internal.h b/fs/proc/internal.h > index.diff)
  "$suture" build --kernel "$old_rel" "$t/index.diff" -o "$t/index.ko" > "$work/logs/index-build.log" 2>&1 || true
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
  comm -12 "$work/changed-c.txt" "$work/units.txt" > "$work/deltas.txt.tmp"
  grep '\.h$' "$work/changed-files.txt" > "$work/changed-h.txt"
  {
    echo "files_differing $(wc -l < "$work/changed-files.txt")"
    echo "c_differing $(wc -l < "$work/changed-c.txt")"
    echo "c_builtin $(wc -l < "$work/deltas.txt.tmp")"
    echo "h_differing $(wc -l < "$work/changed-h.txt")"
    echo "only_in $(grep -c '^Only in' "$work/diff-rq.txt")"
    echo "units $(wc -l < "$work/units.txt")"
  } > "$work/counts.txt"
  while read -r f; do
    name="${f//\//__}"
    diff -u --label "a/$f" --label "b/$f" "$old/$f" "$new/$f" > "$work/deltas/$name.diff"
  done < "$work/deltas.txt.tmp"
  mv "$work/deltas.txt.tmp" "$work/deltas.txt"   # last: an interrupted comparison is done again
  rm -f "$work/header-changes.txt"
fi
if [ ! -s "$work/header-changes.txt" ] || [ "$here/header_changes.py" -nt "$work/header-changes.txt" ]; then
  # Every changed line of every header that differs, with the lines of its statement before it (a declaration
  # whose last parameter changed starts with the function's name), as "HEADER<TAB>TEXT". The patched file of a
  # delta is the newer tree's file itself, so when it does not compile against the older headers and its
  # compiler error names an identifier that a header change adds or removes, the delta needs that header change.
  python3 "$here/header_changes.py" "$old" "$new" < "$work/changed-h.txt" > "$work/header-changes.txt.tmp" &&
    mv "$work/header-changes.txt.tmp" "$work/header-changes.txt" || exit 1
fi
{
  echo "old_release $old_rel"
  echo "old_version $old_deb"
  echo "new_release $new_rel"
  echo "new_version $new_deb"
  cat "$work/counts.txt"
} > "$pairdir/pair.txt"
log "$(tr '\n' ' ' < "$work/counts.txt")"
log "$(wc -l < "$work/deltas.txt") deltas (built-in .c files, one file each; whole-fix mode adds others)"

# --- 3. build, apply, smoke, revert -------------------------------------------------------------------------
# The fifth column, 'added', lists the files whole-fix mode added to the delta (called 'headers' in results of
# runs before .c files were added too; judge_again renames it).
columns() { printf 'file\toutcome\tseconds\tfunctions\tadded\treason\n'; }   # the results' first line
[ -f "$results" ] || columns > "$results"

vm_alive() { timeout 120 "$suture" vm exec --name "$vm" -t 60 -- true >/dev/null 2>&1; }
vm_restart() {
  log "starting VM $vm"
  timeout 300 "$suture" vm stop --name "$vm" >/dev/null 2>&1 || true
  vm_started=1
  for attempt in 1 2; do
    if timeout 900 "$suture" vm start --kernel "$old_rel" --name "$vm" > "$work/logs/vm-start.log" 2>&1; then return 0; fi
    log "VM start attempt $attempt failed"
    timeout 300 "$suture" vm stop --name "$vm" >/dev/null 2>&1 || true
  done
  echo "cannot start VM $vm: $(oneline < "$work/logs/vm-start.log")" >&2; return 1
}
bad_dmesg() { # new kernel problem lines since line $1 of dmesg (stderr to $2)
  timeout 120 "$suture" vm exec --name "$vm" -t 60 -- "dmesg | tail -n +$(( $1 + 1 )) | grep -E 'BUG|Oops|WARNING|general protection' | head -n 3" 2> "$2"
}
# bin/suture rebuilds Suture when its sources are newer than its jar, and fails ("suture: build failed", exit 2)
# while they do not compile, e.g. in the middle of an edit in the same checkout. Such a failure says nothing
# about the delta: no row is recorded for it, and the loop waits until the launcher works again.
launcher_failed() { # files...: true (and says so) if the launcher could not build Suture in one of these steps
  grep -qx 'suture: build failed' "$@" 2>/dev/null || return 1
  launcher_ok=0
  log "$f: bin/suture could not build Suture during this step; no row recorded, the delta stays to run"
}
launcher_ok=0
launcher_ready() { # waits (at most 30 min) until bin/suture works; at first and after a launcher_failed only
  local i
  [ "$launcher_ok" = 1 ] && return 0
  for i in $(seq 30); do
    timeout 1800 "$suture" --version > /dev/null 2> "$work/logs/launcher.err" && { launcher_ok=1; return 0; }
    log "bin/suture does not work ($(grep -v '^\s*$' "$work/logs/launcher.err" | tail -n 1 | cut -c1-200)); trying again in 60 s"
    sleep 60
  done
  return 1
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
  sed -e "s|$kernels/\([^/]*\)/source/linux-source-[^/]*|<source of \1>|g" -e "s|$kernels|<kernel cache>|g" \
      -e "s|$repo/||g" -e "s|$HOME|~|g"
}
reachable_header() { # HEADER [files already in the fix, comma-separated]: whether the delta's file or a .c file
  # added to it includes HEADER (directly or through other headers), as reaches.py finds in the include index
  local files=("$f") a
  for a in $(printf '%s' "${2:-}" | tr ',' ' '); do [[ "$a" == *.c ]] && files+=("$a"); done
  python3 "$here/reaches.py" "$index" "$new" "$1" "${files[@]}"
}
needed_header() { # error [headers already in the fix, comma-separated]: prints "HEADER (IDENTIFIER)"
  # of the header change the compiler error depends on; exit 0 for a header not in the fix yet, 2 when only
  # headers already in the fix explain it, 1 when none does.
  local ident h already="" tag member
  # ‘struct kprobe_blacklist_entry’ has no member named ‘rcu’: the changed header that defines the struct and
  # whose change has the member, however short its name
  if [[ "$1" =~ ‘(struct|union)\ ([A-Za-z0-9_]+)’\ has\ no\ member\ named\ ‘([A-Za-z0-9_]+)’ ]]; then
    tag="${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"; member="${BASH_REMATCH[3]}"
    for h in $(ID="$member" awk -F'\t' '
        BEGIN { re = "(^|[^A-Za-z0-9_])" ENVIRON["ID"] "([^A-Za-z0-9_]|$)" }
        { line = $0; sub(/^[^\t]*\t/, "", line) }
        line ~ re && !seen[$1]++ { print $1 }' "$work/header-changes.txt"); do
      grep -qE "^[[:space:]]*$tag[[:space:]]*\{" "$new/$h" && reachable_header "$h" "${2:-}" || continue
      if [[ ",${2:-}," == *",$h,"* ]]; then already="$h ($member)"; else printf '%s (%s)' "$h" "$member"; return 0; fi
    done
  fi
  # The last identifier of each quoted name the compiler gives (‘icsk->icsk_af_ops->syn_recv_sock’: the
  # member; ‘const struct inet_peer’: the type), later quotes first (‘…’ has no member named ‘hash’), not
  # the compiler's guesses ("did you mean ‘qdisc_dev’?").
  for ident in $(printf '%s' "$1" | sed 's/; did you mean ‘[^’]*’?//g' | grep -o '‘[^’]*’' | tr -d '‘’' | sed -E 's/[^A-Za-z0-9_]+$//; s/.*[^A-Za-z0-9_]//' \
      | grep -E '^[A-Za-z_][A-Za-z0-9_]{3,}$' \
      | grep -vxE 'struct|union|enum|const|unsigned|long|char|void|static|inline|bool|sizeof|typeof|int|u8|u16|u32|u64' | tac); do
    # the headers whose changes (not their path) have the identifier as a word, in the list's order
    for h in $(ID="$ident" awk -F'\t' '
        BEGIN { re = "(^|[^A-Za-z0-9_])" ENVIRON["ID"] "([^A-Za-z0-9_]|$)" }
        { line = $0; sub(/^[^\t]*\t/, "", line) }
        line ~ re && !seen[$1]++ { print $1 }' "$work/header-changes.txt"); do
      reachable_header "$h" "${2:-}" || continue
      if [[ ",${2:-}," == *",$h,"* ]]; then
        [ -n "$already" ] || already="$h ($ident)"
      else
        printf '%s (%s)' "$h" "$ident"; return 0
      fi
    done
  done
  [ -n "$already" ] && { printf '%s' "$already"; return 2; }
  return 1
}

erring_file() { # LOG [files already in the fix, comma-separated]: prints "FILE (compile error)" of the first
  # compiler error in a changed built-in .c file not in the fix yet (pm_netlink.c, whose own change goes with the
  # change of net/mptcp/protocol.h that the fix has); exit 1 when there is none
  local e c
  while IFS= read -r e; do
    c="${e%%:*}"; c="${c#"$old/"}"; c="${c#<source of $old_rel>/}"
    [[ "$c" == *.c && ",${2:-}," != *",$c,"* ]] || continue
    grep -qxF -e "$c" "$work/changed-c.txt" && grep -qxF -e "$c" "$work/units.txt" && { printf '%s (compile error)' "$c"; return 0; }
  done < <(grep -E '^[^ ]+\.c:[0-9]+:[0-9]+: (fatal )?error: ' "$1" | head -n 20)
  return 1
}
error_line_names() { # LOG FILE: for each compiler error at a line of FILE (the delta's own file), the names on
  # that line of the newer tree's FILE and on the line before that the older FILE does not use, quoted as a
  # compiler quotes them, one line each
  # (init/main.c:911: "asmlinkage __visible __init __no_sanitize_address __no_stack_protector" has no quoted name)
  local n
  for n in $(grep -oE "(^|[^A-Za-z0-9_/.])$2:[0-9]+:" "$1" | grep -oE '[0-9]+:$' | tr -d : | sort -un | head -n 10); do
    sed -n "$(( n > 1 ? n - 1 : 1 )),${n}p" "$new/$2" | grep -oE '[A-Za-z_][A-Za-z0-9_]{3,}' | sort -u |
      while IFS= read -r w; do grep -qw -e "$w" "$old/$2" || printf '‘%s’ ' "$w"; done
    echo
  done
}
defines() { # FILE NAME: true if FILE defines NAME at file scope, and not static: a function (a line at column 0
  # of type words and NAME followed by its parameters and '{', not ';'), a variable (type words, NAME, then '=' or
  # ';', perhaps after '[N]' and __attributes), or a DEFINE_*(NAME) / DEFINE_*(TYPE, NAME) macro. Not a call, a
  # declaration, a macro of that name or an EXPORT_SYMBOL.
  NAME="$2" awk '
    BEGIN {
      n = ENVIRON["NAME"]
      fre = "^([A-Za-z_][A-Za-z0-9_ \t*]*[ \t*])?" n "[ \t]*\\("
      vre = "^[A-Za-z_][A-Za-z0-9_ \t*]*[ \t*]" n "[ \t]*(\\[[^]]*\\][ \t]*)*(__[A-Za-z0-9_]+(\\([^)]*\\))?[ \t]*)*(=|;)"
      mre = "^[A-Z0-9_]*DEFINE[A-Z0-9_]*\\(([^,()]*,[ \t]*)?" n "[ \t]*[,)]"
      kw = "(^|[^A-Za-z0-9_])(static|extern|typedef|return)([^A-Za-z0-9_]|$)"
    }
    function header_ends(text,   i, c) { # 1: parameters then "{", 0: then ";" or "=", -1: not known yet
      for (i = 1; i <= length(text); i++) {
        c = substr(text, i, 1)
        if (c == "(") depth++
        else if (c == ")") depth--
        else if (depth == 0 && c == "{") return 1
        else if (depth == 0 && (c == ";" || c == "=")) return 0
      }
      return -1
    }
    pending {
      r = header_ends($0)
      if (r == 1) { found = 1; exit }
      if (r == 0 || ++plines > 20) pending = 0
      prev = $0; next
    }
    /^[A-Za-z_]/ {
      if ($0 ~ mre && $0 !~ /^static/) { found = 1; exit }
      if (match($0, fre) && substr($0, 1, RSTART + RLENGTH - 1) !~ kw && !(substr($0, 1, length(n)) == n && prev ~ /^static([^A-Za-z0-9_]|$)/)) {
        depth = 0; plines = 0
        r = header_ends(substr($0, RSTART + RLENGTH - 1))
        if (r == 1) { found = 1; exit }
        pending = (r == -1)
      } else if (match($0, vre) && substr($0, 1, RSTART + RLENGTH - 1) !~ kw) { found = 1; exit }
    }
    { prev = $0 }
    END { exit !found }' "$1"
}
caller_file() { # refusal [files already in the fix, comma-separated]: prints "FILE (FUNCTION)" of the changed file
  # that defines a function the deleted-function refusal names as a caller left unchanged ("…, and qdisc_create
  # still calls or points to it…"), static or not: a .c file built into vmlinux, or a header the fix's .c files
  # include (kernel/rcu/tree_nocb.h, which tree.c includes); exit 0 for a file not in the fix yet, 1 when none.
  local fn c
  for fn in $(printf '%s' "$1" | sed -n 's/.*, and \(.*\) still calls\{0,1\} or points\{0,1\} to it.*/\1/p' | tr -d ',' | sed 's/\.[a-z]*\.[0-9]*//g'); do
    while IFS= read -r c; do
      [[ ",${2:-}," == *",$c,"* ]] && continue
      if [[ "$c" == *.c ]]; then grep -qxF -e "$c" "$work/units.txt" || continue; else reachable_header "$c" "${2:-}" || continue; fi
      # a definition: the name at the start of a line or after type words, its parameters, then no ';'
      grep -E "^([A-Za-z_][A-Za-z0-9_ *]*[ *])?$fn *\(" "$new/$c" | grep -qv ';[[:space:]]*$' && { printf '%s (%s)' "$c" "$fn"; return 0; }
    done < <(cd "$new" && cat "$work/changed-c.txt" "$work/changed-h.txt" | tr '\n' '\0' | xargs -0 grep -lwF -e "$fn" -- 2>/dev/null)
  done
  return 1
}
defining_file() { # symbol [files already in the fix, comma-separated]: prints "FILE (SYMBOL)" of the changed .c
  # file built into vmlinux that defines the symbol in the newer tree and not in the older; exit 0 for a file not
  # in the fix yet, 2 when only files already in the fix do, 3 when only a changed .c file that is not built into
  # the target's vmlinux does (e.g. a module's), 1 when none does.
  local c already="" other=""
  while IFS= read -r c; do
    defines "$new/$c" "$1" && ! defines "$old/$c" "$1" || continue
    if ! grep -qxF -e "$c" "$work/units.txt"; then
      [ -n "$other" ] || other="$c ($1)"
    elif [[ ",${2:-}," == *",$c,"* ]]; then
      [ -n "$already" ] || already="$c ($1)"
    else
      printf '%s (%s)' "$c" "$1"; return 0
    fi
  done < <(cd "$new" && tr '\n' '\0' < "$work/changed-c.txt" | xargs -0 grep -lwF -e "$1" -- 2>/dev/null)
  [ -n "$already" ] && { printf '%s' "$already"; return 2; }
  [ -n "$other" ] && { printf '%s' "$other"; return 3; }
  return 1
}

# Legacy rows: before whole-fix mode, a delta whose compile error a header change explains was recorded as
# needs-header and not built again with that header. Such rows (and the failed-build rows of still older runs
# that the same test explains) become needs-header here, which the loop below runs again. Results of runs
# before that column get it ('-').
judge_again() {
  local line first=1 ncols rf ro rs rfn rh rr h
  while IFS= read -r line; do
    if [ "$first" = 1 ]; then
      first=0; ncols="$(printf '%s\n' "$line" | awk -F'\t' '{ print NF }')"; columns; continue
    fi
    if [ "$ncols" -lt 6 ]; then
      IFS=$'\t' read -r rf ro rs rfn rr <<< "$line"; rh=-
    else
      IFS=$'\t' read -r rf ro rs rfn rh rr <<< "$line"
    fi
    if [ "$ro" = needs-header ]; then ro=failed-build; rr="suture: ${rr#*: suture: }"; fi   # judged again
    if [ "$ro" = failed-build ] && [ "$rh" = - ] && [[ "$rr" != "whole fix: "* ]] && [[ "$rr" == *"does not compile"* ]] &&
        h="$(f="$rf" needed_header "$rr")"; then
      ro=needs-header; rr="needs the change of $h: $rr"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$rf" "$ro" "$rs" "${rfn:--}" "${rh:--}" "${rr:--}"
  done < "$results"
}
judge_again > "$results.tmp" && mv "$results.tmp" "$results"

secs() { printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)"; }
record() { # file outcome functions added reason: the delta's row, in place of its earlier one if any
  local row
  row="$(printf '%s\t%s\t%s\t%s\t%s\t%s' "$1" "$2" "$(secs)" "${3:--}" "${4:--}" "$(printf '%s' "${5:--}" | oneline | scrub)")"
  ROW="$row" F="$1" awk -F'\t' '
      BEGIN { row = ENVIRON["ROW"]; f = ENVIRON["F"] }
      NR > 1 && $1 == f { if (!done) print row; done = 1; next }
      { print }
      END { if (!done) print row }' "$results" > "$results.tmp" && mv "$results.tmp" "$results"
  log "$1: $2 ($(secs) s)${4:+ added $4} ${5:-}"
}
step_failed() { # rc stderr-file crash-prefix failed-prefix: records a failed apply or revert of $f; false if it did not fail
  if is_java_crash "$2"; then
    record "$f" crash "$funcs" "$added" "$3$(grep -m1 -E 'Exception|Error' "$2")"; return 0
  fi
  [ "$1" -ne 0 ] || return 1
  if [ "$1" -eq 125 ] || ! vm_alive; then
    record "$f" crashed "$funcs" "$added" "$3$(first_error "$2")"
  else
    record "$f" failed-apply "$funcs" "$added" "$4$(first_error "$2")"
  fi
}

vm_ready=0
run_delta() { # the delta of file $f, with the changed files its build failures ask for: build, apply, smoke, revert
  local name="${f//\//__}"
  local d="$work/deltas/$name.diff" fix="$work/fixes/$name.diff" ko="$work/ko/$name.ko" lg="$work/logs/$name"
  local build="$d" rc reason refusal want wrc sym n module lines bad
  added=""; funcs=""
  start=$(date +%s.%N)
  rm -f "$ko" "$fix" "$lg".*
  while :; do
    log "building $f${added:+ with $added}"
    timeout "$build_timeout" "$suture" build --kernel "$old_rel" --json "$build" -o "$ko" > "$lg.build.json" 2> "$lg.build.err"
    rc=$?
    launcher_failed "$lg.build.err" && return
    funcs="$(jq -r '[.decisions[]? | select(.kind == "function" and (.change == "changed" or .change == "new")) | .name] | join(",")' "$lg.build.json" 2>/dev/null)"
    if is_java_crash "$lg.build.err" || is_java_crash "$lg.build.json"; then
      record "$f" crash "$funcs" "$added" "$(grep -m1 -E 'Exception|Error' "$lg.build.err" "$lg.build.json" | sed 's/^[^:]*://')"; return
    fi
    [ "$rc" -eq 0 ] && break
    refusal="$(jq -r '.refusals[0]? // empty' "$lg.build.json" 2>/dev/null)"
    if [ "$(jq -r '.outcome? // empty' "$lg.build.json" 2>/dev/null)" = nothing-to-patch ]; then   # its reason is in refusals
      record "$f" no-change "$funcs" "$added" "$refusal"; return
    fi
    want=""; wrc=1
    # Whole fix: a function the fix deletes is still called by code of another changed file, which the upstream
    # commit changed too (a rename, as rcu_momentary_dyntick_idle to rcu_momentary_eqs)
    [[ "$refusal" == deleted-function:* ]] && { want="$(caller_file "$refusal" "$f${added:+,$added}")"; wrc=$?; }
    if [ -n "$refusal" ] && [ "$wrc" -ne 0 ]; then record "$f" "refused:${refusal%%:*}" "$funcs" "$added" "$refusal"; return; fi
    if [ "$rc" -eq 124 ]; then record "$f" failed-build "$funcs" "$added" "build timed out after $build_timeout s"; return; fi
    [ -n "$refusal" ] && reason="$refusal" || reason="$(first_error "$lg.build.err")"
    case "$reason" in *"changes no function's code"*)   # nothing to patch
      record "$f" no-change "$funcs" "$added" "$reason"; return ;;
    esac
    # Whole fix: the file whose change the failure asks for ("FILE (IDENTIFIER)"), wrc as needed_header's.
    if [ -n "$refusal" ]; then
      :   # the caller's file found above
    elif [[ "$reason" == *"does not compile"* ]] && want="$(erring_file "$lg.build.err" "$f${added:+,$added}")"; then
      wrc=0   # the error is in another changed built-in .c file, which a header change of the fix broke
    elif [[ "$reason" == *"does not compile"* ]]; then   # an identifier a changed header adds or removes
      want="$(needed_header "$reason" "$added")"; wrc=$?
      # The first error may name no identifier (‘sizeof’ applied to a bit-field, in compiler_types.h): the
      # later errors, then the names on the lines of the delta's file that the errors point at
      local e
      while [ "$wrc" -eq 1 ] && IFS= read -r e; do
        want="$(needed_header "$e" "$added")"; wrc=$?
      done < <(grep -E ': (fatal )?error: ' "$lg.build.err" | head -n 30; error_line_names "$lg.build.err" "$f")
    else   # a symbol the target lacks, which a changed built-in .c file defines in the newer tree only
      sym="$(printf '%s' "$reason" | sed -n "s/.*the new code refers to '\([A-Za-z0-9_.]*\)', which the target kernel does not have.*/\1/p")"
      if [ -n "$sym" ]; then
        want="$(defining_file "${sym%%.*}" "$f${added:+,$added}")"; wrc=$?
        if [ "$wrc" -eq 3 ]; then
          record "$f" failed-build "$funcs" "$added" "whole fix: only $want defines it in the newer tree, not built into the target's vmlinux: $reason"; return
        fi
      fi
    fi
    if [ "$wrc" -eq 2 ]; then
      record "$f" failed-build "$funcs" "$added" "whole fix: needs the change of $want, which the fix has already: $reason"; return
    fi
    if [ "$wrc" -eq 0 ]; then
      n=0
      [ -n "$added" ] && n="$(printf '%s' "$added" | tr ',' '\n' | wc -l)"
      if [ "$n" -ge "$max_added" ]; then
        record "$f" failed-build "$funcs" "$added" "whole fix: needs the change of $want, beyond the limit of $max_added added files: $reason"; return
      fi
      want="${want%% (*}"
      log "$f needs the change of $want: ${reason:0:200}"
      mv "$lg.build.json" "$lg.build-$((n + 1)).json"; mv "$lg.build.err" "$lg.build-$((n + 1)).err"   # this attempt's logs
      [ -f "$fix" ] || cp "$d" "$fix"
      diff -u --label "a/$want" --label "b/$want" "$old/$want" "$new/$want" >> "$fix"
      added="${added:+$added,}$want"; build="$fix"
      continue
    fi
    record "$f" failed-build "$funcs" "$added" "$reason"; return
  done
  module="$(jq -r '.manifest.name' "$lg.build.json")"

  lines=""   # the kernel log's length before the apply; no answer means the VM is gone
  [ "$vm_ready" = 1 ] && lines="$(timeout 120 "$suture" vm exec --name "$vm" -t 60 -- 'dmesg | wc -l' 2>/dev/null | tr -dc 0-9)"
  if [ -z "$lines" ]; then
    vm_restart || { record "$f" failed-apply "$funcs" "$added" "test VM did not start"; vm_ready=0; return; }
    vm_ready=1
    lines="$(timeout 120 "$suture" vm exec --name "$vm" -t 60 -- 'dmesg | wc -l' 2>/dev/null | tr -dc 0-9)"
    lines="${lines:-0}"
  fi
  log "applying $module"
  timeout 300 "$suture" apply --target "vm:$vm" "$ko" > "$lg.apply.out" 2> "$lg.apply.err"
  rc=$?
  launcher_failed "$lg.apply.err" && { vm_ready=0; return; }
  # a fresh VM for the next delta after any failure: nothing of this one may linger
  step_failed "$rc" "$lg.apply.err" "apply: " "" && { vm_ready=0; return; }
  timeout 300 "$suture" vm exec --name "$vm" -t 240 -- "$smoke" > "$lg.smoke.out" 2>&1
  rc=$?
  launcher_failed "$lg.smoke.out" && { vm_ready=0; return; }
  if [ "$rc" -ne 0 ] || ! grep -qx ok "$lg.smoke.out"; then
    if [ "$rc" -eq 125 ] || ! vm_alive; then
      record "$f" crashed "$funcs" "$added" "smoke test with the patch applied: exit $rc: $(grep -v '^\s*$' "$lg.smoke.out" | tail -n 1)"
    else
      record "$f" failed-smoke "$funcs" "$added" "smoke test with the patch applied: exit $rc: $(grep -v '^\s*$' "$lg.smoke.out" | tail -n 1)"
    fi
    vm_ready=0; return
  fi
  timeout 300 "$suture" revert --target "vm:$vm" "$module" > "$lg.revert.out" 2> "$lg.revert.err"
  rc=$?
  launcher_failed "$lg.revert.err" && { vm_ready=0; return; }
  step_failed "$rc" "$lg.revert.err" "revert: " "revert: " && { vm_ready=0; return; }
  bad="$(bad_dmesg "$lines" "$lg.check.err")"; rc=$?   # also the health check: exit 0 only if the VM answers, 125 on a problem
  launcher_failed "$lg.check.err" && { vm_ready=0; return; }
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    record "$f" crashed "$funcs" "$added" "after revert: VM check exit $rc: $(printf '%s' "$bad" | tail -n 1)"; vm_ready=0; return
  fi
  if [ -n "$bad" ]; then
    record "$f" crashed "$funcs" "$added" "kernel log: $(printf '%s' "$bad" | tr '\n' ' ')"; vm_ready=0; return
  fi
  record "$f" applied "$funcs" "$added" ""
}

to_run() { # the deltas to run, in order: those --only names, or all in the order of the hash of their path
  if [ "${#only[@]}" -gt 0 ]; then printf '%s\n' "${only[@]}"; return; fi
  while read -r f; do printf '%s %s\n' "$(printf '%s' "$f" | md5sum | cut -c1-8)" "$f"; done < "$work/deltas.txt" | sort | cut -d' ' -f2
}
for f in ${only[@]+"${only[@]}"}; do
  grep -qxF -e "$f" "$work/deltas.txt" || { echo "$f is not a delta of $pair (see $work/deltas.txt)" >&2; exit 2; }
done
done_count=0
while read -r f <&4; do
  [ "$limit" -gt 0 ] && [ "$done_count" -ge "$limit" ] && break
  [ -e "$work/STOP" ] && { log "stopping: $work/STOP exists"; rm -f "$work/STOP"; break; }
  # Done: a row, unless it is needs-header or --rerun matches it; --only runs its files whatever their row.
  # (awk, not "cut | grep -q": under pipefail, grep -q leaving early makes cut die of SIGPIPE.)
  if [ "${#only[@]}" -eq 0 ] && F="$f" RE="$rerun" awk -F'\t' '
      NR > 1 && $1 == ENVIRON["F"] {
        found = !($2 == "needs-header" || (ENVIRON["RE"] != "" && ($2 ~ ENVIRON["RE"] || $NF ~ ENVIRON["RE"]))); exit
      }
      END { exit !found }' "$results"; then
    continue
  fi
  launcher_ready || { log "stopping: bin/suture has not worked for 30 min (see $work/logs/launcher.err)"; break; }
  done_count=$((done_count + 1))
  run_delta
done 4< <(to_run)

write_reports
log "results: $results; report: $pairdir/README.md"
