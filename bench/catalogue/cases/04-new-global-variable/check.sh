#!/bin/sh
# Patched, /proc/version gains a "reads: N" line that grows by one on every read.
state="$1"
a=$(cat /proc/version)
b=$(cat /proc/version)
echo "observed: $a" | head -n 2
echo "observed: $(echo "$b" | tail -n 1)"
case "$state" in
	before|reverted)
		echo "$a" | grep -q '^Linux version ' || exit 1
		! echo "$a$b" | grep -q '^reads: ' ;;
	patched)
		ra=$(echo "$a" | sed -n 's/^reads: \([0-9][0-9]*\)$/\1/p')
		rb=$(echo "$b" | sed -n 's/^reads: \([0-9][0-9]*\)$/\1/p')
		[ -n "$ra" ] && [ -n "$rb" ] && [ "$rb" -eq $((ra + 1)) ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
