/**
 * Building against a target kernel: kbuild for external modules, Debian's exact source prepared once, compiling
 * single units (pristine and patched) into private work directories, the include index (which units a header
 * reaches), Makefile knowledge, and the table of special sections probed from the kernel's own headers.
 * May use {@code elf}, {@code kernel} and {@code kernel.debian}.
 */
package dev.suture.kernel.build;
