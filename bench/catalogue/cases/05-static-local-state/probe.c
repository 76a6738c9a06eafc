/*
 * probe N: makes the i386 oldfstat system call (28) N times through int $0x80,
 * the only way a 64-bit program reaches cp_old_stat(). Prints each result.
 * Built with gcc -static (not PIE), so the buffer's address fits in 32 bits.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

static char statbuf[64];

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	int fd = open("/", O_RDONLY);

	if (fd < 0) {
		perror("open /");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		long ret;

		__asm__ volatile("int $0x80"
				 : "=a"(ret)
				 : "a"(28L), "b"((long)fd), "c"((long)(unsigned long)statbuf)
				 : "memory");
		printf("oldfstat: %ld\n", ret);
	}
	return 0;
}
