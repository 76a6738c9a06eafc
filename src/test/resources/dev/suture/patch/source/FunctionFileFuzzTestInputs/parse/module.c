// Replaces a function of the xfs module: /sys/fs/xfs/stats/stats gets a first line saying it was patched.
// The patch can be applied before or after xfs is loaded; livepatch patches xfs when it arrives.
#include <linux/sysfs.h>
#include "suture.h"

struct xfsstats;

static int patched_xfs_stats_format(struct xfsstats __percpu *stats, char *buf)
{
	return sysfs_emit(buf, "suture: xfs stats patched\n");
}
SUTURE_REPLACE_IN(xfs, xfs_stats_format, patched_xfs_stats_format);
