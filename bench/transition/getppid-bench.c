// getppid-bench CALLS: nanoseconds per getppid() system call, averaged over CALLS calls.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	long calls = argc > 1 ? atol(argv[1]) : 1000000;
	struct timespec a, b;
	long sum = 0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < calls; i++)
		sum += syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / calls;
	printf("%.1f\n", ns + (sum == -1 ? 1 : 0) * 0);
	return 0;
}
