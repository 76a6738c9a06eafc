package dev.suture.vm;

import java.time.Instant;

/**
 * What Suture records about a running test VM ({@code vm.json} in its directory).
 *
 * @param taintAtBoot {@code /proc/sys/kernel/tainted} once the VM was ready: later taint is compared to it
 */
public record VmState(String name, String release, long pid, Qemu.Accelerator accelerator, Instant startedAt,
                      double bootSeconds, long taintAtBoot, boolean ephemeral, boolean background, Recipe recipe) {

    /** What the VM was booted with, so {@code vm reboot} can boot it the same way. */
    public record Recipe(int cpus, int memoryMb, java.util.List<String> files, java.util.List<String> modules,
                         java.util.List<String> includeModules, String append) {
        static Recipe of(VmSpec spec) {
            return new Recipe(spec.cpus(), spec.memoryMb(),
                    spec.files().stream().map(f -> f.host().toAbsolutePath() + ":" + f.guest()).toList(),
                    spec.modules(), spec.includeModules(), spec.extraKernelArgs());
        }

        VmSpec spec(String name, dev.suture.kernel.CachedKernel kernel) {
            return new VmSpec(name, kernel, cpus, memoryMb, files.stream().map(VmSpec.GuestFile::parse).toList(),
                    modules, includeModules, append);
        }
    }
}
