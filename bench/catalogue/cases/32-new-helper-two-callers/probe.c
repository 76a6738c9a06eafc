/*
 * probe: sethostname("su\ttu") and setdomainname("su\ttu"), then restores both names;
 * prints "hostname R1 domainname R2" with each result as ok or an errno name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *result(int r)
{
	if (!r)
		return "ok";
	return errno == EINVAL ? "EINVAL" : strerror(errno);
}

int main(void)
{
	struct utsname u;
	const char *h, *d;

	if (uname(&u))
		return 2;
	h = result(sethostname("su\ttu", 5));
	d = result(setdomainname("su\ttu", 5));
	if (sethostname(u.nodename, strlen(u.nodename)) ||
	    setdomainname(u.domainname, strlen(u.domainname)))
		perror("restoring the names");
	printf("hostname %s domainname %s\n", h, d);
	return 0;
}
