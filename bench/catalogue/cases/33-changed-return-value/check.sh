#!/bin/sh
# An unknown ioctl on /dev/urandom fails with EINVAL; patched, with ENOTTY.
state="$1"
got=$(/root/probe) || exit 1
echo "observed: $got"
case "$state" in
	before|reverted) [ "$got" = "errno EINVAL" ] ;;
	patched) [ "$got" = "errno ENOTTY" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
