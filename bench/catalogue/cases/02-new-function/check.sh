#!/bin/sh
# Writing 1 to /proc/sys/vm/drop_caches logs "drop_caches: 1"; patched, the line
# also says how many superblocks were walked. (Never write 4: it silences the log.)
state="$1"
n0=$(dmesg | grep -c 'drop_caches: ')
echo 1 > /proc/sys/vm/drop_caches || { echo "write to drop_caches failed"; exit 1; }
n1=$(dmesg | grep -c 'drop_caches: ')
line=$(dmesg | grep 'drop_caches: ' | tail -n 1)
echo "observed: $line"
[ "$n1" -gt "$n0" ] || { echo "no new drop_caches message"; exit 1; }
case "$state" in
	before|reverted) echo "$line" | grep -Eq 'drop_caches: 1$' ;;
	patched) echo "$line" | grep -Eq 'drop_caches: 1 \([0-9]+ superblocks\)$' ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
