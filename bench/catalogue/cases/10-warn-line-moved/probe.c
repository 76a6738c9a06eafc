/* probe: F_GETOWN_EX on a descriptor that has no owner; prints "type T pid P". */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>

int main(void)
{
	struct f_owner_ex owner = { .type = -1, .pid = -1 };
	int fd = open("/", O_RDONLY);

	if (fd < 0 || fcntl(fd, F_GETOWN_EX, &owner) < 0) {
		perror("F_GETOWN_EX");
		return 2;
	}
	printf("type %d pid %d\n", owner.type, owner.pid);
	return 0;
}
