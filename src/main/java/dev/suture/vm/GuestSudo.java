package dev.suture.vm;

import dev.suture.SutureException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Debian's sudo in a test VM that has an SSH server, so a non-root login can be tested as on a real machine:
 * {@link SshServer#USER} may run anything as root without a password, {@link SshServer#NO_SUDO_USER} may not.
 * The binary, its sudoers plugin and the two PAM modules its configuration names come from this host's packages
 * (sudo, libpam-modules); their libraries are added by {@link GuestSsh} with dropbear's.
 */
final class GuestSudo {
    static final Path SUDO = Path.of("/usr/bin/sudo");
    /** The policy plugin; sudo finds it here by its built-in default, so the guest needs no sudo.conf. */
    static final Path SUDOERS_PLUGIN = Path.of("/usr/libexec/sudo/sudoers.so");
    /** Where Debian's libpam looks for modules named without a path. */
    private static final Path PAM_MODULES = Path.of("/lib/x86_64-linux-gnu/security");
    private static final List<String> PAM_MODULE_NAMES = List.of("pam_permit.so", "pam_deny.so");
    /** The sudoers file and sudo itself refuse to work unless root owns them (the archive's entries all do). */
    private static final int SETUID_ROOT = 04755;
    private static final int SUDOERS_MODE = 0440;

    private GuestSudo() {
    }

    /** What the guest runs of sudo, whose shared libraries must be there too. */
    static List<Path> binaries() {
        requireSudo();
        return Stream.concat(Stream.of(SUDO, SUDOERS_PLUGIN), pamModules().stream()).toList();
    }

    /** The guest's sudo: the setuid binary, the plugin, the PAM modules and both configurations. */
    static void addTo(CpioWriter cpio) throws IOException {
        requireSudo();
        cpio.file("usr/bin/sudo", SUDO, SETUID_ROOT);
        cpio.file(SUDOERS_PLUGIN.toString(), SUDOERS_PLUGIN, 0644);
        for (Path module : pamModules()) {
            cpio.file(module.toString(), module, 0644);
        }
        cpio.file("etc/sudoers", sudoers().getBytes(StandardCharsets.US_ASCII), SUDOERS_MODE);
        cpio.file("etc/pam.d/sudo", pam().getBytes(StandardCharsets.US_ASCII), 0644);
    }

    /**
     * Passwordless sudo for {@link SshServer#USER} alone. The guest has no name service, mail or syslog: sudo must
     * not try to resolve its host name (a warning on every command's output otherwise), mail or log.
     */
    static String sudoers() {
        return """
                Defaults !fqdn, !syslog, !mail_no_user, !mail_badpass, !lecture
                Defaults secure_path="/usr/sbin:/usr/bin:/sbin:/bin"
                root ALL=(ALL:ALL) ALL
                %s ALL=(ALL:ALL) NOPASSWD: ALL
                """.formatted(SshServer.USER);
    }

    /**
     * The guest has no passwords: authentication always fails, so only a NOPASSWD rule lets anyone through;
     * account and session checks (which sudo runs even then) pass.
     */
    static String pam() {
        return """
                auth     required pam_deny.so
                account  required pam_permit.so
                session  required pam_permit.so
                password required pam_deny.so
                """;
    }

    private static List<Path> pamModules() {
        return PAM_MODULE_NAMES.stream().map(PAM_MODULES::resolve).toList();
    }

    private static void requireSudo() {
        if (!Files.isExecutable(SUDO) || !Files.isRegularFile(SUDOERS_PLUGIN)) {
            throw new SutureException("sudo is not installed (the VM's SSH server comes with it, from this host's packages)",
                    "install it: apt-get install -y --no-install-recommends sudo");
        }
        for (Path module : pamModules()) {
            if (!Files.isRegularFile(module)) {
                throw new SutureException("the PAM module " + module + " is missing (the VM's sudo uses it)",
                        "install it: apt-get install -y --no-install-recommends libpam-modules");
            }
        }
    }
}
