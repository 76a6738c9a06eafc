package dev.suture.machine;

import dev.suture.channel.Channel;
import dev.suture.channel.ShellQuote;

import dev.suture.SutureException;
import dev.suture.manifest.PatchManifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Keeps editions on a machine so they are applied again at boot: the module and its release go to
 * {@code /var/lib/suture/installed}, and a boot hook loads them — a systemd unit on hosts that have systemd,
 * the init of Suture's test VMs otherwise (it runs {@code /var/lib/suture/bin/load-editions} when present).
 */
public final class Installer {
    public static final String DIR = "/var/lib/suture/installed";
    static final String HOOK = "/var/lib/suture/bin/load-editions";
    private static final String UNIT = "/etc/systemd/system/suture-editions.service";

    private final Channel channel;

    public Installer(Channel channel) {
        this.channel = channel;
    }

    /** Installs the edition for future boots (it should be applied now too; see {@link PatchApplier}). */
    public void install(Path ko, PatchManifest manifest) throws IOException {
        try {
            installFiles(ko, manifest);
        } catch (DeadlinePassed e) {
            throw new SutureException("install of " + manifest.name() + " stopped at its " + e.timeoutSeconds()
                    + " s deadline while waiting for " + channel.describe() + " to " + e.call() + " (" + e.detail()
                    + "); it may be installed only in part", "run " + Remedy.suture(channel, "uninstall", manifest.name())
                    + " and install it again", 2, e);
        }
    }

    private void installFiles(Path ko, PatchManifest manifest) throws IOException {
        String name = manifest.name();
        // Staged under a name of its own, then renamed: a boot, or another install, never reads a mixture.
        String staged = DIR + "/." + name + "." + Staging.token() + ".staged";
        channel.copyIn(ko, staged);
        Staging.moveIntoPlace(channel, staged, DIR + "/" + name + ".ko");
        channel.writeFile(DIR + "/" + name + ".release", manifest.release().getBytes(StandardCharsets.UTF_8), 0644);
        // Install order decides load order at boot: a file per edition named by time, holding the name.
        String order = String.format("%020d-%s.order", Instant.now().toEpochMilli(), name);
        channel.run("rm -f " + DIR + "/*-" + name + ".order");
        channel.writeFile(DIR + "/" + order, name.getBytes(StandardCharsets.UTF_8), 0644);
        channel.writeFile(HOOK, resource("load-editions.sh"), 0755);
        if (channel.run("command -v systemctl >/dev/null && [ -d /run/systemd/system ]").ok()) {
            channel.writeFile(UNIT, resource("suture-editions.service"), 0644);
            Channel.CommandResult enable = channel.run("systemctl daemon-reload && systemctl enable suture-editions.service 2>&1");
            if (!enable.ok()) {
                throw new SutureException("could not enable the boot hook on " + channel.describe() + ": "
                        + enable.output().strip(), "check systemd on the machine");
            }
        }
    }

    /** Removes the edition from future boots; it stays applied until reverted. */
    public void uninstall(String name) throws IOException {
        try {
            removeFiles(name);
        } catch (DeadlinePassed e) {
            throw new SutureException("uninstall of " + name + " stopped at its " + e.timeoutSeconds()
                    + " s deadline while waiting for " + channel.describe() + " to " + e.call() + " (" + e.detail()
                    + "); it may still be installed", "see " + Remedy.suture(channel, "list", "--installed")
                    + " and run uninstall again", 2, e);
        }
    }

    private void removeFiles(String name) throws IOException {
        if (!channel.run("[ -f " + DIR + "/" + ShellQuote.quote(name + ".ko") + " ]").ok()) {
            throw new SutureException("no installed edition named " + name + " on " + channel.describe()
                    + installedSuffix(), "see " + Remedy.suture(channel, "list", "--installed"));
        }
        channel.run("rm -f " + DIR + "/" + name + ".ko " + DIR + "/" + name + ".release " + DIR + "/*-" + name + ".order");
    }

    /** Installed editions, in boot order. */
    public List<String> installed() throws IOException {
        return channel.run("for f in $(ls " + DIR + " 2>/dev/null | grep '\\.order$' | sort); do cat " + DIR + "/$f; echo; done; exit 0")
                .output().lines().filter(l -> !l.isBlank()).toList();
    }

    private String installedSuffix() throws IOException {
        List<String> names = installed();
        return names.isEmpty() ? " (none is installed)" : " (installed: " + String.join(", ", names) + ")";
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Installer.class.getResourceAsStream("/dev/suture/machine/" + name)) {
            return in.readAllBytes();
        }
    }
}
