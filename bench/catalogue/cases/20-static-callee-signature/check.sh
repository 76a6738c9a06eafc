#!/bin/sh
# Patched, /proc/PID/smaps_rollup ends with "VMAs: N" (N > 0); /proc/PID/smaps never
# has that line, and must still be complete (its Rss lines come from __show_smap too).
state="$1"
roll=$(grep '^VMAs:' /proc/self/smaps_rollup)
smaps_vmas=$(grep -c '^VMAs:' /proc/self/smaps)
smaps_rss=$(grep -c '^Rss:' /proc/self/smaps)
echo "observed: smaps_rollup ${roll:-has no VMAs line}; smaps: $smaps_rss Rss lines, $smaps_vmas VMAs lines"
[ "$smaps_rss" -gt 0 ] && [ "$smaps_vmas" -eq 0 ] || exit 1
case "$state" in
	before|reverted) [ -z "$roll" ] ;;
	patched) echo "$roll" | grep -Eq '^VMAs: +[1-9][0-9]*$' ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
