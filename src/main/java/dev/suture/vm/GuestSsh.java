package dev.suture.vm;

import dev.suture.SutureException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host's side of a VM's SSH server: dropbear, sudo ({@link GuestSudo}) and the libraries they link, taken from
 * this host's Debian packages (dropbear-bin, sudo) into the initramfs; the logins; the VM's own host key, made here
 * so Suture knows it before the VM boots; the forward's local port; and the guest's network driver.
 */
final class GuestSsh {
    static final Path DROPBEAR = Path.of("/usr/sbin/dropbear");
    static final Path DROPBEARKEY = Path.of("/usr/bin/dropbearkey");
    /** The guest's network driver (QEMU's virtio-net-pci) and its bus, loaded at boot with their dependencies. */
    static final List<String> MODULES = List.of("virtio_pci", "virtio_net");
    private static final Pattern LIBRARY = Pattern.compile("(?:=>\\s*)?(/\\S+)\\s+\\(0x");
    private static final String INTERPRETER = "/lib64/ld-linux-x86-64.so.2";

    private GuestSsh() {
    }

    /** The guest's files: dropbear, sudo, their libraries, the host key, the logins and their authorized keys. */
    static void addTo(CpioWriter cpio, SshServer ssh, Path hostKey) throws IOException {
        requireDropbear();
        cpio.file("usr/sbin/dropbear", DROPBEAR, 0755);
        GuestSudo.addTo(cpio);
        Set<Path> libraries = new LinkedHashSet<>(libraries(DROPBEAR));
        for (Path binary : GuestSudo.binaries()) {
            libraries.addAll(libraries(binary));
        }
        for (Path library : libraries) {
            // The loader where the binary names it, the libraries in /lib, which it searches without a cache.
            String guest = library.toString().equals(INTERPRETER) ? INTERPRETER.substring(1) : "lib/" + library.getFileName();
            cpio.file(guest, library, 0755);
        }
        cpio.file("etc/dropbear/host_key", hostKey, 0600);
        byte[] keys = (String.join("\n", ssh.authorizedKeys()) + "\n").getBytes(StandardCharsets.UTF_8);
        cpio.directory("root/.ssh");
        cpio.file("root/.ssh/authorized_keys", keys, 0600);
        cpio.file("home/" + SshServer.USER + "/.ssh/authorized_keys", keys, 0600);
        // Root owns this login's files (init hands the other login its home): dropbear accepts keys owned by the user
        // or by root, and reads them as the user, so the file is readable by all and writable by root alone.
        cpio.file("home/" + SshServer.NO_SUDO_USER + "/.ssh/authorized_keys", keys, 0644);
        cpio.file("etc/shells", "/bin/sh\n".getBytes(StandardCharsets.US_ASCII), 0644);
        cpio.file("etc/suture/ssh", new byte[0], 0644);
    }

    /** /etc/passwd with the non-root logins beside root. */
    static String passwd() {
        return "root:x:0:0:root:/root:/bin/sh\n"
                + login(SshServer.USER, SshServer.USER_UID, "Suture test user with sudo")
                + login(SshServer.NO_SUDO_USER, SshServer.NO_SUDO_USER_UID, "Suture test user without sudo");
    }

    static String group() {
        return "root:x:0:\n" + SshServer.USER + ":x:" + SshServer.USER_UID + ":\n"
                + SshServer.NO_SUDO_USER + ":x:" + SshServer.NO_SUDO_USER_UID + ":\n";
    }

    private static String login(String name, int uid, String comment) {
        return name + ":x:" + uid + ":" + uid + ":" + comment + ":/home/" + name + ":/bin/sh\n";
    }

    /** Makes the VM's host key (dropbear's format) and returns its public line, {@code ssh-ed25519 AAAA...}. */
    static String generateHostKey(Path file) throws IOException {
        requireDropbear();
        Files.deleteIfExists(file);
        String out = run(List.of(DROPBEARKEY.toString(), "-t", "ed25519", "-f", file.toString()));
        return publicLine(out, file);
    }

    /** The public line of a host key made earlier (a VM that reboots keeps its key). */
    static String publicKey(Path file) throws IOException {
        return publicLine(run(List.of(DROPBEARKEY.toString(), "-y", "-f", file.toString())), file);
    }

    /** A free TCP port on 127.0.0.1 for the forward; {@code preferred} (the port before a reboot) when it is free. */
    static int freePort(int preferred) throws IOException {
        if (preferred > 0) {
            try (ServerSocket s = new ServerSocket(preferred, 1, InetAddress.getByName("127.0.0.1"))) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // Someone else has it now: take any.
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static String publicLine(String out, Path file) {
        for (String line : out.split("\n")) {
            if (line.startsWith("ssh-")) {
                String[] parts = line.strip().split("\\s+");
                return parts[0] + " " + parts[1];
            }
        }
        throw new SutureException("dropbearkey made no public key for " + file + ": " + out.strip(),
                "reinstall it: apt-get install --reinstall -y dropbear-bin");
    }

    /** The shared libraries a binary loads, as this host's loader resolves them (ldd), the loader included. */
    static List<Path> libraries(Path binary) throws IOException {
        Set<Path> found = new LinkedHashSet<>();
        for (String line : run(List.of("ldd", binary.toString())).split("\n")) {
            Matcher m = LIBRARY.matcher(line);
            if (m.find()) {
                found.add(Path.of(m.group(1)));
            }
        }
        return new ArrayList<>(found);
    }

    private static void requireDropbear() {
        if (!Files.isExecutable(DROPBEAR) || !Files.isExecutable(DROPBEARKEY)) {
            throw new SutureException("dropbear is not installed (the VM's SSH server comes from this host's packages)",
                    "install it: apt-get install -y --no-install-recommends dropbear-bin");
        }
    }

    private static String run(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SutureException("'" + String.join(" ", argv) + "' did not finish within 30 s", "try again");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new SutureException("'" + String.join(" ", argv) + "' failed: " + out.strip(),
                        "check the dropbear-bin installation (apt-get install --reinstall -y dropbear-bin)");
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new SutureException("interrupted", null, e);
        }
    }
}
