package dev.suture.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code suture demo}: the main job, shown step by step. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Boot the default target kernel in a test VM and show it running.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
