#!/bin/sh
# An entry without flags shows "flags: " (with a trailing blank) in its binfmt_misc file;
# patched, "flags:". An entry with the P flag shows "flags: P" in every state. Both
# entries (extensions .sutf and .sutp) are registered for the check and removed again.
state="$1"
d=/proc/sys/fs/binfmt_misc
[ -d $d ] || { echo "binfmt_misc is not loaded"; exit 1; }
[ -e $d/status ] || mount -t binfmt_misc binfmt_misc $d || exit 1
echo ':suture-noflags:E::sutf::/bin/true:' > $d/register || { echo "register failed"; exit 1; }
echo ':suture-pflag:E::sutp::/bin/true:P' > $d/register || { echo -1 > $d/suture-noflags; echo "register failed"; exit 1; }
none=$(grep '^flags' $d/suture-noflags)
p=$(grep '^flags' $d/suture-pflag)
echo -1 > $d/suture-noflags
echo -1 > $d/suture-pflag
echo "observed: [$none] [$p]"
[ "$p" = "flags: P" ] || exit 1
case "$state" in
	before|reverted) [ "$none" = "flags: " ] ;;
	patched) [ "$none" = "flags:" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
