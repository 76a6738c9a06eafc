/* probe: personality(0x100) (an undefined bit), then queries; prints "set R errno E now P". */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	long r, now;
	int err;

	errno = 0;
	r = syscall(SYS_personality, 0x100UL);
	err = errno;
	now = syscall(SYS_personality, 0xffffffffUL);
	printf("set %ld errno %d now 0x%lx\n", r, r < 0 ? err : 0, now);
	return 0;
}
