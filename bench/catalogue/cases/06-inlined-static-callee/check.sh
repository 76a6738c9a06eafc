#!/bin/sh
# fcntl(F_GETOWN) on an O_PATH descriptor fails with EBADF; patched, it is allowed.
state="$1"
got=$(/root/probe) || exit 1
echo "observed: $got"
case "$state" in
	before|reverted) [ "$got" = "error EBADF" ] ;;
	patched) [ "$got" = "ok 0" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
