package com.proxylity.packetsource.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.contract.MessageSchema;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.format.Formatters;
import com.proxylity.packetsource.core.pipeline.AdmitStage;
import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import com.proxylity.packetsource.core.pipeline.FormatStage;
import com.proxylity.packetsource.core.pipeline.PurePipeline;
import com.proxylity.packetsource.core.pipeline.RateLimiter;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import com.proxylity.packetsource.core.pipeline.ValidateStage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Runs the pipeline's own sequence ({@link PurePipeline}: Validate, Admit, Format) over message
 * files and shows, per entry, the outcome and the exact bytes that would be sent. Nothing leaves
 * the machine.
 */
@Command(name = "dry-run", mixinStandardHelpOptions = true,
        description = {
                "Show what Packet Source would send for message files, without sending.",
                "",
                "FILE is an SQS event ({\"Records\":[...]}) or a Pipe batch ([...]) whose bodies are SNS "
                        + "envelopes, one SNS envelope, or a bare {\"Messages\":[...]} body. Every topic counts as "
                        + "a registered, enabled Packet Source; WireGuard packets would also need a live session.",
                "",
                "Exit status: 0 every entry would be sent, 1 some were discarded, 2 usage error or unreadable file.",
                ""})
public final class DryRunCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--listener-type", converter = ListenerTypeConverter.class,
            description = "udp | wg | wg-decap (default: the one " + EventsManifest.FILE_NAME
                    + " beside the file names for it, as in test-events/; else udp)")
    ListenerType listenerType;

    @Option(names = "--listener-families", converter = FamiliesConverter.class,
            description = "Remote address families the Listener reaches: ipv4 | ipv6 | dual-stack "
                    + "(default: the ones " + EventsManifest.FILE_NAME + " beside the file names; else ipv4, "
                    + "as a sender bound to 0.0.0.0); others are AddressFamilyUnreachable")
    AddressFamilies listenerFamilies;

    @Option(names = "--json", description = "One machine-readable JSON document instead of text.")
    boolean json;

    /** The old name, still accepted; in dry-run it only ever meant the region checked against. */
    @Option(names = "--region", hidden = true)
    void region(String value) {
        region = value;
    }

    @Option(names = "--egress-region", paramLabel = "REGION",
            description = "Check each message's EgressRegion against this region, as that region's Validate does: "
            + "a missing or different one is discarded. Without it the attribute is not checked.")
    String region;

    @Option(names = "--formatter", description = "The Packet Source's default formatter (entries without Formatter). "
            + "Default: base64.")
    String formatter;

    @Option(names = "--allow", paramLabel = "CIDR[,CIDR...]",
            description = "Address ranges the egress policy allows although denied by default (e.g. 127.0.0.0/8).")
    String allow;

    @Option(names = "--pipe-batch-size", paramLabel = "N", defaultValue = "" + DeploymentNumbers.PIPE_BATCH_SIZE,
            description = "The Pipe's BatchSize (1-10) the deployment runs with: it sets each message's share of the "
                    + "state size limit, beyond which entries are TooLarge (default: ${DEFAULT-VALUE}, as deployed).")
    int pipeBatchSize;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "A message file; - reads standard input.")
    List<Path> files;

    /** What FILE {@code -} reads; tests give their own. */
    InputStream stdin = System.in;

    private static final ObjectMapper OUT = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws IOException {
        if (formatter != null && Formatters.byName(formatter).isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown formatter: " + formatter
                    + " (" + String.join(", ", Formatters.names()) + ")");
        }
        if (pipeBatchSize < 1 || pipeBatchSize > DeploymentNumbers.PIPE_BATCH_SIZE_MAX) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--pipe-batch-size must be 1-"
                    + DeploymentNumbers.PIPE_BATCH_SIZE_MAX);
        }
        EgressPolicy policy = allow == null ? DefaultEgressPolicy.standard() : DefaultEgressPolicy.allowing(allow);
        EventsManifest manifest = new EventsManifest();
        Map<String, PurePipeline> pipelines = new HashMap<>();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        ObjectNode doc = OUT.createObjectNode();
        if (listenerType != null) doc.put("ListenerType", listenerType.wireName());
        doc.put("Region", region);
        ArrayNode filesOut = doc.putArray("Files");
        Map<String, Integer> discards = new TreeMap<>();
        int sent = 0;
        int controls = 0;
        boolean loopbackDenied = false;
        boolean unreadable = false;
        for (Path path : files) {
            MessageFile file;
            try {
                file = MessageFile.read(path, stdin);
            } catch (IOException e) {
                unreadable = true;
                err.println("packet-source dry-run: cannot use " + path + ": " + e.getMessage());
                filesOut.addObject().put("File", path.toString()).put("Error", String.valueOf(e.getMessage()));
                continue;
            }
            if (file.isManifest()) {
                if (!json) out.println(path + " skipped (test-events manifest, not a message)");
                continue;
            }
            // An option given applies to every file; otherwise each file is judged for the Listener it was written for.
            EventsManifest.Listener written = manifest.listenerOf(path);
            ListenerType type = listenerType != null ? listenerType : written.type().orElse(ListenerType.UDP);
            AddressFamilies families = listenerFamilies != null ? listenerFamilies
                    : written.families().orElse(AddressFamilies.IPV4);
            PurePipeline pipeline = pipelines.computeIfAbsent(type.wireName() + " " + families.wireName(),
                    k -> pipeline(type, families, policy));
            List<PurePipeline.Outcome> outcomes = pipeline.run(file.records() != null ? file.records()
                    : List.of(SnsDelivery.record(file.bareId(), file.bareBody(), region)));
            ObjectNode fileOut = filesOut.addObject().put("File", path.toString())
                    .put("ListenerType", type.wireName()).put("ListenerFamilies", families.wireName());
            ArrayNode list = fileOut.putArray("Outcomes");
            if (!json) out.println(path + " (listener type " + type.wireName() + ")");
            for (PurePipeline.Outcome o : outcomes) {
                ObjectNode n = list.addObject().put("Id", o.id());
                if (o instanceof PurePipeline.Packet p) {
                    sent++;
                    describe(n, p.packet());
                    if (!json) printPacket(out, p.packet());
                } else if (o instanceof PurePipeline.Discarded d) {
                    discards.merge(d.discard().reason().name(), 1, Integer::sum);
                    loopbackDenied |= d.discard().reason() == DiscardReason.EgressDenied && allow == null
                            && d.discard().detail() != null && d.discard().detail().contains(" loopback ");
                    n.put("Outcome", "Discarded").put("Reason", d.discard().reason().name())
                            .put("Detail", d.discard().detail());
                    if (!json) out.printf("  %s  Discarded  %s  %s%n", o.id(), d.discard().reason(), d.discard().detail());
                } else if (o instanceof PurePipeline.ControlMessage c) {
                    controls++;
                    n.put("Outcome", "Control").put("Type", c.control().type()).put("TopicArn", c.control().topicArn());
                    if (!json) out.printf("  %s  Control  %s (the pipeline confirms it for registered topics)%n",
                            o.id(), c.control().type());
                }
            }
        }
        int discarded = discards.values().stream().mapToInt(Integer::intValue).sum();
        ObjectNode summary = doc.putObject("Summary");
        summary.put("Sent", sent).put("Discarded", discarded).put("Control", controls);
        ObjectNode byReason = summary.putObject("DiscardedByReason");
        discards.forEach(byReason::put);
        if (json) {
            out.println(OUT.writeValueAsString(doc));
        } else {
            out.printf("summary: %d would be sent, %d discarded%s%s%n", sent, discarded,
                    discards.isEmpty() ? "" : " " + discards, controls == 0 ? "" : ", " + controls + " control");
            if (loopbackDenied) {
                // A message that local mode delivers to a receiver on this machine: say why it differs here.
                out.println("note: loopback is denied as on AWS; local mode allows it (--allow 127.0.0.0/8 checks as local mode does)");
            }
        }
        out.flush();
        if (unreadable) return 2;
        return discarded > 0 ? 1 : 0;
    }

    /** The deployment's sequence; every topic is a source without a rate limit, so none applies. */
    private PurePipeline pipeline(ListenerType type, AddressFamilies families, EgressPolicy policy) {
        ValidateStage validate = new ValidateStage(new DryRunRegistry(type, families, formatter), region,
                Clock.systemUTC(), new MessageSchema(), DryRunEnvelopes.INSTANCE);
        return new PurePipeline(validate,
                new AdmitStage(new StateBudget(pipeBatchSize), RateLimiter.UNLIMITED), new FormatStage(policy));
    }

    private static void describe(ObjectNode n, ReadyPacket p) {
        n.put("Outcome", "Sent")
                .put("Address", p.address())
                .put("Port", p.port())
                .put("PeerKey", p.peerKey())
                .put("Length", p.payload().length)
                .put("PayloadHex", HexFormat.of().formatHex(p.payload()));
    }

    private static void printPacket(PrintWriter out, ReadyPacket p) {
        String what = p.listenerType().isWireGuard() ? "inner IP packet" : "UDP payload";
        String peer = p.peerKey() == null ? "" : " peer " + p.peerKey();
        out.printf("  %s  Sent  %d bytes %s to %s%s%s%n", p.id(), p.payload().length, what,
                p.address().indexOf(':') >= 0 ? "[" + p.address() + "]" : p.address(), ":" + p.port(), peer);
        String hex = HexFormat.of().formatHex(p.payload());
        for (int i = 0; i < hex.length(); i += 64) {
            out.println("      " + hex.substring(i, Math.min(hex.length(), i + 64)));
        }
    }

    static final class FamiliesConverter implements CommandLine.ITypeConverter<AddressFamilies> {
        @Override
        public AddressFamilies convert(String value) {
            try {
                return AddressFamilies.fromWireName(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ListenerTypeConverter implements CommandLine.ITypeConverter<ListenerType> {
        @Override
        public ListenerType convert(String value) {
            try {
                return ListenerType.fromWireName(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
