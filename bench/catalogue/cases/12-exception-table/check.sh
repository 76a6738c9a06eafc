#!/bin/sh
# getdents64 leaves the padding after each name as it was in the user buffer (the probe
# fills it with 0xaa); patched, filldir64 zeroes it.
state="$1"
got=$(/root/probe) || exit 1
echo "observed: $got"
set -- $got
[ "$1" = records ] && [ "$4" -gt 0 ] || { echo "no padded record to look at"; exit 1; }
case "$state" in
	before|reverted) [ "$6" -gt 0 ] ;;
	patched) [ "$6" -eq 0 ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
