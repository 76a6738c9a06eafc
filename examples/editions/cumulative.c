// Edition C, built with --cumulative: it carries every change (cmdline and loadavg, in their newest form) and
// atomically replaces all editions below it when applied.
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/sched/loadavg.h>
#include <linux/sched/stat.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include "suture.h"

extern char *saved_command_line;
extern int nr_threads;

static int cmdline_c(struct seq_file *m, void *v)
{
	seq_puts(m, saved_command_line);
	seq_puts(m, " edition-c\n");
	return 0;
}
SUTURE_REPLACE(cmdline_proc_show, cmdline_c);

static int loadavg_c(struct seq_file *m, void *v)
{
	unsigned long avnrun[3];

	get_avenrun(avnrun, FIXED_1/200, 0);
	seq_printf(m, "%lu.%02lu %lu.%02lu %lu.%02lu %u/%d %d edition-c\n",
		LOAD_INT(avnrun[0]), LOAD_FRAC(avnrun[0]),
		LOAD_INT(avnrun[1]), LOAD_FRAC(avnrun[1]),
		LOAD_INT(avnrun[2]), LOAD_FRAC(avnrun[2]),
		nr_running(), nr_threads,
		idr_get_cursor(&task_active_pid_ns(current)->idr) - 1);
	return 0;
}
SUTURE_REPLACE(loadavg_proc_show, loadavg_c);
