#!/bin/sh
# A PROT_NONE page between two read-write pages shows up in /proc/PID/maps as its own
# ---p line; patched, it is left out (the read-write pages are still listed).
state="$1"
got=$(/root/probe) || exit 1
echo "observed: $got"
case "$state" in
	before|reverted) [ "$got" = "guard 1 rw 2" ] ;;
	patched) [ "$got" = "guard 0 rw 2" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
