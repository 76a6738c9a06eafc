#!/bin/sh
# A shell renames itself to "su<TAB>tu" through /proc/PID/comm with the task:task_rename
# event enabled. Patched, the tab becomes '?', in the name and in the traced event.
state="$1"
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs tracefs $T 2>/dev/null
ev=$T/events/task/task_rename/enable
[ -w $ev ] || { echo "no task_rename trace event"; exit 1; }
echo > $T/trace
echo 1 > $ev
got=$(sh -c 'printf "su\ttu" > /proc/$$/comm; od -An -tx1 < /proc/$$/comm; :' | tr -d ' \n')
echo 0 > $ev
tab=$(grep -c "$(printf 'newcomm=su\ttu ')" $T/trace)
qm=$(grep -c 'newcomm=su?tu ' $T/trace)
echo "observed: comm bytes $got; traced renames: $tab with the tab, $qm with '?'"
case "$state" in
	before|reverted) [ "$got" = 73750974750a ] && [ "$tab" -ge 1 ] && [ "$qm" -eq 0 ] ;;
	patched) [ "$got" = 73753f74750a ] && [ "$qm" -ge 1 ] && [ "$tab" -eq 0 ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
