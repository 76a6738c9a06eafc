#!/bin/sh
# prctl(PR_SET_NAME, "") empties the task name; patched, it fails with EINVAL (22)
# and the name stays.
state="$1"
got=$(/root/probe) || exit 1
echo "observed: $got"
case "$state" in
	before|reverted) [ "$got" = "set 0 errno 0 name <>" ] ;;
	patched) [ "$got" = "set -1 errno 22 name <probe-before>" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
