package com.proxylity.packetsource.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.proxylity.packetsource.core.registry.CustomerAdmin;
import com.proxylity.packetsource.local.cmd.CustomerCommand;
import com.proxylity.packetsource.local.cmd.DemoCommand;
import com.proxylity.packetsource.local.cmd.LocalCommand;
import com.proxylity.packetsource.local.cmd.PublishCommand;
import com.proxylity.packetsource.local.cmd.ReplayCommand;
import com.proxylity.packetsource.local.cmd.ResourceCommand;
import com.proxylity.packetsource.local.cmd.UsageCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * {@code bin/packet-source}: one picocli command with a subcommand class per file. Helpers add
 * their subcommands to the {@code subcommands} list below (docs/architecture.md#command-line).
 */
@Command(name = "packet-source",
        mixinStandardHelpOptions = true,
        versionProvider = PacketSourceCli.Version.class,
        description = "Packet Source: UDP and WireGuard packets from SNS messages.",
        subcommands = {
                DryRunCommand.class,
                DemoCommand.class,
                LocalCommand.class,
                PublishCommand.class,
                ReplayCommand.class,
                ResourceCommand.class,
                CustomerCommand.class,
                UsageCommand.class,
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
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line as {@code main} runs it. A failure inside a command (a file that cannot be
     * read, a queue or topic that does not exist, an endpoint that refuses) is an operator's
     * mistake, not a bug: it prints one line naming the command and the cause, exit 1. The stack
     * trace is printed only with {@code PACKET_SOURCE_DEBUG=1}.
     */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new PacketSourceCli());
        // Descriptions are paragraphs; picocli wraps them at the terminal's width (80 when unknown).
        cl.setUsageHelpAutoWidth(true);
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println(prefix(command) + describe(e) + localHint(e, command));
            if ("1".equals(System.getenv("PACKET_SOURCE_DEBUG"))) e.printStackTrace(command.getErr());
            command.getErr().flush();
            return 1;
        });
        return cl;
    }

    /** {@code packet-source <command> [<subcommand>]: }, the one prefix of every command's errors. */
    public static String prefix(CommandLine command) {
        return command.getCommandSpec().qualifiedName(" ") + ": ";
    }

    static String describe(Throwable e) {
        if (e instanceof NoSuchFileException) return "no such file: " + e.getMessage();
        if (missingCredentials(e)) {
            // The SDK's own message lists every provider of its chain with its internals: a screen
            // of text for "nothing is configured".
            return "no AWS credentials: this command went to AWS, and the SDK's default chain (AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, a container or instance role) found none";
        }
        // Messages written for the operator: they say what to do.
        if (e instanceof CustomerAdmin.Refused
                || e instanceof UncheckedIOException || e instanceof BindException
                || e instanceof IllegalStateException || e.getClass() == IOException.class) {
            return e.getMessage();
        }
        if (e instanceof ConnectException && e.getMessage() != null) return e.getMessage();
        if (e instanceof AccessDeniedException) return "cannot read: " + e.getMessage();
        if (e instanceof JsonProcessingException j) {
            // Not getMessage(): it quotes the input, and a config file may hold a private key.
            var at = j.getLocation();
            return "bad JSON/YAML: " + j.getOriginalMessage()
                    + (at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
        }
        String m = e.getMessage();
        // SDK messages already say what failed ("Topic does not exist (Service: Sns, ...)").
        if (e instanceof SdkException || e instanceof IllegalArgumentException) {
            return m == null ? e.getClass().getSimpleName() : m;
        }
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static boolean missingCredentials(Throwable e) {
        return e instanceof SdkClientException && e.getMessage() != null
                && e.getMessage().startsWith("Unable to load credentials");
    }

    /**
     * A command that reaches AWS unless told a local endpoint: when AWS is what failed, name the
     * option that points it at local mode, since leaving it out is the likelier mistake.
     */
    static String localHint(Throwable e, CommandLine command) {
        if (!missingCredentials(e)) return "";
        for (String option : new String[] {"--local", "--endpoint"}) {
            if (command.getCommandSpec().findOption(option) != null) {
                return "; for local mode give " + option + " URL (the endpoint 'packet-source local' prints)";
            }
        }
        return "";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = PacketSourceCli.class.getPackage().getImplementationVersion();
            return new String[] {"packet-source " + (v == null ? "dev" : v)};
        }
    }
}
