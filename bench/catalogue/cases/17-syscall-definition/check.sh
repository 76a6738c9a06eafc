#!/bin/sh
# personality(0x100) is accepted (the persona becomes 0x100); patched, it fails with
# EINVAL (22) and the persona stays 0.
state="$1"
got=$(/root/probe) || exit 1
echo "observed: $got"
case "$state" in
	before|reverted) [ "$got" = "set 0 errno 0 now 0x100" ] ;;
	patched) [ "$got" = "set -1 errno 22 now 0x0" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
