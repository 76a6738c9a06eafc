// SPDX-License-Identifier: GPL-2.0
/*
 * Test fixture for Suture's deadline tests: holds the kernel's livepatch lock (klp_mutex) for as long as a test
 * wants, as a livepatch operation that does not end would. Loading it enables an empty livepatch whose pre-patch
 * callback runs under klp_mutex and sleeps until something is written to /proc/suture_klp_holder (at most 60 s,
 * below the kernel's hung-task report). Then the callback fails, so the load fails and nothing stays loaded.
 * While it sleeps, writes to /sys/kernel/livepatch/NAME/enabled and every module load and unload block in the
 * kernel (they take klp_mutex too), exactly the waits Suture must bound by its deadline.
 */
#include <linux/module.h>
#include <linux/livepatch.h>
#include <linux/proc_fs.h>
#include <linux/wait.h>

static DECLARE_WAIT_QUEUE_HEAD(holder_wq);
static bool holder_released;

static ssize_t holder_write(struct file *file, const char __user *ubuf, size_t len, loff_t *pos)
{
	WRITE_ONCE(holder_released, true);
	wake_up_all(&holder_wq);
	return len;
}

static const struct proc_ops holder_ops = { .proc_write = holder_write };

static int holder_pre_patch(struct klp_object *obj)
{
	wait_event_timeout(holder_wq, READ_ONCE(holder_released), 60 * HZ);
	return -EAGAIN;
}

static struct klp_func holder_funcs[] = { { } };

static struct klp_object holder_objs[] = {
	{ .funcs = holder_funcs, .callbacks = { .pre_patch = holder_pre_patch } },
	{ }
};

static struct klp_patch holder_patch = {
	.mod = THIS_MODULE,
	.objs = holder_objs,
};

static int __init holder_init(void)
{
	int ret;

	if (!proc_create("suture_klp_holder", 0200, NULL, &holder_ops))
		return -ENOMEM;
	ret = klp_enable_patch(&holder_patch);
	remove_proc_entry("suture_klp_holder", NULL);
	return ret;
}

static void __exit holder_exit(void)
{
}

module_init(holder_init);
module_exit(holder_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
MODULE_DESCRIPTION("Suture deadline test fixture: holds the livepatch lock");
