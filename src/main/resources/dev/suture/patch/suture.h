/* SPDX-License-Identifier: GPL-2.0 */
/*
 * suture.h - annotations for Suture function files.
 *
 * A function file is ordinary kernel C: write the new version of each function you replace, then name
 * what it replaces, after its definition:
 *
 *	static int my_cmdline_proc_show(struct seq_file *m, void *v) { ... }
 *	SUTURE_REPLACE(cmdline_proc_show, my_cmdline_proc_show);
 *
 *	SUTURE_REPLACE_IN(xfs, xfs_fs_statfs, my_xfs_fs_statfs);       -- a function of module xfs
 *	SUTURE_REPLACE_AT(vmlinux, show_val, 2, my_show_val);          -- the 2nd of several statics named show_val
 *
 * The new code may call and use anything of the target kernel, exported or not, global or static, in vmlinux
 * or in a module: declare it (extern) and use it. Suture resolves each such reference against the target
 * kernel's own symbol table. When a static name occurs several times, Suture takes the one in the same
 * source file as the function being replaced, or the one named by:
 *
 *	SUTURE_SYMBOL_AT(vmlinux, show_val, 2);
 *
 * Positions count from 1 in kallsyms order among the symbols of that name in that object, exactly as
 * livepatch's old_sympos does; 'suture build' lists the candidates when a name is ambiguous.
 */
#ifndef _SUTURE_H
#define _SUTURE_H

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/livepatch.h>

/* Suture reads these annotations from the source; the compiler only checks that the new function exists. */
#define SUTURE_REPLACE_AT(object, old, pos, new) \
	static_assert(sizeof(&(new)) == sizeof(void *), "SUTURE_REPLACE: " #new " must be a function")
#define SUTURE_REPLACE_IN(object, old, new) SUTURE_REPLACE_AT(object, old, 0, new)
#define SUTURE_REPLACE(old, new) SUTURE_REPLACE_AT(vmlinux, old, 0, new)
#define SUTURE_SYMBOL_AT(object, name, pos) \
	static_assert((pos) > 0, "SUTURE_SYMBOL_AT: positions count from 1")

#endif /* _SUTURE_H */
