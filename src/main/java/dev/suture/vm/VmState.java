package dev.suture.vm;

import java.time.Instant;

/**
 * What Suture records about a running test VM ({@code vm.json} in its directory).
 *
 * @param taintAtBoot {@code /proc/sys/kernel/tainted} once the VM was ready: later taint is compared to it
 */
public record VmState(String name, String release, long pid, Qemu.Accelerator accelerator, Instant startedAt,
                      double bootSeconds, long taintAtBoot, boolean ephemeral) {
}
