#!/bin/sh
# Turning vm.numa_stat off logs a message from the handler's .cold part; the patch rewords it.
state="$1"
f=/proc/sys/vm/numa_stat
[ -w $f ] || { echo "$f missing"; exit 1; }
echo 1 > $f
n0=$(dmesg | grep -c 'disable numa statistics')
echo 0 > $f || { echo "write 0 failed"; exit 1; }
line=$(dmesg | grep 'disable numa statistics' | tail -n 1)
n1=$(dmesg | grep -c 'disable numa statistics')
echo 1 > $f
echo "observed: $line"
[ "$n1" -gt "$n0" ] || { echo "no new message"; exit 1; }
case "$state" in
	before|reverted) echo "$line" | grep -q 'disable numa statistics, and clear numa counters$' ;;
	patched) echo "$line" | grep -q 'disable numa statistics and clear the numa counters$' ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
