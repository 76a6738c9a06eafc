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
 *
 * State across the update
 * -----------------------
 *
 * Callbacks run when the update takes effect and when it is taken back (livepatch callbacks, see the
 * kernel's Documentation/livepatch/callbacks.rst). Name them after their definition, like replacements:
 *
 *	static int my_pre(struct klp_object *obj) { ...; return 0; }
 *	SUTURE_PRE_PATCH(my_pre);       before any task can run the new code; an error return refuses the patch
 *	SUTURE_POST_PATCH(my_post);     once every task runs the new code
 *	SUTURE_PRE_UNPATCH(my_leave);   on revert, before tasks start moving back to the old code
 *	SUTURE_POST_UNPATCH(my_gone);   once no task runs the new code any more
 *	SUTURE_POST_PATCH_IN(xfs, my_xfs_post);   ... and each as _IN(object, fn): a module's callbacks
 *
 * A pre_patch callback is int fn(struct klp_object *obj), the others void fn(struct klp_object *obj); the
 * compiler checks it at the annotation. Each object has at most one callback of each kind.
 *
 * Callbacks belong to one object (vmlinux, or a module) and run only while it is loaded: for a module that
 * loads after the patch, pre_patch and post_patch run as it loads (a refusing pre_patch then refuses the
 * module), pre_unpatch and post_unpatch as it unloads. Objects run theirs in order, vmlinux first, then
 * modules in the order the file first names them. An object may have callbacks and no replaced function.
 * A refused or failed apply runs post_unpatch of each object whose pre_patch had succeeded: what a pre_patch
 * sets up, its post_unpatch takes down. Set up in pre_patch what the new code needs before it runs (memory,
 * a lock, a flag), switch behaviour in post_patch, switch it back in pre_unpatch, and free in post_unpatch
 * what the new code used: by then no task runs it. Callbacks run in process context and may sleep. When a
 * cumulative edition replaces this one, only the new edition's callbacks run: this edition's pre_unpatch and
 * post_unpatch do not, and the new edition takes over whatever state it left.
 *
 * Shadow variables attach new fields to existing kernel objects without changing their layout (the
 * kernel's Documentation/livepatch/shadow-vars.rst): data kept aside, found by the object's address and
 * an id.
 *
 *	struct conn_extra { unsigned int retries; };
 *	SUTURE_SHADOW(conn_extra, struct conn_extra);
 *
 * declares, for that type:
 *
 *	conn_extra_get(obj)                    the object's data, or NULL
 *	conn_extra_get_or_alloc(obj, gfp)      the object's data, made zero-filled on first use; NULL without memory
 *	conn_extra_get_or_init(obj, gfp, ctor, ctor_data)
 *	                                       ... made by int ctor(void *obj, void *data, void *ctor_data) on first
 *	                                       use (under a spinlock: ctor must not sleep; nonzero: nothing made)
 *	conn_extra_free(obj)                   frees the object's data, if any
 *	conn_extra_free_all()                  frees conn_extra of every object
 *	conn_extra_free_with(obj, dtor)        ... calling void dtor(void *obj, void *data) first
 *	conn_extra_free_all_with(dtor)         ... for each (under a spinlock: dtor must not sleep)
 *	conn_extra_id                          the id (unsigned long)
 *
 * The id is the 64-bit FNV-1a hash of the name ("conn_extra"), computed by the compiler: stable across builds
 * and editions. Every patch on a machine that uses a name sees the same data. A later cumulative edition that
 * declares the same name with the same type takes over what the edition it replaces attached (whose
 * post_unpatch does not run, so frees nothing). Stacked editions should not share a name: the first one
 * reverted would free data the other still uses. Choose names specific to the fix.
 * SUTURE_SHADOW_ID(name, type, 0x1234) gives an id explicitly (a number literal), e.g. to share data with a
 * patch built by another tool.
 *
 * Data attached to an object lives until it is freed: free it where the object dies (replace the object's
 * release function if need be), and free what is left in post_unpatch with name_free_all(), so nothing leaks
 * when the patch is reverted. Shadow data is zero-filled memory of sizeof(type); the functions may be called
 * in any context when gfp allows it (GFP_ATOMIC where sleeping is not allowed).
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

/* Callbacks: Suture puts them into the object's klp_callbacks; the compiler checks their types. */
#define __SUTURE_CALLBACK(kind, fn, type, form) \
	static_assert(__builtin_types_compatible_p(typeof(&(fn)), type), \
		      "SUTURE_" kind ": " #fn " must be " form)
#define SUTURE_PRE_PATCH_IN(object, fn) \
	__SUTURE_CALLBACK("PRE_PATCH", fn, int (*)(struct klp_object *), "int " #fn "(struct klp_object *obj)")
#define SUTURE_POST_PATCH_IN(object, fn) \
	__SUTURE_CALLBACK("POST_PATCH", fn, void (*)(struct klp_object *), "void " #fn "(struct klp_object *obj)")
#define SUTURE_PRE_UNPATCH_IN(object, fn) \
	__SUTURE_CALLBACK("PRE_UNPATCH", fn, void (*)(struct klp_object *), "void " #fn "(struct klp_object *obj)")
#define SUTURE_POST_UNPATCH_IN(object, fn) \
	__SUTURE_CALLBACK("POST_UNPATCH", fn, void (*)(struct klp_object *), "void " #fn "(struct klp_object *obj)")
#define SUTURE_PRE_PATCH(fn) SUTURE_PRE_PATCH_IN(vmlinux, fn)
#define SUTURE_POST_PATCH(fn) SUTURE_POST_PATCH_IN(vmlinux, fn)
#define SUTURE_PRE_UNPATCH(fn) SUTURE_PRE_UNPATCH_IN(vmlinux, fn)
#define SUTURE_POST_UNPATCH(fn) SUTURE_POST_UNPATCH_IN(vmlinux, fn)

/*
 * 64-bit FNV-1a of a string literal of up to 64 characters, as a constant the compiler folds: each step
 * past the end xors the terminating NUL and multiplies by 1, leaving the hash as it is.
 */
#define __SUTURE_FNV_1(h, s, i) \
	(((h) ^ (unsigned long)(unsigned char)(s)[(i) < sizeof(s) - 1 ? (i) : sizeof(s) - 1]) * \
	 ((i) < sizeof(s) - 1 ? 0x100000001b3UL : 1UL))
#define __SUTURE_FNV_4(h, s, i) \
	__SUTURE_FNV_1(__SUTURE_FNV_1(__SUTURE_FNV_1(__SUTURE_FNV_1(h, s, i), s, (i) + 1), s, (i) + 2), s, (i) + 3)
#define __SUTURE_FNV_16(h, s, i) \
	__SUTURE_FNV_4(__SUTURE_FNV_4(__SUTURE_FNV_4(__SUTURE_FNV_4(h, s, i), s, (i) + 4), s, (i) + 8), s, (i) + 12)
#define __SUTURE_FNV_64(s) \
	__SUTURE_FNV_16(__SUTURE_FNV_16(__SUTURE_FNV_16(__SUTURE_FNV_16(0xcbf29ce484222325UL, s, 0), s, 16), \
		s, 32), s, 48)

#define __SUTURE_SHADOW(name, type, idval)							\
	static const unsigned long name##_id __maybe_unused = (idval);				\
	static inline __maybe_unused typeof(type) *name##_get(const void *obj)			\
	{											\
		return klp_shadow_get((void *)obj, name##_id);					\
	}											\
	static inline __maybe_unused typeof(type) *name##_get_or_init(const void *obj, gfp_t gfp,	\
			klp_shadow_ctor_t ctor, void *ctor_data)				\
	{											\
		return klp_shadow_get_or_alloc((void *)obj, name##_id, sizeof(type), gfp,	\
					       ctor, ctor_data);				\
	}											\
	static inline __maybe_unused typeof(type) *name##_get_or_alloc(const void *obj, gfp_t gfp) \
	{											\
		return name##_get_or_init(obj, gfp, NULL, NULL);				\
	}											\
	static inline __maybe_unused void name##_free_with(const void *obj, klp_shadow_dtor_t dtor) \
	{											\
		klp_shadow_free((void *)obj, name##_id, dtor);					\
	}											\
	static inline __maybe_unused void name##_free(const void *obj)				\
	{											\
		name##_free_with(obj, NULL);							\
	}											\
	static inline __maybe_unused void name##_free_all_with(klp_shadow_dtor_t dtor)		\
	{											\
		klp_shadow_free_all(name##_id, dtor);						\
	}											\
	static inline __maybe_unused void name##_free_all(void)					\
	{											\
		name##_free_all_with(NULL);							\
	}											\
	static_assert(sizeof(type) > 0, "SUTURE_SHADOW: " #name " needs a complete type")

/* A shadow variable: new data attached to existing objects, found by the object's address and the id. */
#define SUTURE_SHADOW(name, type)								\
	static_assert(sizeof(#name) <= 65, "SUTURE_SHADOW: " #name ": names have at most 64 characters"); \
	__SUTURE_SHADOW(name, type, __SUTURE_FNV_64(#name))
#define SUTURE_SHADOW_ID(name, type, id) __SUTURE_SHADOW(name, type, id)

#endif /* _SUTURE_H */
