/*
 * probe: compares sysinfo().uptime with /proc/uptime. Retries until both reads of
 * /proc/uptime fall in the same second with a non-zero fraction, then prints
 * "proc S sysinfo U" (U is S+1 when sysinfo rounds up, S when it truncates).
 */
#include <stdio.h>
#include <sys/sysinfo.h>

static int proc_uptime(long *sec, long *centi)
{
	FILE *f = fopen("/proc/uptime", "r");
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "%ld.%ld", sec, centi);
	fclose(f);
	return n == 2 ? 0 : -1;
}

int main(void)
{
	for (int i = 0; i < 200; i++) {
		long s1, c1, s2, c2;
		struct sysinfo si;

		if (proc_uptime(&s1, &c1) || sysinfo(&si) || proc_uptime(&s2, &c2))
			return 2;
		if (s1 == s2 && c1 > 0) {
			printf("proc %ld sysinfo %ld\n", s1, (long)si.uptime);
			return 0;
		}
	}
	printf("no stable sample\n");
	return 1;
}
