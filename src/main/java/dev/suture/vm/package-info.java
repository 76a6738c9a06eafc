/**
 * Test VMs: QEMU booting a cached target kernel (TCG on one host thread unless KVM demonstrably works) with a
 * busybox initramfs built on the fly, the agent on its second serial port, console and taint watching, and the
 * VM's folder under {@code SutureHome}. Uses {@code kernel} and {@code channel}; knows nothing of patches.
 */
package dev.suture.vm;
