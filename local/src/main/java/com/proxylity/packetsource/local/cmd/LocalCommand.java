package com.proxylity.packetsource.local.cmd;

import com.proxylity.packetsource.local.Banner;
import com.proxylity.packetsource.local.LocalMode;
import com.proxylity.packetsource.local.Summary;
import com.proxylity.packetsource.local.SummaryLines;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.LocalWireGuard;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code packet-source local}: runs the whole pipeline on this machine until Ctrl-C. */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline on this machine until Ctrl-C.",
                "A local SNS endpoint, SQS delivery queues with DLQs (ElasticMQ), the state machine over the real stage"
                        + " handlers, the sender on 127.0.0.1, the resource provider and a customers endpoint.",
                "Without --config a built-in example config is used (see config/local.example.yaml)."})
public final class LocalCommand implements Callable<Integer> {
    /** New discards listed under a text summary line; the JSON summary carries the whole ring. */
    static final int LATEST_SHOWN = 5;

    @Option(names = "--config", description = "YAML or JSON config file.")
    Path config;

    @Option(names = "--json", description = "Print the endpoints, ports and public keys as one JSON line, and summaries as JSON lines.")
    boolean json;

    @Option(names = "--summary-seconds", defaultValue = "5",
            description = "Seconds between checks for a new summary line, printed only when something changed (0: none; default ${DEFAULT-VALUE}).")
    int summarySeconds;

    @Option(names = "--verbose", description = "Sender logs and metrics to stderr, one line per discarded entry (Id, Reason, Detail; JSON with --json), and each message an outcome topic receives.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        LocalConfig cfg = config == null ? LocalConfig.builtIn() : LocalConfig.load(config);
        PrintStream diag = verbose ? System.err : new PrintStream(OutputStream.nullOutputStream());
        JsonLog.redirect(diag);
        LocalMode mode = LocalMode.start(cfg, LocalWireGuard.ports(), diag);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            mode.close();
            stopped.countDown();
        }, "local-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (verbose) {
            mode.metrics().discards().watch(e -> diag.println(json ? "{\"discard\":" + Summary.discardJson(mode, e) + "}"
                    : "[local] " + Summary.discardLine(mode, e)));
            // What a customer's outcome topic received (docs/packet-sources.md, "Your own outcomes").
            mode.stack().outcomeTopics().onDelivered(d -> diag.println(json ? "{\"outcomeTopic\":\"" + d.topicArn()
                    + "\",\"message\":" + d.message() + "}" : "[local] outcome topic " + d.topicArn() + ": " + d.message()));
        }
        if (json) {
            System.out.println(Banner.json(mode));
        } else {
            Banner.print(mode, System.out);
            System.out.println("Running. Ctrl-C stops.");
        }
        System.out.flush();
        long shown = 0;
        SummaryLines lines = new SummaryLines();
        while (!stopped.await(summarySeconds <= 0 ? 3600 : summarySeconds, TimeUnit.SECONDS)) {
            if (summarySeconds > 0) {
                String line = json ? "{\"summary\":" + Summary.json(mode) + "}" : "[local] " + Summary.line(mode);
                if (!lines.changed(line)) continue;
                System.out.println(line);
                // --verbose already printed each one as it happened.
                for (var e : Summary.discardsAfter(mode, shown, LATEST_SHOWN)) {
                    if (!json && !verbose) System.out.println("[local]   " + Summary.discardLine(mode, e));
                    shown = e.seq();
                }
            }
        }
        return 0;
    }
}
