package dev.suture.machine;

import dev.suture.SutureException;

/**
 * Where Suture acts, as the user names it: {@code local}, {@code vm} (the VM named "default"), {@code vm:NAME},
 * {@code ssh:[USER@]HOST[:PORT]} (an IPv6 address in brackets: {@code ssh:root@[::1]:2222}).
 */
public sealed interface MachineSpec {
    record Local() implements MachineSpec {
    }

    record Vm(String name) implements MachineSpec {
    }

    /** @param user null when not given (the channel's maker fills in the local user name, as ssh does) */
    record Ssh(String user, String host, int port) implements MachineSpec {
    }

    static MachineSpec parse(String text) {
        String t = text == null ? "local" : text.trim();
        if (t.equals("local")) {
            return new Local();
        }
        if (t.equals("vm")) {
            return new Vm("default");
        }
        if (t.startsWith("vm:") && t.length() > 3) {
            return new Vm(t.substring(3));
        }
        if (t.startsWith("ssh:")) {
            return ssh(text, t.substring(4));
        }
        throw new SutureException("unknown machine '" + text + "'", "use local, vm, vm:NAME or ssh:[USER@]HOST[:PORT]");
    }

    private static Ssh ssh(String text, String rest) {
        String fix = "write it as ssh:[USER@]HOST[:PORT], e.g. ssh:root@host.example:22";
        int at = rest.lastIndexOf('@');
        String user = at < 0 ? null : rest.substring(0, at);
        String hostPort = rest.substring(at + 1);
        String host;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new SutureException("unclosed '[' in machine '" + text + "'", fix);
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new SutureException("unexpected '" + after + "' in machine '" + text + "'", fix);
                }
                port = after.substring(1);
            }
        } else {
            int colon = hostPort.indexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? null : hostPort.substring(colon + 1);
        }
        if (user != null && !user.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
            throw new SutureException("invalid user name '" + user + "' in machine '" + text + "'", fix);
        }
        if (!host.matches("[A-Za-z0-9_.:%-]+") || host.startsWith("-")) {
            throw new SutureException("invalid host '" + host + "' in machine '" + text + "'", fix);
        }
        int number = 22;
        if (port != null) {
            number = port.matches("[0-9]{1,5}") ? Integer.parseInt(port) : -1;
            if (number < 1 || number > 65535) {
                throw new SutureException("invalid port '" + port + "' in machine '" + text + "'", "give a port from 1 to 65535");
            }
        }
        return new Ssh(user, host, number);
    }
}
