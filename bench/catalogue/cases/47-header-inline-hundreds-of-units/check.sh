#!/bin/sh
# On a UDP socket, an ioctl of the SIOCPROTOPRIVATE range that UDP does not know, with a
# NULL argument, fails with EFAULT: sock_do_ioctl hands it to dev_ioctl and first reads an
# ifreq from the argument. Patched, is_socket_ioctl_cmd() (include/linux/netdevice.h)
# leaves that range to the protocol, and the answer is ENOTTY. SIOCGIFINDEX for lo, a
# device ioctl through the same path, works in every state.
state="$1"
got=$(/root/probe) || exit 1
echo "observed: $got"
case "$state" in
	before|reverted) [ "$got" = "protoprivate errno EFAULT, lo index 1" ] ;;
	patched) [ "$got" = "protoprivate errno ENOTTY, lo index 1" ] ;;
	*) echo "usage: check.sh before|patched|reverted" >&2; exit 2 ;;
esac
