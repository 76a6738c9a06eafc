/**
 * Target kernels on this host: the cache of exact Debian kernel builds ({@code ~/.cache/suture/kernels/RELEASE}),
 * fetching one into it atomically under a lock, its modules tree and index, the relocatable headers tree.
 *
 * <p>Below it: {@code kernel.debian} (Debian's archive), {@code kernel.symbols} (what the kernel's objects
 * contain) and {@code kernel.build} (compiling against it). May use {@code elf} and {@code kernel.debian};
 * knows nothing of patches, machines or VMs.
 */
package dev.suture.kernel;
