#!/bin/sh
# /proc/execdomains loses the padding after "Linux" once patched.
state="$1"
got=$(cat /proc/execdomains)
echo "observed: $got"
old=$(printf '0-0\tLinux           \t[kernel]')
new=$(printf '0-0\tLinux\t[kernel]')
case "$state" in
	before|reverted) [ "$got" = "$old" ] ;;
	patched) [ "$got" = "$new" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
