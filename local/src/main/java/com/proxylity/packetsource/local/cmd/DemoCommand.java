package com.proxylity.packetsource.local.cmd;

import com.proxylity.packetsource.local.demo.Demo;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code packet-source demo}: the README's first command. Exit 0 only if everything checked out. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Try it: publish examples through the local stack and check what arrives.",
                "Starts the local stack with a built-in config and a UDP receiver, publishes good and bad example messages"
                        + " with the AWS SDK SnsClient, and shows what arrived next to what was expected.",
                "Exit 0 only if every expected datagram arrived and every bad example was discarded with its reason."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--verbose", description = "Sender logs to stderr.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintStream diag = verbose ? System.err : new PrintStream(OutputStream.nullOutputStream());
        JsonLog.redirect(diag);
        return new Demo(System.out).run(diag) ? 0 : 1;
    }
}
