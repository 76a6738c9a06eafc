// latency-probe SECONDS: sleeps 200 us at a time and reports the longest gap between two wake-ups (in us),
// i.e. the worst pause a latency-sensitive task saw during the window.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
	long long end = now_ns() + (argc > 1 ? atoll(argv[1]) : 10) * 1000000000LL;
	long long last = now_ns(), worst = 0;
	struct timespec nap = { 0, 200000 };

	while (last < end) {
		nanosleep(&nap, NULL);
		long long t = now_ns();
		if (t - last > worst)
			worst = t - last;
		last = t;
	}
	printf("%lld\n", worst / 1000);
	return 0;
}
