// Static functions whose names occur in several files of vmlinux.
//
// /proc/cpuinfo is made by show_cpuinfo, c_start and c_next in arch/x86/kernel/cpu/proc.c; c_start and c_next
// also exist in fs/proc/consoles.c and in another proc.c. This fix
//  - replaces show_cpuinfo (unique) with a version that calls c_start: Suture resolves that reference to the
//    c_start of show_cpuinfo's own translation unit (calling the /proc/consoles one would take the console
//    lock and return a console, not a CPU);
//  - replaces the duplicated static c_next, choosing it by position (1: the lowest address, the cpuinfo one in
//    6.1.0-56-cloud-amd64; 'suture build' lists every candidate with its file when a position is wrong or missing).
#include <linux/seq_file.h>
#include <linux/atomic.h>
#include <asm/processor.h>
#include "suture.h"

extern void *c_start(struct seq_file *m, loff_t *pos);

static atomic_t next_calls = ATOMIC_INIT(0);

static int patched_show_cpuinfo(struct seq_file *m, void *v)
{
	struct cpuinfo_x86 *c = v;
	loff_t pos;
	int online = 0;

	for (pos = 0; c_start(m, &pos); pos++)
		online++;
	seq_printf(m, "processor\t: %u\n", c->cpu_index);
	seq_printf(m, "suture_online\t: %d\n", online);
	seq_printf(m, "suture_next\t: %d\n\n", atomic_read(&next_calls));
	return 0;
}
SUTURE_REPLACE(show_cpuinfo, patched_show_cpuinfo);

static void *patched_c_next(struct seq_file *m, void *v, loff_t *pos)
{
	atomic_inc(&next_calls);
	(*pos)++;
	return c_start(m, pos);
}
SUTURE_REPLACE_AT(vmlinux, c_next, 1, patched_c_next);
