/* probe: prctl(PR_SET_NAME, "") then PR_GET_NAME; prints "set R errno E name <N>". */
#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>

int main(void)
{
	char name[17] = "";
	int r, err;

	prctl(PR_SET_NAME, "probe-before", 0, 0, 0);
	errno = 0;
	r = prctl(PR_SET_NAME, "", 0, 0, 0);
	err = errno;
	prctl(PR_GET_NAME, name, 0, 0, 0);
	printf("set %d errno %d name <%s>\n", r, r < 0 ? err : 0, name);
	return 0;
}
