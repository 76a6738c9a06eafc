#!/bin/sh
# A fresh FAT file system on /dev/ram0 (brd): a new file is mode 755 (S_IRWXUGO minus
# the umask); patched, 644 -- fat_make_mode() no longer grants execute bits.
state="$1"
dev=/dev/ram0
mnt=/tmp/case22
[ -b $dev ] || { echo "$dev missing (brd not loaded)"; exit 1; }
mkdosfs $dev > /dev/null 2>&1 || { echo "mkdosfs failed"; exit 1; }
mkdir -p $mnt
mount -t vfat $dev $mnt || { echo "mount failed"; exit 1; }
(umask 022; touch $mnt/file)
mode=$(stat -c %a $mnt/file)
umount $mnt
echo "observed: new file mode $mode"
case "$state" in
	before|reverted) [ "$mode" = 755 ] ;;
	patched) [ "$mode" = 644 ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
