package dev.suture.vm;

import dev.suture.SutureException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The host's QEMU: where it is, which accelerator really works, and the command line for a test VM. */
final class Qemu {
    static final String BINARY = "qemu-system-x86_64";
    private static volatile Accelerator probed;

    /** How guest code runs: KVM when it demonstrably works, TCG (software emulation) everywhere else. */
    public enum Accelerator {
        KVM, TCG
    }

    private Qemu() {
    }

    public static Path binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, BINARY);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new SutureException("QEMU is not installed (" + BINARY + " not found on PATH)",
                "install it: apt-get install -y --no-install-recommends qemu-system-x86");
    }

    /**
     * KVM only if {@code /dev/kvm} opens and QEMU can create a KVM machine with it; nested KVM often
     * advertises itself and then fails. {@code SUTURE_ACCEL=tcg|kvm} overrides the probe.
     */
    public static Accelerator accelerator() {
        String forced = System.getenv("SUTURE_ACCEL");
        if (forced != null && !forced.isBlank()) {
            return Accelerator.valueOf(forced.trim().toUpperCase(java.util.Locale.ROOT));
        }
        Accelerator result = probed;
        if (result == null) {
            result = probeKvm() ? Accelerator.KVM : Accelerator.TCG;
            probed = result;
        }
        return result;
    }

    private static boolean probeKvm() {
        Path kvm = Path.of("/dev/kvm");
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(binary().toString(), "-accel", "kvm", "-machine", "pc", "-cpu", "host",
                    "-nodefaults", "-display", "none", "-monitor", "stdio", "-S")
                    .redirectErrorStream(true).start();
            p.getOutputStream().write("quit\n".getBytes(StandardCharsets.US_ASCII));
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.exitValue() == 0 && !out.contains("failed") && !out.contains("error");
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * TCG runs all vCPUs on one host thread. With a thread per vCPU (QEMU 7.2's default), a guest that
     * patches its own hot code (a static key flipped by enabling a trace event, while another vCPU runs the
     * patched function) livelocks within minutes when the host is busy: both vCPUs spin and the guest never
     * answers again. One thread keeps two guest CPUs, their interleaving and preemption, and is stable.
     */
    private static final String TCG = "tcg,thread=single";

    /** The QEMU command line: no devices but two serial ports (console log file, agent socket). */
    static List<String> commandLine(VmSpec spec, VmHome home, Accelerator accel, boolean daemonize) {
        return commandLine(spec, home, accel, daemonize, 0);
    }

    /**
     * With {@code sshPort} > 0, one network card on QEMU's user network: restricted (the guest reaches nothing
     * outside) with a single forward, from 127.0.0.1:sshPort on this host to the guest's port 22.
     */
    static List<String> commandLine(VmSpec spec, VmHome home, Accelerator accel, boolean daemonize, int sshPort) {
        List<String> argv = new ArrayList<>(List.of(
                binary().toString(),
                "-name", "suture-" + spec.name(),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-machine", "pc",
                "-accel", accel == Accelerator.KVM ? "kvm" : TCG,
                "-cpu", accel == Accelerator.KVM ? "host" : "max",
                "-smp", Integer.toString(spec.cpus()),
                "-m", spec.memoryMb() + "M",
                "-kernel", spec.kernel().vmlinuz().toString(),
                "-initrd", home.initramfs().toString(),
                "-append", kernelCommandLine(spec),
                "-chardev", "file,id=console,path=" + home.consoleLog(),
                "-serial", "chardev:console",
                "-chardev", "socket,id=agent,path=" + home.agentSocket() + ",server=on,wait=off",
                "-serial", "chardev:agent",
                "-pidfile", home.pidFile().toString()));
        if (sshPort > 0) {
            argv.addAll(List.of("-netdev", "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:" + sshPort + "-:22",
                    "-device", "virtio-net-pci,netdev=net0"));
        }
        if (daemonize) {
            argv.add("-daemonize");
        }
        return argv;
    }

    /**
     * loglevel=5 puts WARN and worse on the console for the scanner while keeping boot chatter (info)
     * off the slow emulated UART; panic=-1 with -no-reboot makes a panicking guest end QEMU at once.
     */
    static String kernelCommandLine(VmSpec spec) {
        String base = "console=ttyS0,115200 loglevel=5 panic=-1 rdinit=/init";
        return spec.extraKernelArgs().isBlank() ? base : base + " " + spec.extraKernelArgs();
    }
}
