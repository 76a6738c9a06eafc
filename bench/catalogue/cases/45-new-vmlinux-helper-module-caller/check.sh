#!/bin/sh
# binfmt_misc takes what follows the last '.' of the executed path as its extension,
# so a hidden file named ".sutu" runs through the entry for extension sutu (here
# /bin/echo, which prints the file's path). Patched, load_misc_binary (binfmt_misc.ko)
# asks bprm_extension, a new function of fs/exec.c in vmlinux, for which a leading dot
# starts no extension: the file runs as the script it is. "x.sutu" matches throughout.
# The entry and the files are removed again.
state="$1"
d=/proc/sys/fs/binfmt_misc
[ -d $d ] || { echo "binfmt_misc is not loaded"; exit 1; }
[ -e $d/status ] || mount -t binfmt_misc binfmt_misc $d || exit 1
t=/tmp/case45
mkdir -p $t || exit 1
printf '#!/bin/sh\necho script\n' > $t/.sutu
cp $t/.sutu $t/x.sutu
chmod +x $t/.sutu $t/x.sutu
echo ':suture-case45:E::sutu::/bin/echo:' > $d/register || { echo "register failed"; exit 1; }
hidden=$($t/.sutu 2>&1)
plain=$($t/x.sutu 2>&1)
echo -1 > $d/suture-case45
rm -rf $t
got="hidden: $hidden; plain: $plain"
echo "observed: $got"
case "$state" in
	before|reverted) [ "$got" = "hidden: $t/.sutu; plain: $t/x.sutu" ] ;;
	patched) [ "$got" = "hidden: script; plain: $t/x.sutu" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
