#!/bin/sh
# In /proc/PID/smaps the "Size:" (show_smap) and "Rss:" (__show_smap) values are padded
# to end at column 24; patched, at column 26. /proc/PID/status (task_mem) is unchanged.
state="$1"
cols=$(awk '/^(Size|Rss):/ { sub(/ kB$/, ""); print length($0) }' /proc/self/smaps | sort -u | tr '\n' ' ')
roll=$(awk '/^Rss:/ { sub(/ kB$/, ""); print length($0) }' /proc/self/smaps_rollup)
vm=$(awk '/^VmRSS:/ { sub(/ kB$/, ""); print length($0) }' /proc/self/status)
echo "observed: smaps value columns end at: $cols; smaps_rollup Rss at $roll; status VmRSS at $vm"
[ "$vm" = 15 ] || exit 1
case "$state" in
	before|reverted) [ "$cols" = "24 " ] && [ "$roll" = 24 ] ;;
	patched) [ "$cols" = "26 " ] && [ "$roll" = 26 ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
