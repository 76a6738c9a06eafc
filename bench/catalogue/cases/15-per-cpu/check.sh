#!/bin/sh
# /proc/softirqs has one column per CPU; patched, a TOTAL column follows, equal to the
# sum of the CPU columns of its row.
state="$1"
res=$(awk '
	NR == 1 { ncpu = 0; total = 0
		  for (i = 1; i <= NF; i++) { if ($i ~ /^CPU[0-9]+$/) ncpu++; else if ($i == "TOTAL") total = 1 }
		  next }
	{ rows++
	  if (NF == ncpu + 1) plain++
	  else if (NF == ncpu + 2) { s = 0; for (i = 2; i <= ncpu + 1; i++) s += $i; if (s == $NF) summed++ } }
	END { printf "cpus %d total %d rows %d plain %d summed %d\n", ncpu, total, rows, plain, summed }
' /proc/softirqs)
echo "observed: $res"
set -- $res
[ "$2" -gt 0 ] && [ "$6" -gt 0 ] || exit 1
case "$state" in
	before|reverted) [ "$4" -eq 0 ] && [ "$8" -eq "$6" ] ;;
	patched) [ "$4" -eq 1 ] && [ "${10}" -eq "$6" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
