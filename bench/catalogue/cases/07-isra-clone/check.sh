#!/bin/sh
# sysinfo(2) reports the uptime rounded up to the next second; patched, it truncates
# like /proc/uptime.
state="$1"
got=$(/root/probe) || { echo "probe: $got"; exit 1; }
echo "observed: $got"
set -- $got
[ "$1" = proc ] && [ "$3" = sysinfo ] || exit 1
case "$state" in
	before|reverted) [ "$4" -eq $(($2 + 1)) ] ;;
	patched) [ "$4" -eq "$2" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
