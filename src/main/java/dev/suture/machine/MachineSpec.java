package dev.suture.machine;

import dev.suture.SutureException;

/**
 * Where Suture acts, as the user names it: {@code local}, {@code vm} (the VM named "default"),
 * {@code vm:NAME}. SSH machines will add {@code ssh:[USER@]HOST}.
 */
public sealed interface MachineSpec {
    record Local() implements MachineSpec {
    }

    record Vm(String name) implements MachineSpec {
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
        throw new SutureException("unknown machine '" + text + "'", "use local, vm or vm:NAME");
    }
}
