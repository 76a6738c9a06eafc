package dev.suture.cli;

import dev.suture.SutureException;
import dev.suture.vm.TestVm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code suture vm cp}: copy a host file into a running VM. */
@Command(name = "cp", mixinStandardHelpOptions = true, description = "Copy a host file into a running VM.")
final class VmCpCommand implements Callable<Integer> {
    @Mixin
    VmName vmName;

    @Parameters(index = "0", paramLabel = "HOST", description = "The file on this host.")
    Path host;

    @Parameters(index = "1", paramLabel = "GUEST", description = "Destination path in the VM (a directory ending in '/' keeps the name).")
    String guest;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(host)) {
            throw new SutureException("no such file: " + host, "give an existing regular file to copy");
        }
        TestVm vm = TestVm.attach(vmName.name);
        String destination = guest.endsWith("/") ? guest + host.getFileName() : guest;
        vm.channel().copyIn(host, destination);
        System.err.printf("copied %s to %s:%s (%d bytes)%n", host, vm.channel().describe(), destination, Files.size(host));
        return 0;
    }
}
