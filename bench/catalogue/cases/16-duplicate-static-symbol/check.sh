#!/bin/sh
# A shell sets its loginuid to 0, again to 0, then to 1, reading /proc/self/sessionid
# after each write. Each write starts a new session (id + 1); patched, writing the same
# loginuid keeps the session. The ids come from audit.c's static session_id counter,
# which must keep counting from where "before" left it (recorded in /tmp).
state="$1"
got=$(sh -c '
	echo 0 > /proc/$$/loginuid && a=$(cat /proc/$$/sessionid) &&
	echo 0 > /proc/$$/loginuid && b=$(cat /proc/$$/sessionid) &&
	echo 1 > /proc/$$/loginuid && c=$(cat /proc/$$/sessionid) &&
	echo "$a $b $c"') || { echo "writing loginuid failed"; exit 1; }
echo "observed: session ids $got"
set -- $got
last=$(cat /tmp/case16.last 2>/dev/null || echo 0)
echo "$3" > /tmp/case16.last
[ "$1" -gt "$last" ] || { echo "session ids went backwards ($1 after $last)"; exit 1; }
case "$state" in
	before|reverted) [ "$2" -eq $(($1 + 1)) ] && [ "$3" -eq $(($2 + 1)) ] ;;
	patched) [ "$2" -eq "$1" ] && [ "$3" -eq $(($1 + 1)) ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
