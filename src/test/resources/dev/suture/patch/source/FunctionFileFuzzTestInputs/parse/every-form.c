#include "suture.h"
static int a(void) { return 1; }
SUTURE_REPLACE(old_a, a);
SUTURE_REPLACE_IN(xfs, xfs_thing, b);
SUTURE_REPLACE_AT(vmlinux, show_val, 2, c);
SUTURE_SYMBOL_AT(vmlinux, helper, 3);
SUTURE_SHADOW_ID(extra, struct { int a, b; }, 0x5e7a);
SUTURE_POST_UNPATCH_IN(ext4, done);
