#!/bin/sh
# Patched, /proc/meminfo gains "Unaccepted: 0 kB"; VmallocTotal (computed through a
# static_cpu_has alternative) must stay what it was before the patch.
state="$1"
vt=$(sed -n 's/^VmallocTotal: *\([0-9]*\) kB$/\1/p' /proc/meminfo)
un=$(grep '^Unaccepted:' /proc/meminfo)
echo "observed: VmallocTotal $vt kB; Unaccepted line: ${un:-none}"
[ -n "$vt" ] || exit 1
case "$state" in
	before)
		echo "$vt" > /tmp/case14.vmalloctotal
		[ -z "$un" ] ;;
	patched)
		[ "$vt" = "$(cat /tmp/case14.vmalloctotal 2>/dev/null || echo "$vt")" ] &&
		echo "$un" | grep -Eq '^Unaccepted: +0 kB$' ;;
	reverted)
		[ "$vt" = "$(cat /tmp/case14.vmalloctotal 2>/dev/null || echo "$vt")" ] && [ -z "$un" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
