// The syscall path the overhead benchmark patches: getppid, with the same behaviour as the original.
#include <linux/sched.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/ptrace.h>
#include "suture.h"

static long patched_sys_getppid(const struct pt_regs *regs)
{
	int pid;

	rcu_read_lock();
	pid = task_tgid_vnr(rcu_dereference(current->real_parent));
	rcu_read_unlock();
	return pid;
}
SUTURE_REPLACE(__x64_sys_getppid, patched_sys_getppid);
