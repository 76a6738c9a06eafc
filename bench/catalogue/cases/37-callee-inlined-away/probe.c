/*
 * probe N: calls uselib("/nonexistent") N times and prints each result. uselib exists
 * only in the i386 system call table (86): it is reached through int $0x80, with the
 * path in a static buffer whose address fits in 32 bits (gcc -static, not PIE).
 */
#include <stdio.h>
#include <stdlib.h>

static char path[] = "/nonexistent";

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;

	for (int i = 0; i < n; i++) {
		long r;

		__asm__ volatile("int $0x80" : "=a"(r) : "a"(86L), "b"((long)(unsigned long)path) : "memory");
		printf("uselib: %s\n", r == -2 ? "ENOENT" : r == 0 ? "ok" : "other error");
	}
	return 0;
}
