#!/usr/bin/env bash
# Livepatch transition benchmarks in a test VM of the default target kernel:
#  (1) transition time of the cmdline patch, idle and with 8 busy tasks;
#  (2) the longest pause a latency probe sees while a patch is applied, next to an equally long quiet window;
#  (3) per-call cost of a patched syscall function (getppid), unpatched vs patched, in the same VM.
# Usage: bench/transition/run.sh [ROUNDS]   -> prints a table; writes results.tsv and results.svg beside it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
suture="$repo/bin/suture"
rounds="${1:-3}"
work="$(mktemp -d)"
vm=bench-transition
trap '"$suture" vm stop --name $vm >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

gcc -static -O2 -o "$work/latency-probe" "$here/latency-probe.c"
gcc -static -O2 -o "$work/getppid-bench" "$here/getppid-bench.c"
"$suture" build "$repo/examples/cmdline/cmdline.c" -o "$work/cmdline.ko" >/dev/null 2>&1
"$suture" build "$here/getppid.c" -o "$work/getppid.ko" >/dev/null 2>&1
"$suture" vm start --name $vm --file "$work/latency-probe:/root/latency-probe" \
  --file "$work/getppid-bench:/root/getppid-bench" >/dev/null 2>&1
run() { "$suture" vm exec --name $vm -- "$@"; }

# Seconds of the transition, from the 'completed' event of a JSON apply.
apply_seconds() {
  "$suture" apply --target vm:$vm --json "$1" | grep '"event":"completed"' | sed 's/.*"seconds":\([0-9.]*\).*/\1/'
}
revert() { "$suture" revert --target vm:$vm "$1" >/dev/null 2>&1; }

: > "$here/results.tsv"
for i in $(seq "$rounds"); do
  s=$(apply_seconds "$work/cmdline.ko"); revert suture_cmdline
  printf 'transition_idle\t%s\n' "$s" >> "$here/results.tsv"
done
run 'for i in 1 2 3 4 5 6 7 8; do setsid sh -c "while :; do :; done" >/dev/null 2>&1 & done; echo busy' >/dev/null
for i in $(seq "$rounds"); do
  s=$(apply_seconds "$work/cmdline.ko"); revert suture_cmdline
  printf 'transition_busy8\t%s\n' "$s" >> "$here/results.tsv"
done
run 'pkill -f "while :; do :; done"; true' >/dev/null

for i in $(seq "$rounds"); do
  run 'setsid sh -c "/root/latency-probe 8 > /tmp/probe.apply" >/dev/null 2>&1 &' >/dev/null
  sleep 1; apply_seconds "$work/cmdline.ko" >/dev/null; revert suture_cmdline
  sleep 8
  run 'cat /tmp/probe.apply' | sed 's/^/probe_apply_max_us\t/' >> "$here/results.tsv"
  run '/root/latency-probe 8' | sed 's/^/probe_quiet_max_us\t/' >> "$here/results.tsv"
done

for i in $(seq "$rounds"); do
  run '/root/getppid-bench 300000' | sed 's/^/getppid_unpatched_ns\t/' >> "$here/results.tsv"
done
"$suture" apply --target vm:$vm "$work/getppid.ko" >/dev/null 2>&1
for i in $(seq "$rounds"); do
  run '/root/getppid-bench 300000' | sed 's/^/getppid_patched_ns\t/' >> "$here/results.tsv"
done
revert suture_getppid

# Mean per measure, as a table and a bar chart.
awk -F'\t' '{n[$1]++; s[$1]+=$2; if ($2>m[$1]) m[$1]=$2} END {for (k in n) printf "%s\t%.2f\t%.2f\t%d\n", k, s[k]/n[k], m[k], n[k]}' \
  "$here/results.tsv" | sort > "$work/summary.tsv"
printf '%-24s %10s %10s %5s\n' MEASURE MEAN MAX RUNS
awk -F'\t' '{printf "%-24s %10s %10s %5s\n", $1, $2, $3, $4}' "$work/summary.tsv"
awk -F'\t' -v OFS='' 'BEGIN{print "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" height=\"300\" font-family=\"sans-serif\" font-size=\"12\">"}
  {v[NR]=$2; k[NR]=$1; if ($2>max) max=$2}
  END {for (i=1;i<=NR;i++) {h=int(220*log(1+v[i])/log(1+max)); x=20+i*85-85;
        print "<rect x=\"",x,"\" y=\"",250-h,"\" width=\"60\" height=\"",h,"\" fill=\"#4a7\"/>";
        print "<text x=\"",x,"\" y=\"",245-h,"\">",v[i],"</text>";
        print "<text x=\"",x,"\" y=\"270\" font-size=\"9\">",k[i],"</text>"}
       print "<text x=\"20\" y=\"292\">means in the unit each name gives (s, us, ns); logarithmic heights</text></svg>"}' \
  "$work/summary.tsv" > "$here/results.svg"
