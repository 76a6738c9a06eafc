#!/bin/sh
# F_GETOWN_EX on a descriptor without an owner reports type F_OWNER_TID (0);
# patched, it reports F_OWNER_PID (1), the type F_SETOWN would set.
state="$1"
got=$(/root/probe) || exit 1
echo "observed: $got"
case "$state" in
	before|reverted) [ "$got" = "type 0 pid 0" ] ;;
	patched) [ "$got" = "type 1 pid 0" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
