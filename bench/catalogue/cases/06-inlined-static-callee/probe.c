/* probe: fcntl(F_GETOWN) on an O_PATH descriptor; prints "ok N" or "error ERRNO-NAME". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	int fd = open("/", O_PATH);
	int ret;

	if (fd < 0) {
		perror("open / O_PATH");
		return 2;
	}
	/* the raw system call: glibc turns F_GETOWN into F_GETOWN_EX */
	ret = syscall(SYS_fcntl, fd, F_GETOWN);
	if (ret < 0)
		printf("error %s\n", errno == EBADF ? "EBADF" : strerror(errno));
	else
		printf("ok %d\n", ret);
	return 0;
}
