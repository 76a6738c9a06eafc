/**
 * Building a patch module from a fix: {@code source} (function files and diffs as read), {@code diff} (object
 * diff), {@code safety} (the rule book), {@code module} (the pipeline: front-ends, extraction, klp conversion,
 * linking). Here only C string literals, shared by the glue and the object diff. Uses the kernel side,
 * {@code elf} and {@code manifest}; knows nothing of machines or VMs.
 */
package dev.suture.patch;
