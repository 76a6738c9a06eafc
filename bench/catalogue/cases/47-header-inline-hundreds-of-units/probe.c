/*
 * probe: on a UDP socket, an ioctl in the SIOCPROTOPRIVATE range that the protocol does not know, with no
 * argument, and SIOCGIFINDEX for "lo" (a device ioctl that must keep working); prints
 * "protoprivate errno NAME, lo index N".
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>

int main(void)
{
	struct ifreq ifr;
	const char *name;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0) {
		perror("socket");
		return 2;
	}
	if (ioctl(fd, SIOCPROTOPRIVATE + 3, NULL) == 0) {
		name = "none";
	} else {
		name = errno == EFAULT ? "EFAULT" : errno == ENOTTY ? "ENOTTY" : strerror(errno);
	}
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFINDEX, &ifr) != 0) {
		perror("SIOCGIFINDEX lo");
		return 2;
	}
	printf("protoprivate errno %s, lo index %d\n", name, ifr.ifr_ifindex);
	return 0;
}
