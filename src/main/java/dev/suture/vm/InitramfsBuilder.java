package dev.suture.vm;

import dev.suture.SutureException;
import dev.suture.kernel.ModuleIndex;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the initramfs of a test VM on the fly: a static busybox userland, Suture's init and agent,
 * the user's files, and the kernel's modules (with their dependencies) to load at boot or on demand.
 */
final class InitramfsBuilder {
    static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final String EXTRA_DIR = "extra";

    private InitramfsBuilder() {
    }

    public static void build(VmSpec spec, OutputStream target) throws IOException {
        build(spec, null, target);
    }

    /** As {@link #build(VmSpec, OutputStream)}, with the guest's persisted /var/lib/suture (a tar) to restore at boot. */
    public static void build(VmSpec spec, Path persistedState, OutputStream target) throws IOException {
        build(spec, persistedState, null, target);
    }

    /** As above, with the VM's SSH host key when {@code spec.ssh()} asks for an SSH server. */
    static void build(VmSpec spec, Path persistedState, Path sshHostKey, OutputStream target) throws IOException {
        String release = spec.kernel().info().release();
        String modRoot = "lib/modules/" + release + "/";
        ModuleIndex index = ModuleIndex.load(spec.kernel().modulesDir());

        Set<String> loadOrder = new LinkedHashSet<>();
        Set<String> shipped = new LinkedHashSet<>();
        List<String> extraDepLines = new ArrayList<>();
        List<Path> externals = new ArrayList<>();
        List<String> bootModules = new ArrayList<>(spec.modules());
        if (spec.ssh() != null) {
            bootModules.addAll(0, GuestSsh.MODULES);
        }
        for (String module : bootModules) {
            if (isModuleFile(module)) {
                Path ko = Path.of(module);
                String guestPath = EXTRA_DIR + "/" + ko.getFileName();
                List<String> deps = new ArrayList<>();
                for (String dep : ModuleInfo.dependencies(ko)) {
                    for (String path : index.loadOrder(dep)) {
                        deps.add(path);
                        loadOrder.add(path);
                    }
                }
                shipped.addAll(deps);
                loadOrder.add(guestPath);
                externals.add(ko);
                extraDepLines.add(guestPath + ":" + (deps.isEmpty() ? "" : " " + String.join(" ", deps)));
            } else {
                List<String> order = index.loadOrder(module);
                loadOrder.addAll(order);
                shipped.addAll(order);
            }
        }
        for (String name : spec.includeModules()) {
            shipped.addAll(index.loadOrder(name));
        }

        try (CpioWriter cpio = new CpioWriter(target)) {
            cpio.file("bin/busybox", staticBusybox(), 0755);
            for (String dir : List.of("dev", "proc", "sys", "tmp", "run", "root", "sbin", "usr/bin", "usr/sbin", "etc")) {
                cpio.directory(dir);
            }
            cpio.file("init", resource("init.sh"), 0755);
            cpio.file("etc/suture/agent.sh", resource("agent.sh"), 0644);
            cpio.file("etc/passwd", (spec.ssh() == null ? "root:x:0:0:root:/root:/bin/sh\n" : GuestSsh.passwd())
                    .getBytes(StandardCharsets.US_ASCII), 0644);
            cpio.file("etc/group", (spec.ssh() == null ? "root:x:0:\n" : GuestSsh.group()).getBytes(StandardCharsets.US_ASCII), 0644);
            if (spec.ssh() != null) {
                GuestSsh.addTo(cpio, spec.ssh(), sshHostKey);
            }
            cpio.file("etc/suture/modules", lines(loadOrder), 0644);

            Path modulesDir = spec.kernel().modulesDir();
            List<String> depLines = new ArrayList<>();
            for (String path : shipped) {
                cpio.file(modRoot + path, modulesDir.resolve(path), 0644);
                depLines.add(index.depLine(path));
            }
            for (Path ko : externals) {
                cpio.file(modRoot + EXTRA_DIR + "/" + ko.getFileName(), ko, 0644);
            }
            depLines.addAll(extraDepLines);
            cpio.file(modRoot + "modules.dep", lines(depLines), 0644);
            for (String meta : List.of("modules.builtin", "modules.order")) {
                Path file = modulesDir.resolve(meta);
                if (Files.isRegularFile(file)) {
                    cpio.file(modRoot + meta, file, 0644);
                }
            }
            if (persistedState != null && Files.isRegularFile(persistedState)) {
                cpio.file("suture-state.tar", persistedState, 0600);
            }
            for (VmSpec.GuestFile file : spec.files()) {
                if (!Files.isRegularFile(file.host())) {
                    throw new SutureException("no such file to copy into the VM: " + file.host(),
                            "give an existing file as --file HOST[:GUEST]");
                }
                cpio.file(file.guest(), file.host(), Files.isExecutable(file.host()) ? 0755 : 0644);
            }
        }
    }

    private static boolean isModuleFile(String module) {
        return module.endsWith(".ko") || module.contains("/");
    }

    private static byte[] lines(Iterable<String> lines) {
        StringBuilder text = new StringBuilder();
        lines.forEach(l -> text.append(l).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = InitramfsBuilder.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        }
    }

    /** The host's busybox, which must be the static build: the initramfs has no C library. */
    static byte[] staticBusybox() {
        if (!Files.isRegularFile(BUSYBOX)) {
            throw new SutureException("busybox is not installed (" + BUSYBOX + " is missing)",
                    "install the static build: apt-get install -y busybox-static");
        }
        try {
            byte[] bytes = Files.readAllBytes(BUSYBOX);
            if (hasInterpreter(bytes)) {
                throw new SutureException(BUSYBOX + " is dynamically linked and cannot run in the VM's initramfs",
                        "install the static build: apt-get install -y busybox-static");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether an ELF64 executable names a program interpreter (PT_INTERP), i.e. is dynamically linked. */
    static boolean hasInterpreter(byte[] elf) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(0x20);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            long at = phoff + (long) i * phentsize;
            if (at + 4 <= elf.length && b.getInt((int) at) == 3) {
                return true;
            }
        }
        return false;
    }
}
