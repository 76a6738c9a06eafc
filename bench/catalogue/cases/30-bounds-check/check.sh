#!/bin/sh
# Writing 0x233 to /proc/PID/coredump_filter is accepted and read back as 00000033 (bit 9
# dropped); patched, the write fails (EINVAL) and the filter keeps its value.
state="$1"
got=$(sh -c 'echo 0x11 > /proc/$$/coredump_filter || exit 2
	if echo 0x233 > /proc/$$/coredump_filter 2>/dev/null; then w=ok; else w=refused; fi
	read v < /proc/$$/coredump_filter; echo "$w $v"') || { echo "cannot set coredump_filter"; exit 1; }
echo "observed: write of 0x233 $got"
case "$state" in
	before|reverted) [ "$got" = "ok 00000033" ] ;;
	patched) [ "$got" = "refused 00000011" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
