// /proc/cmdline also shows how long the kernel command line buffer is, read from the kernel's own
// non-exported saved_command_line: a replacement of a static vmlinux function using a non-exported variable.
#include <linux/seq_file.h>
#include <linux/string.h>
#include "suture.h"

extern char *saved_command_line;

static int patched_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_puts(m, saved_command_line);
	seq_printf(m, " suture.patched=%zu\n", strlen(saved_command_line));
	return 0;
}
SUTURE_REPLACE(cmdline_proc_show, patched_cmdline_proc_show);
