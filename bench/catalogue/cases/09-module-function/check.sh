#!/bin/sh
# binfmt_misc's status file says "enabled"; patched, it also counts the registered
# entries. One entry (extension .sutu) is registered for the check and removed again.
state="$1"
d=/proc/sys/fs/binfmt_misc
[ -d $d ] || { echo "binfmt_misc is not loaded"; exit 1; }
[ -e $d/status ] || mount -t binfmt_misc binfmt_misc $d || exit 1
echo ':suture-check:E::sutu::/bin/true:' > $d/register || { echo "register failed"; exit 1; }
got=$(cat $d/status)
echo -1 > $d/suture-check
echo "observed: $(echo $got)"
case "$state" in
	before|reverted) [ "$got" = "enabled" ] ;;
	patched) [ "$got" = "$(printf 'enabled\nentries 1')" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
