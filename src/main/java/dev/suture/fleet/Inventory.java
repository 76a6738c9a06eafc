package dev.suture.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.suture.Json;
import dev.suture.SutureException;
import dev.suture.channel.SshAddress;
import dev.suture.channel.SshOptions;
import dev.suture.machine.MachineSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The machines of a fleet: an Ansible inventory, read the way Ansible itself reads it ({@code ansible-inventory
 * --list}: every inventory format and plugin, group and host variables resolved), or a plain list of
 * {@code [USER@]HOST[:PORT]} lines. Ansible's connection variables become Suture's SSH options, so the machines are
 * reached exactly as the playbook reaches them.
 */
public final class Inventory {
    /** One plain line: {@code [USER@]HOST[:PORT]}, IPv6 in brackets. */
    private static final Pattern PLAIN = Pattern.compile("(?:[A-Za-z0-9._-]+@)?(?:\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+)(?::\\d+)?");
    private static final long ANSIBLE_INVENTORY_LIMIT_SECONDS = 120;

    private Inventory() {
    }

    /** The hosts of {@code file}, in the inventory's order; {@code defaults} are the command line's SSH options. */
    public static List<FleetHost> read(Path file, SshOptions defaults) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new SutureException("no inventory at " + file, "give an Ansible inventory or a file of [USER@]HOST[:PORT] lines");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .map(l -> l.replaceFirst("#.*", "").strip()).filter(l -> !l.isEmpty()).toList();
        if (!lines.isEmpty() && lines.stream().allMatch(l -> PLAIN.matcher(l).matches())) {
            List<FleetHost> hosts = new ArrayList<>();
            for (String line : lines) {
                MachineSpec.Ssh ssh = (MachineSpec.Ssh) MachineSpec.parse("ssh:" + line);
                SshAddress address = new SshAddress(ssh.user() != null ? ssh.user() : System.getProperty("user.name"),
                        ssh.host(), ssh.port());
                hosts.add(new FleetHost(line, address, defaults));
            }
            return hosts;
        }
        return fromAnsible(Json.MAPPER.readTree(ansibleInventory(file)), defaults);
    }

    /** The hosts of {@code ansible-inventory --list} output, each with its variables. */
    static List<FleetHost> fromAnsible(JsonNode list, SshOptions defaults) {
        Set<String> names = new LinkedHashSet<>();
        collect(list, "all", names, new LinkedHashSet<>());
        JsonNode hostvars = list.path("_meta").path("hostvars");
        List<FleetHost> hosts = new ArrayList<>();
        for (String name : names) {
            hosts.add(host(name, hostvars.path(name), defaults));
        }
        if (hosts.isEmpty()) {
            throw new SutureException("the inventory lists no hosts", "check it with: ansible-inventory -i FILE --graph");
        }
        return hosts;
    }

    private static void collect(JsonNode list, String group, Set<String> hosts, Set<String> seen) {
        if (!seen.add(group)) {
            return;
        }
        JsonNode node = list.path(group);
        node.path("hosts").forEach(h -> hosts.add(h.asText()));
        node.path("children").forEach(c -> collect(list, c.asText(), hosts, seen));
    }

    private static FleetHost host(String name, JsonNode vars, SshOptions defaults) {
        String host = text(vars, "ansible_host", name);
        int port = Integer.parseInt(text(vars, "ansible_port", String.valueOf(SshAddress.DEFAULT_PORT)));
        String user = text(vars, "ansible_user", System.getProperty("user.name"));
        SshOptions options = defaults;
        String key = text(vars, "ansible_ssh_private_key_file", null);
        if (key != null) {
            options = options.withIdentity(Path.of(key));
        }
        String knownHosts = text(vars, "suture_known_hosts", null);
        if (knownHosts != null) {
            options = options.withKnownHosts(Path.of(knownHosts));
        }
        if (Boolean.parseBoolean(text(vars, "ansible_become", "false"))) {
            options = options.withSudo(true);
        }
        return new FleetHost(name, new SshAddress(user, host, port), options);
    }

    private static String text(JsonNode vars, String key, String otherwise) {
        JsonNode v = vars.get(key);
        return v == null || v.isNull() ? otherwise : v.asText();
    }

    private static String ansibleInventory(Path file) throws IOException {
        List<String> argv = List.of("ansible-inventory", "-i", file.toString(), "--list");
        // Output into files: a pipe nobody reads while waiting could fill and stall the process.
        Path out = Files.createTempFile("suture-inventory", ".json");
        Path err = Files.createTempFile("suture-inventory", ".err");
        try {
            Process p;
            try {
                ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                // An inventory Ansible cannot parse is an error, not a warning and an empty fleet.
                pb.environment().put("ANSIBLE_INVENTORY_UNPARSED_FAILED", "true");
                p = pb.start();
            } catch (IOException e) {
                throw new SutureException("ansible-inventory is not installed (it reads " + file + " as Ansible does)",
                        "install it: apt-get install -y ansible-core; or give a file of [USER@]HOST[:PORT] lines");
            }
            if (!p.waitFor(ANSIBLE_INVENTORY_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SutureException("ansible-inventory did not finish within " + ANSIBLE_INVENTORY_LIMIT_SECONDS + " s",
                        "check the inventory: ansible-inventory -i " + file + " --list");
            }
            if (p.exitValue() != 0) {
                String why = Files.readString(err, StandardCharsets.UTF_8).strip().lines()
                        .filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("exit " + p.exitValue())
                        .replaceFirst("^ERROR! ", "");
                throw new SutureException("ansible-inventory cannot read " + file + ": " + why,
                        "check it with: ansible-inventory -i " + file + " --list");
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SutureException("interrupted", null, e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
