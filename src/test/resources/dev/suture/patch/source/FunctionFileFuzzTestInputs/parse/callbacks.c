// /proc/version also tells at which stage of the update it is read, from state that the patch's callbacks
// set up before the new code runs and take down once it stopped running:
//  - pre_patch allocates the state the new function uses; it could refuse the patch (-ENOMEM), and then
//    nothing changes;
//  - post_patch marks the update complete: every task runs the new code;
//  - pre_unpatch marks it leaving, before tasks start moving back to the old code;
//  - post_unpatch frees the state: no task runs the new code any more.
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/seq_file.h>
#include <linux/utsname.h>
#include <linux/slab.h>
#include <linux/atomic.h>
#include "suture.h"

enum version_stage { PATCHING, COMPLETE, UNPATCHING };

struct version_state {
	atomic_t reads;			/* reads of /proc/version by the new code */
	enum version_stage stage;
};

/* Made by pre_patch before any task can run the new code, freed by post_unpatch after the last left it. */
static struct version_state *state;

static const char *const stage_names[] = { "patching", "complete", "unpatching" };

static int patched_version_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, linux_proc_banner, utsname()->sysname, utsname()->release, utsname()->version);
	seq_printf(m, "suture.stage=%s reads=%d\n", stage_names[READ_ONCE(state->stage)],
		   atomic_inc_return(&state->reads));
	return 0;
}
SUTURE_REPLACE(version_proc_show, patched_version_proc_show);

static int version_pre_patch(struct klp_object *obj)
{
	state = kzalloc(sizeof(*state), GFP_KERNEL);
	if (!state)
		return -ENOMEM;		/* refuses the patch: the kernel keeps running the old code */
	pr_info("pre_patch: state allocated\n");
	return 0;
}
SUTURE_PRE_PATCH(version_pre_patch);

static void version_post_patch(struct klp_object *obj)
{
	WRITE_ONCE(state->stage, COMPLETE);
	pr_info("post_patch: every task runs the new code\n");
}
SUTURE_POST_PATCH(version_post_patch);

static void version_pre_unpatch(struct klp_object *obj)
{
	WRITE_ONCE(state->stage, UNPATCHING);
	pr_info("pre_unpatch: %d reads by the new code; tasks move back to the old code\n",
		atomic_read(&state->reads));
}
SUTURE_PRE_UNPATCH(version_pre_unpatch);

static void version_post_unpatch(struct klp_object *obj)
{
	kfree(state);
	state = NULL;
	pr_info("post_unpatch: state freed\n");
}
SUTURE_POST_UNPATCH(version_post_unpatch);
