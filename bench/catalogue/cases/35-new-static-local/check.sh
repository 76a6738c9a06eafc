#!/bin/sh
# uselib() on a missing file fails with ENOENT and logs nothing; patched, the first call
# logs "uselib() is obsolete" once (a pr_warn_once), later calls log nothing.
state="$1"
msg='uselib() is obsolete and will go away'
m0=$(dmesg | grep -c "$msg")
got=$(/root/probe 3 | sort -u) || exit 1
m1=$(dmesg | grep -c "$msg")
new=$((m1 - m0))
echo "observed: $got; $new new log line(s)"
[ "$got" = "uselib: ENOENT" ] || exit 1
case "$state" in
	before) [ $new -eq 0 ] ;;
	patched) [ $new -eq 1 ] ;;
	reverted) [ $new -eq 0 ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
