package dev.suture.target;

import dev.suture.SutureException;

/**
 * Where Suture acts, as the user names it: {@code local}, {@code vm} (the VM named "default"),
 * {@code vm:NAME}. SSH targets will add {@code ssh:[USER@]HOST}.
 */
public sealed interface TargetSpec {
    record Local() implements TargetSpec {
    }

    record Vm(String name) implements TargetSpec {
    }

    static TargetSpec parse(String text) {
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
        throw new SutureException("unknown target '" + text + "'", "use local, vm or vm:NAME");
    }
}
