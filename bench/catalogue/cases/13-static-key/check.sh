#!/bin/sh
# kernel.sched_schedstats reads back the state of the sched_schedstats static key. Both
# states are set and read back (the patched function's jump labels must follow the key);
# patched, every change is also logged ("sched: schedstats enabled by ...").
state="$1"
f=/proc/sys/kernel/sched_schedstats
orig=$(cat $f) || exit 1
echo 0 > $f
m0=$(dmesg | grep -c 'sched: schedstats ')
echo 1 > $f; on=$(cat $f)
echo 0 > $f; off=$(cat $f)
m1=$(dmesg | grep -c 'sched: schedstats ')
echo "$orig" > $f
msgs=$((m1 - m0))
echo "observed: reads $on after enabling, $off after disabling; $msgs new log line(s)"
dmesg | grep 'sched: schedstats ' | tail -n 2
[ "$on" = 1 ] && [ "$off" = 0 ] || exit 1
case "$state" in
	before|reverted) [ $msgs -eq 0 ] ;;
	patched)
		[ $msgs -eq 2 ] &&
		dmesg | grep 'sched: schedstats ' | tail -n 2 | head -n 1 | grep -q 'schedstats enabled by ' &&
		dmesg | grep 'sched: schedstats ' | tail -n 1 | grep -q 'schedstats disabled by ' ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
