package dev.suture.vm;

import dev.suture.kernel.CachedKernel;
import java.nio.file.Path;
import java.util.List;

/**
 * What to boot: the target kernel, the files to put into the VM, the modules to load at boot and the
 * modules to make loadable later ({@code modprobe NAME} inside the VM).
 *
 * @param modules        {@code .ko} paths or names of the kernel's own modules, loaded at boot in this order
 * @param includeModules names of the kernel's modules to ship, unloaded, with their dependencies
 * @param ssh            an SSH server in the VM, forwarded from 127.0.0.1 on this host, or null for none
 */
public record VmSpec(String name, CachedKernel kernel, int cpus, int memoryMb, List<GuestFile> files,
                     List<String> modules, List<String> includeModules, String extraKernelArgs, SshServer ssh) {

    public static final int DEFAULT_CPUS = 2;
    public static final int DEFAULT_MEMORY_MB = 1024;

    public VmSpec {
        files = List.copyOf(files);
        modules = List.copyOf(modules);
        includeModules = List.copyOf(includeModules);
        extraKernelArgs = extraKernelArgs == null ? "" : extraKernelArgs;
    }

    /** A VM without an SSH server. */
    public VmSpec(String name, CachedKernel kernel, int cpus, int memoryMb, List<GuestFile> files,
                  List<String> modules, List<String> includeModules, String extraKernelArgs) {
        this(name, kernel, cpus, memoryMb, files, modules, includeModules, extraKernelArgs, null);
    }

    public static VmSpec of(String name, CachedKernel kernel) {
        return new VmSpec(name, kernel, DEFAULT_CPUS, DEFAULT_MEMORY_MB, List.of(), List.of(), List.of(), "");
    }

    public VmSpec withFiles(List<GuestFile> more) {
        return new VmSpec(name, kernel, cpus, memoryMb, more, modules, includeModules, extraKernelArgs, ssh);
    }

    public VmSpec withModules(List<String> load, List<String> include) {
        return new VmSpec(name, kernel, cpus, memoryMb, files, load, include, extraKernelArgs, ssh);
    }

    public VmSpec withSsh(SshServer server) {
        return new VmSpec(name, kernel, cpus, memoryMb, files, modules, includeModules, extraKernelArgs, server);
    }

    /** A host file and where it goes in the VM. */
    public record GuestFile(Path host, String guest) {
        /** Parses {@code HOST[:GUEST]}; the default destination is {@code /root/NAME}. */
        public static GuestFile parse(String text) {
            int colon = text.indexOf(':');
            Path host = Path.of(colon < 0 ? text : text.substring(0, colon));
            String guest = colon < 0 ? "/root/" + host.getFileName() : text.substring(colon + 1);
            if (!guest.startsWith("/")) {
                guest = "/root/" + guest;
            }
            return new GuestFile(host, guest);
        }
    }
}
