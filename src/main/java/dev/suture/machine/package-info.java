/**
 * Acting on a machine through its channel: the running kernel's identity, preflight (release, build id,
 * run-pre against {@code /proc/kcore}, predicted blockers), loading and unloading, the transition watch and its
 * policies, nudging tasks, the machine lock, editions kept on the machine and boot-time installation. Uses
 * {@code channel}, {@code manifest} and {@code elf} (and {@code kernel.debian}'s HostCommand only to run modinfo on a
 * module here); knows nothing of how patches are built, nor whether the
 * machine is this host, a VM or a remote host.
 */
package dev.suture.machine;
