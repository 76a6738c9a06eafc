/**
 * Debian's archive: apt's package lists, package names and versions of kernel builds ({@link
 * dev.suture.kernel.debian.KernelRelease}), downloading with a checksum and unpacking {@code .deb} files.
 * The lowest layer of the kernel side: uses only the top level.
 */
package dev.suture.kernel.debian;
