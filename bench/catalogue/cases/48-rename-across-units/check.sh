#!/bin/sh
# A task names itself 'su\tu' (a backslash, then t) through /proc/PID/comm and reads the name back from there.
# comm_show prints it raw before; patched, it calls proc_task_comm (the renamed proc_task_name of
# fs/proc/array.c) with escaping on, which doubles the backslash. /proc/PID/status, whose proc_pid_status
# calls the renamed function too, escapes it in every state. The rename happens in a throw-away shell, and
# the name is read by the shell itself: a last command would be exec'd in its place and rename it.
state="$1"
names=$(sh -c 'printf "su\\\\tu" > /proc/$$/comm
read -r comm < /proc/$$/comm
while read -r key value; do [ "$key" = Name: ] && break; done < /proc/$$/status
printf "%s %s" "$comm" "$value"')
printf "observed: comm and status Name read back as: %s\n" "$names"
case "$state" in
	before|reverted) [ "$names" = 'su\tu su\\tu' ] ;;
	patched) [ "$names" = 'su\\tu su\\tu' ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
