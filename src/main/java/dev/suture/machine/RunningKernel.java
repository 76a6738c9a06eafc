package dev.suture.machine;

import dev.suture.channel.Channel;

import dev.suture.elf.ElfNotes;
import java.io.IOException;

/** The identity of the kernel a machine runs: its release and the build id it carries in its notes. */
public record RunningKernel(String release, String buildId) {
    private static final String NOTES = "/sys/kernel/notes";

    public static RunningKernel read(Channel channel) throws IOException {
        Channel.CommandResult uname = channel.run("uname -r");
        if (!uname.ok()) {
            throw new IOException("cannot run uname on " + channel.describe() + ": " + uname.output().strip());
        }
        String buildId = ElfNotes.parse(channel.readFile(NOTES), channel.describe() + ":" + NOTES).stream()
                .filter(n -> n.type() == ElfNotes.NT_GNU_BUILD_ID && n.name().equals("GNU"))
                .map(ElfNotes.Note::descriptorHex)
                .findFirst().orElse("");
        return new RunningKernel(uname.output().strip(), buildId);
    }
}
