package dev.suture.vm;

import dev.suture.channel.AgentChannel;

import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.kernel.FileTrees;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A test VM booted from a target kernel under QEMU, reachable through its {@link AgentChannel}.
 * Started in the foreground ({@code vm run}: it dies with Suture) or in the background ({@code vm start}).
 */
public final class TestVm implements AutoCloseable {
    public static final Duration DEFAULT_BOOT_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration TAINT_READ_TIMEOUT = Duration.ofSeconds(60);
    private static final int REPORT_LINES = 25;

    private final VmHome home;
    private final VmState state;

    private TestVm(VmHome home, VmState state) {
        this.home = home;
        this.state = state;
    }

    public VmHome home() {
        return home;
    }

    public VmState state() {
        return state;
    }

    public AgentChannel channel() {
        return home.channel();
    }

    /** Boots the VM and returns once its agent answers; on any failure nothing is left running. */
    public static TestVm boot(VmSpec spec, boolean background, boolean ephemeral, Duration bootTimeout,
                              PrintStream progress) throws IOException {
        // A new VM starts clean: nothing kept from an earlier one of the same name.
        Files.deleteIfExists(VmHome.of(spec.name()).persistedState());
        Files.deleteIfExists(VmHome.of(spec.name()).sshHostKey());
        return start(spec, background, ephemeral, bootTimeout, progress, 0);
    }

    /**
     * Reboots the VM: keeps the guest's {@code /var/lib/suture} (installed editions and their boot hook), stops
     * it, and boots the same kernel with the same files and modules again. Returns the new VM.
     */
    public TestVm reboot(Duration bootTimeout, PrintStream progress) throws IOException {
        if (channel().run("[ -d /var/lib/suture ]").ok()) {
            java.nio.file.Files.write(home.persistedState(),
                    channel().readCommand("tar -cf - -C / var/lib/suture 2>/dev/null"));
        } else {
            Files.deleteIfExists(home.persistedState());
        }
        stopQemu();
        VmSpec spec = state.recipe().spec(state.name(),
                dev.suture.kernel.KernelCache.defaultCache().require(dev.suture.kernel.debian.KernelRelease.parse(state.release())));
        progress.printf("rebooting VM '%s'%n", state.name());
        // The same SSH host key, and the same port if it is still free: known_hosts and scripts keep working.
        return start(spec, state.background(), state.ephemeral(), bootTimeout, progress,
                state.sshPort() == null ? 0 : state.sshPort());
    }

    private static TestVm start(VmSpec spec, boolean background, boolean ephemeral, Duration bootTimeout,
                                PrintStream progress, int preferredSshPort) throws IOException {
        VmHome home = VmHome.of(spec.name());
        Optional<TestVm> existing = find(spec.name());
        if (existing.isPresent()) {
            throw new SutureException("VM '" + spec.name() + "' is already running",
                    "use it, or stop it first with 'suture vm stop --name " + spec.name() + "'");
        }
        FileTrees.delete(home.dir());
        Files.createDirectories(home.dir());
        Integer sshPort = null;
        String sshHostKey = null;
        try (var out = Files.newOutputStream(home.initramfs())) {
            if (spec.ssh() != null) {
                sshHostKey = Files.isRegularFile(home.sshHostKey()) ? GuestSsh.publicKey(home.sshHostKey())
                        : GuestSsh.generateHostKey(home.sshHostKey());
                sshPort = GuestSsh.freePort(preferredSshPort);
            }
            InitramfsBuilder.build(spec, home.persistedState(), home.sshHostKey(), out);
        } catch (RuntimeException | IOException e) {
            FileTrees.delete(home.dir());
            throw e;
        }
        Qemu.Accelerator accel = Qemu.accelerator();
        progress.printf("booting %s in VM '%s' (%s, %d CPUs, %d MiB)%n", spec.kernel().info().release(),
                spec.name(), accel.name().toLowerCase(java.util.Locale.ROOT), spec.cpus(), spec.memoryMb());
        long started = System.nanoTime();
        long pid;
        try {
            pid = launch(spec, home, accel, background, sshPort == null ? 0 : sshPort);
        } catch (RuntimeException | IOException e) {
            FileTrees.delete(home.dir());
            throw e;
        }
        VmState provisional = new VmState(spec.name(), spec.kernel().info().release(), pid, accel, Instant.now(),
                0, 0, ephemeral, background, VmState.Recipe.of(spec), sshPort, sshHostKey);
        TestVm vm = new TestVm(home, provisional);
        Json.writeAtomically(home.stateFile(), provisional);
        try {
            vm.awaitAgent(bootTimeout);
            List<KernelProblem> bootProblems = ConsoleScanner.scan(vm.console(0));
            if (!bootProblems.isEmpty()) {
                throw new SutureException("the kernel reported a problem while booting: " + bootProblems.getFirst().describe()
                        + "\n" + String.join("\n", bootProblems.getFirst().context()),
                        "this kernel does not boot cleanly in the test VM; try another release", 125, null);
            }
            if (sshPort != null) {
                Files.writeString(home.knownHosts(), provisional.knownHostsLine() + "\n");
                awaitSsh(vm, sshPort, Duration.ofSeconds(Math.max(30, bootTimeout.toSeconds() / 3)));
            }
            long taint = vm.readTaint();
            double seconds = (System.nanoTime() - started) / 1e9;
            VmState ready = new VmState(spec.name(), provisional.release(), pid, accel, provisional.startedAt(),
                    seconds, taint, ephemeral, background, provisional.recipe(), sshPort, sshHostKey);
            Json.writeAtomically(home.stateFile(), ready);
            progress.printf("VM '%s' ready in %.1f s%n", spec.name(), seconds);
            return new TestVm(home, ready);
        } catch (RuntimeException | IOException e) {
            vm.stop();
            throw e;
        }
    }

