// SPDX-License-Identifier: GPL-2.0
/*
 * suture-nudge TID...: move user tasks across a safe point without a signal they could see.
 *
 * A task asleep in a syscall inside a function a livepatch replaces holds the transition up until it next
 * passes through the kernel's exit path. PTRACE_SEIZE + PTRACE_INTERRUPT stops it there (the sleep ends with
 * -ERESTARTSYS, no signal is queued), and PTRACE_DETACH lets it go on: the interrupted syscall restarts by
 * itself, so the task cannot tell it happened, but it has switched to the new code meanwhile.
 *
 * Built without a C library (raw x86-64 syscalls) so the static binary is a few kilobytes: it is copied to
 * targets over slow channels.
 */
#define SYS_write 1
#define SYS_wait4 61
#define SYS_exit 60
#define SYS_ptrace 101
#define PTRACE_DETACH 17
#define PTRACE_SEIZE 0x4206
#define PTRACE_INTERRUPT 0x4207
#define WALL 0x40000000

static long sys(long n, long a, long b, long c, long d)
{
	long ret;
	register long r10 __asm__("r10") = d;

	__asm__ volatile ("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
	return ret;
}

static void say(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	sys(SYS_write, 1, (long)s, n, 0);
}

static long number(const char *s)
{
	long v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

static int nudge(const char *arg)
{
	long tid = number(arg);
	int status;

	say(arg);
	if (sys(SYS_ptrace, PTRACE_SEIZE, tid, 0, 0) != 0) {
		say(" skipped: cannot attach\n");
		return 1;
	}
	if (sys(SYS_ptrace, PTRACE_INTERRUPT, tid, 0, 0) != 0 || sys(SYS_wait4, tid, (long)&status, WALL, 0) < 0) {
		sys(SYS_ptrace, PTRACE_DETACH, tid, 0, 0);
		say(" skipped: cannot interrupt\n");
		return 1;
	}
	if (sys(SYS_ptrace, PTRACE_DETACH, tid, 0, 0) != 0) {
		say(" detach failed\n");
		return 1;
	}
	say(" nudged\n");
	return 0;
}

__attribute__((used)) static void main_c(long *stack)
{
	long argc = stack[0];
	char **argv = (char **)(stack + 1);
	int failed = 0;

	for (long i = 1; i < argc; i++)
		failed |= nudge(argv[i]);
	sys(SYS_exit, failed, 0, 0, 0);
}

__asm__(".global _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall main_c\n");
