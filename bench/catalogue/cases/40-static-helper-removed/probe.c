/* PR_SET_MM_AUXV with the process's own auxiliary vector, and PR_SET_MM_MAP_SIZE, through prctl(PR_SET_MM). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(void)
{
	unsigned long auxv[64];
	unsigned int size = 0;
	int fd = open("/proc/self/auxv", O_RDONLY);
	ssize_t len = fd < 0 ? -1 : read(fd, auxv, sizeof(auxv));

	if (len <= 0) {
		printf("no auxv: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	if (prctl(PR_SET_MM, PR_SET_MM_AUXV, (unsigned long)auxv, (unsigned long)len, 0) == 0)
		printf("set-auxv=ok");
	else
		printf("set-auxv=%s", errno == EOPNOTSUPP ? "EOPNOTSUPP" : strerror(errno));
	if (prctl(PR_SET_MM, PR_SET_MM_MAP_SIZE, (unsigned long)&size, 0, 0) == 0)
		printf(" map-size=%u\n", size);
	else
		printf(" map-size=%s\n", strerror(errno));
	return 0;
}
