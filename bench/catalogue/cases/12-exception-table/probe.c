/*
 * probe: getdents64("/") into a buffer pre-filled with 0xaa; prints how many bytes of
 * the alignment padding after the names' terminating NULs are not zero.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct dirent64_raw {
	unsigned long long d_ino;
	long long d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static char buf[65536];

int main(void)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY);
	long n;
	int records = 0, padded = 0, dirty = 0;

	memset(buf, 0xaa, sizeof(buf));
	if (fd < 0 || (n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) <= 0) {
		perror("getdents64");
		return 2;
	}
	for (long off = 0; off < n;) {
		struct dirent64_raw *d = (void *)(buf + off);
		size_t end = offsetof(struct dirent64_raw, d_name) + strlen(d->d_name) + 1;

		records++;
		if (end < d->d_reclen)
			padded++;
		for (size_t i = end; i < d->d_reclen; i++)
			if (((unsigned char *)d)[i])
				dirty++;
		off += d->d_reclen;
	}
	printf("records %d padded %d dirty %d\n", records, padded, dirty);
	return 0;
}
