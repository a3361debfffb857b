package com.proxylity.packetsource.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/packet-source}: one picocli command with a subcommand class per file. Helpers add
 * their subcommands to the {@code subcommands} list below (cross-team contract 5).
 */
@Command(name = "packet-source",
        mixinStandardHelpOptions = true,
        versionProvider = PacketSourceCli.Version.class,
        description = "Packet Source: UDP and WireGuard packets from SNS messages.",
        subcommands = {
                DryRunCommand.class,
                com.proxylity.packetsource.local.cmd.DemoCommand.class,
                com.proxylity.packetsource.local.cmd.LocalCommand.class,
                com.proxylity.packetsource.local.cmd.PublishCommand.class,
                com.proxylity.packetsource.local.cmd.ReplayCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class PacketSourceCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No subcommand: show what there is.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // The schema validator logs through SLF4J; without a provider SLF4J warns on stderr.
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        System.exit(new CommandLine(new PacketSourceCli()).execute(args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PacketSourceCli.class.getPackage().getImplementationVersion();
            return new String[] {"packet-source " + (v == null ? "dev" : v)};
        }
    }
}