    /** The running VM of that name, if there is one. */
    public static Optional<TestVm> find(String name) {
        VmHome home = VmHome.of(name);
        if (!Files.isRegularFile(home.stateFile())) {
            return Optional.empty();
        }
        try {
            VmState state = Json.read(home.stateFile(), VmState.class);
            TestVm vm = new TestVm(home, state);
            return vm.isRunning() ? Optional.of(vm) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The running VM of that name, or an error saying it is not running and which ones are. */
    public static TestVm attach(String name) {
        return find(name).orElseThrow(() -> {
            List<String> running = listRunning().stream().map(vm -> vm.state().name()).toList();
            return new SutureException("VM '" + name + "' is not running"
                    + (running.isEmpty() ? " (no VM is running)" : " (running: " + String.join(", ", running) + ")"),
                    "start it with 'suture vm start --name " + name + "'");
        });
    }

    public static List<TestVm> listRunning() {
        List<TestVm> running = new ArrayList<>();
        for (VmHome home : VmHome.all()) {
            find(home.name()).ifPresent(running::add);
        }
        return running;
    }

    /** True while the recorded QEMU process is alive (and really is this VM's QEMU, not a reused pid). */
    public boolean isRunning() {
        return ProcessHandle.of(state.pid())
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains("suture-" + state.name())).orElse(true))
                .isPresent();
    }

    /** Where the console log stands now: problems reported after this point belong to what runs next. */
    public Snapshot snapshot() throws IOException {
        return new Snapshot(consoleSize(), readTaint());
    }

    /** Kernel problems since the snapshot: console reports, and new taint other than livepatching's. */
    public List<KernelProblem> problemsSince(Snapshot since) {
        List<KernelProblem> problems = new ArrayList<>(ConsoleScanner.scan(console(since.consoleOffset())));
        if (isRunning()) {
            try {
                long taint = readTaint();
                long unexpected = Taint.unexpectedNewBits(since.taint(), taint);
                if (unexpected != 0) {
                    problems.add(new KernelProblem(KernelProblem.Kind.TAINT,
                            "taint " + Taint.letters(unexpected) + " (tainted=" + taint + ")", List.of()));
                }
            } catch (IOException e) {
                // The VM went away between the check and the read: the console shows why.
            }
        }
        return problems;
    }

