package dev.suture.cli;

import dev.suture.SutureException;
import dev.suture.channel.Channel;
import dev.suture.fleet.MachineResult;
import dev.suture.fleet.Outcome;
import dev.suture.machine.RunningKernel;
import dev.suture.machine.TransitionEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * {@code --result FILE}: what the command did to the machine, as one JSON document ({@link MachineResult}), written
 * however the command ends, for a rollout's report. The outcome comes from what happened (the events seen, the
 * step that failed), never from a message's wording alone.
 */
final class ResultOption {
    @Option(names = "--result", paramLabel = "FILE",
            description = "Also write what happened to the machine as JSON (outcome, kernel, blockers, transition time), "
                    + "however the command ends: for a fleet rollout's report.")
    Path file;

    /** Watches one command; {@link #events} must carry its transition events. */
    Recorder start(String action, String machine) {
        return new Recorder(action, machine);
    }

    final class Recorder {
        private final String action;
        private final String machine;
        private String patch;
        private RunningKernel kernel;
        private boolean reached;
        private boolean loaded;
        private TransitionEvent.TimedOut timedOut;
        private Double seconds;

        private Recorder(String action, String machine) {
            this.action = action;
            this.machine = machine;
        }

        /** The command's events, seen on their way to the user. */
        Consumer<TransitionEvent> events(Consumer<TransitionEvent> shown) {
            return e -> {
                switch (e) {
                    case TransitionEvent.Loaded l -> loaded = true;
                    case TransitionEvent.Disabling d -> loaded = true;
                    case TransitionEvent.TimedOut t -> timedOut = t;
                    // The transition's own time; a rollback's completion after a timeout is not it.
                    case TransitionEvent.Completed c when timedOut == null && seconds == null -> seconds = c.seconds();
                    case TransitionEvent.CompletedMixed c when timedOut == null -> seconds = c.seconds();
                    default -> { }
                }
                shown.accept(e);
            };
        }

        /** The machine answered: its kernel is part of the result. */
        void reached(Channel channel) throws IOException {
            reached = true;
            if (file != null) {
                kernel = RunningKernel.read(channel);
            }
        }

        void patch(String name) {
            patch = name;
        }

        /**
         * The machine answered: of {@code given} (a module, or a directory of modules per kernel), the module for the
         * kernel it runs, with its manifest; both are part of the result.
         */
        ModuleChoice.Chosen choose(Path given, Channel channel) throws IOException {
            reached(channel);
            ModuleChoice.Chosen chosen = ModuleChoice.choose(given, channel);
            patch(chosen.manifest().name());
            return chosen;
        }

        void succeeded(Outcome outcome) throws IOException {
            write(outcome, null);
        }

        /** Records the failure, then lets it go on to the user. */
        SutureException failed(SutureException e) {
            Outcome outcome;
            if (!reached) {
                outcome = Outcome.UNREACHABLE;
            } else if (e instanceof ModuleChoice.NoModule) {
                outcome = Outcome.NO_MODULE;
            } else if (timedOut != null) {
                outcome = timedOut.action().startsWith("left") ? Outcome.LEFT_IN_TRANSITION : Outcome.ROLLED_BACK;
            } else if (e instanceof dev.suture.machine.RunPreMismatch) {
                outcome = Outcome.REFUSED_BY_RUN_PRE;
            } else {
                outcome = loaded ? Outcome.FAILED : Outcome.REFUSED;
            }
            try {
                write(outcome, e.getMessage());
            } catch (IOException io) {
                System.err.println("suture: could not write " + file + ": " + io.getMessage());
            }
            return e;
        }

        private void write(Outcome outcome, String reason) throws IOException {
            if (file == null) {
                return;
            }
            List<TransitionEvent.Blocker> blockers = timedOut == null ? List.of() : timedOut.blockers();
            new MachineResult(machine, action, outcome, patch, kernel == null ? null : kernel.release(),
                    kernel == null ? null : kernel.buildId(), reason, blockers, seconds, Instant.now()).write(file);
        }
    }
}
