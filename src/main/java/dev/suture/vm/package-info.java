/**
 * Test VMs: QEMU booting a cached target kernel (TCG on one host thread unless KVM demonstrably works) with a
 * busybox initramfs built on the fly, the agent on its second serial port, console and taint watching, and the
 * VM's folder under {@code SutureHome}; on request an SSH server ({@code SshServer}, {@code GuestSsh}: dropbear from
 * this host's package, its own host key, reached only through a QEMU forward from 127.0.0.1), with sudo for a
 * non-root login ({@code GuestSudo}). Uses {@code kernel} and {@code channel}; knows nothing of patches.
 */
package dev.suture.vm;
