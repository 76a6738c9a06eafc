/* probe: an unknown ioctl on /dev/urandom; prints "errno NAME". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

int main(void)
{
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd < 0) {
		perror("/dev/urandom");
		return 2;
	}
	if (ioctl(fd, _IO('R', 0x7f)) == 0) {
		printf("ok\n");
		return 0;
	}
	printf("errno %s\n", errno == EINVAL ? "EINVAL" : errno == ENOTTY ? "ENOTTY" : strerror(errno));
	return 0;
}
