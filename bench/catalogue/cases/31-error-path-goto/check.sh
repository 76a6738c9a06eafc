#!/bin/sh
# Writing /proc/2/timerslack_ns (kthreadd) succeeds; patched, it fails with EINVAL.
# Writing a user task's own timerslack_ns keeps working in every state.
state="$1"
if echo 0 > /proc/2/timerslack_ns 2>/dev/null; then k=ok; else k=refused; fi
u=$(sh -c 'echo 70000 > /proc/$$/timerslack_ns && read v < /proc/$$/timerslack_ns && echo $v')
echo "observed: kthreadd write $k; own timerslack_ns after writing 70000: $u"
[ "$u" = 70000 ] || exit 1
case "$state" in
	before|reverted) [ $k = ok ] ;;
	patched) [ $k = refused ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
