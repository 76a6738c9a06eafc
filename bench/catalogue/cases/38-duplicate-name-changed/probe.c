/*
 * probe: maps three pages, makes the middle one PROT_NONE (a guard mapping of its own),
 * then reads /proc/self/maps; prints "guard G rw R" -- how many lines show that guard
 * page as ---p and how many show the rw pages around it.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long start, end;
	char line[512], perms[8];
	int guard = 0, rw = 0;
	FILE *f;

	if (p == MAP_FAILED || mprotect(p + pg, pg, PROT_NONE))
		return 2;
	f = fopen("/proc/self/maps", "r");
	if (!f)
		return 2;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) != 3)
			continue;
		if (start == (unsigned long)p + pg && !strcmp(perms, "---p"))
			guard++;
		if ((start == (unsigned long)p || start == (unsigned long)p + 2 * pg) && !strcmp(perms, "rw-p"))
			rw++;
	}
	printf("guard %d rw %d\n", guard, rw);
	return 0;
}
