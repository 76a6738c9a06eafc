/**
 * What a target kernel's objects contain: symbol tables of vmlinux and its modules with livepatch positions,
 * exports ({@code Module.symvers}), which functions ftrace can redirect, and each function's original code with
 * the bytes the kernel rewrites at run time masked (run-pre). May use {@code elf}, {@code kernel} and
 * {@code kernel.build} (the special-section table).
 */
package dev.suture.kernel.symbols;