    /** The console log from a byte offset on. */
    public String console(long fromOffset) {
        Path log = home.consoleLog();
        if (!Files.exists(log)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            if (fromOffset >= length) {
                return "";
            }
            f.seek(fromOffset);
            byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, length - fromOffset)];
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last lines of the console, for error reports. */
    public String consoleTail(int lines) {
        List<String> all = console(0).lines().map(l -> l.replace("\r", "")).toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Stops QEMU and, for an ephemeral VM, removes its directory. Safe to call twice. */
    public void stop() {
        stopQemu();
        try {
            Files.deleteIfExists(home.stateFile());
            Files.deleteIfExists(home.persistedState());
            Files.deleteIfExists(home.sshHostKey());
            if (state.ephemeral()) {
                FileTrees.delete(home.dir());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stopQemu() {
        ProcessHandle.of(state.pid()).ifPresent(p -> {
            if (p.info().commandLine().map(c -> c.contains("suture-" + state.name())).orElse(true)) {
                p.destroy();
                try {
                    p.onExit().get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            }
        });
        try {
            Files.deleteIfExists(home.agentSocket());
            Files.deleteIfExists(home.pidFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static long launch(VmSpec spec, VmHome home, Qemu.Accelerator accel, boolean background, int sshPort)
            throws IOException {
        List<String> argv = Qemu.commandLine(spec, home, accel, background, sshPort);
        ProcessBuilder pb = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(home.qemuLog().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process = pb.start();
        if (!background) {
            return process.pid();
        }
        try {
            // With -daemonize the first process exits once the VM runs; its pid is then in the pid file.
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new SutureException("QEMU failed to start: " + Files.readString(home.qemuLog()).strip(),
                        "check the QEMU installation (apt-get install -y qemu-system-x86)");
            }
            return Long.parseLong(Files.readString(home.pidFile()).trim());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new SutureException("interrupted while starting QEMU", null, e);
        }
    }

    private void awaitAgent(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        AgentChannel agent = channel();
        while (System.nanoTime() < deadline) {
            if (!isRunning()) {
                String qemu = Files.exists(home.qemuLog()) ? Files.readString(home.qemuLog()).strip() : "";
                throw new SutureException("the VM stopped while booting"
                        + (qemu.isEmpty() ? "" : "; QEMU said: " + qemu) + "\nlast console lines:\n" + consoleTail(REPORT_LINES),
                        "see the console lines above; a kernel that panics at boot cannot be tested", 125, null);
            }
            if (Files.exists(home.agentSocket()) && agent.ping(Duration.ofSeconds(1))) {
                return;
            }
            sleep(Duration.ofMillis(100));
        }
        throw new SutureException("the VM did not become ready within " + timeout.toSeconds() + " s; last console lines:\n"
                + consoleTail(REPORT_LINES),
                "raise --boot-timeout, or check that the kernel boots (see the console lines)", 124, null);
    }

    /**
     * Waits for the guest's SSH server to greet through the forward. QEMU accepts a connection on the host side at
     * once, so only the server's banner ({@code SSH-2.0-...}) shows that it listens.
     */
    private static void awaitSsh(TestVm vm, int port, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
                socket.setSoTimeout(3000);
                byte[] banner = socket.getInputStream().readNBytes(4);
                if (new String(banner, StandardCharsets.US_ASCII).equals("SSH-")) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet (or QEMU closed the forwarded connection): try again.
            }
            sleep(Duration.ofMillis(300));
        }
        String log = vm.channel().run("cat /tmp/dropbear.log 2>&1; ip addr 2>&1 | grep -e eth0 -e inet", Duration.ofSeconds(20)).output();
        throw new SutureException("the VM's SSH server did not answer on 127.0.0.1:" + port + " within "
                + timeout.toSeconds() + " s; in the VM: " + log.strip().replaceAll("\\s*\\R\\s*", "; "),
                "check that dropbear-bin is installed on this host (bin/setup) and the kernel has virtio_net", 125, null);
    }

    private long consoleSize() throws IOException {
        return Files.exists(home.consoleLog()) ? Files.size(home.consoleLog()) : 0;
    }

    private long readTaint() throws IOException {
        // A live guest answers at once; a minute tells a hung one apart without the default five.
        return Long.parseLong(channel().readText("/proc/sys/kernel/tainted", TAINT_READ_TIMEOUT).trim());
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SutureException("interrupted", null, e);
        }
    }

    /** A point in a VM's life: console length and taint. */
    public record Snapshot(long consoleOffset, long taint) {
    }
}
