// Every open /proc/misc gets a new field: how many device lines it has shown so far, printed on each line.
// struct seq_file has no room for it, so the count is a shadow variable attached to the seq_file:
//  - the new misc_seq_show attaches it on first use and counts;
//  - the new seq_release frees it with the seq_file, so a seq_file made later at the same address starts
//    afresh (/proc/misc's files are released by proc_seq_release, which jumps to seq_release);
//  - post_unpatch frees what files still open have, once no task runs the new code: nothing leaks.
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/seq_file.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include "suture.h"

struct misc_lines {
	unsigned int shown;
};
SUTURE_SHADOW(misc_lines, struct misc_lines);

extern struct kmem_cache *seq_file_cache;	/* static in fs/seq_file.c: Suture resolves it */

static int patched_misc_seq_show(struct seq_file *seq, void *v)
{
	const struct miscdevice *p = list_entry(v, struct miscdevice, list);
	struct misc_lines *lines = misc_lines_get_or_alloc(seq, GFP_KERNEL);

	seq_printf(seq, "%3i %s", p->minor, p->name ? p->name : "");
	if (lines) {
		seq_printf(seq, " suture.line=%u", ++lines->shown);
		if (seq_has_overflowed(seq))
			lines->shown--;		/* seq_read shows this line again, with a larger buffer */
	}
	seq_putc(seq, '\n');
	return 0;
}
SUTURE_REPLACE(misc_seq_show, patched_misc_seq_show);

static int patched_seq_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	misc_lines_free(m);
	kvfree(m->buf);
	kmem_cache_free(seq_file_cache, m);
	return 0;
}
SUTURE_REPLACE(seq_release, patched_seq_release);

static void misc_lines_post_patch(struct klp_object *obj)
{
	pr_info("post_patch: open /proc/misc files count their lines (shadow id %lx)\n", misc_lines_id);
}
SUTURE_POST_PATCH(misc_lines_post_patch);

static int freed;

static void count_freed(void *obj, void *shadow_data)
{
	freed++;
}

static void misc_lines_post_unpatch(struct klp_object *obj)
{
	freed = 0;
	misc_lines_free_all_with(count_freed);
	pr_info("post_unpatch: freed the line counts of %d open /proc/misc files\n", freed);
}
SUTURE_POST_UNPATCH(misc_lines_post_unpatch);
