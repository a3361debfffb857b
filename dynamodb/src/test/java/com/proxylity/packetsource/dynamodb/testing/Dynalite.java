package com.proxylity.packetsource.dynamodb.testing;

import com.proxylity.packetsource.core.testing.Interop;
import com.proxylity.packetsource.dynamodb.DynamoDbClients;
import com.proxylity.packetsource.dynamodb.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * A real DynamoDB-API server for tests: the npm {@code dynalite} from the tools directory
 * ({@code PACKET_SOURCE_TOOLS}, default {@code <repo root>/.tools}), in memory, on 127.0.0.1 and an
 * ephemeral port; it exits when the JVM that started it goes away. {@link #start()} skips the test when dynalite is missing (fails under
 * {@code PACKET_SOURCE_REQUIRE_INTEROP=1}).
 *
 * <pre>{@code
 * static Dynalite dynalite;
 * static Tables tables;
 * @BeforeAll static void up() { dynalite = Dynalite.start(); tables = dynalite.createTables(); }
 * @AfterAll static void down() { if (dynalite != null) dynalite.close(); }
 * // new DynamoDbSessionDirectory(dynalite.client(), tables.sessions()) ...
 * }</pre>
 *
 * Dynalite does not implement TTL deletion, transactions or PartiQL (none are used here).
 */
public final class Dynalite implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Process process;
    private final int port;
    private final DynamoDbClient client;

    private Dynalite(Process process, int port) {
        this.process = process;
        this.port = port;
        this.client = DynamoDbClients.local(endpoint());
    }

    // dynalite's own CLI cannot listen on port 0 (it treats 0 as "default 4567"), so a few lines of
    // node start it on an ephemeral port chosen by the kernel (no probe-then-bind race), print
    // that port, and exit when stdin closes, i.e. when the JVM that started it is gone.
    private static final String LAUNCHER = String.join("\n",
            "const server = require(process.argv[1])({createTableMs: 0, deleteTableMs: 0, updateTableMs: 0});",
            "server.on('error', e => { console.log('ERROR ' + e.code); process.exit(1); });",
            "server.listen(0, '127.0.0.1', () => console.log('READY ' + server.address().port));",
            "process.stdin.on('end', () => process.exit(0)).on('error', () => process.exit(0)).resume();");

    public static Dynalite start() {
        Path module = Interop.requireTool("dynalite").getParent(); // .bin/dynalite -> <module>/cli.js
        String node = node();
        ProcessBuilder pb = new ProcessBuilder(node, "-e", LAUNCHER, module.toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start dynalite", e);
        }
        String line = firstLine(p);
        if (line == null || !line.startsWith("READY ")) {
            p.destroyForcibly();
            throw new IllegalStateException("dynalite did not start: " + line);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "dynalite-stop"));
        return new Dynalite(p, Integer.parseInt(line.substring(6).strip()));
    }

    private static String firstLine(Process p) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
                f.complete(r.readLine());
                r.transferTo(Writer.nullWriter()); // keep the pipe drained
            } catch (IOException e) {
                f.complete(null);
            }
        }, "dynalite-output");
        t.setDaemon(true);
        t.start();
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    // Prefer the Node on PATH, else the one installed in the tools directory.
    private static String node() {
        Path onPath = Interop.onPath("node");
        if (onPath != null) return onPath.toString();
        Path tools = Interop.toolsDir().resolve("node_modules/.bin/node");
        Interop.require(Files.isExecutable(tools), "node on PATH or in the tools directory");
        return tools.toString();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A client for this server (closed with it). */
    public DynamoDbClient client() {
        return client;
    }

    /** Creates the three registry tables under a random prefix, so tests sharing a server never meet. */
    public Tables createTables() {
        return createTables(Tables.withPrefix("t" + HexFormat.of().toHexDigits(RANDOM.nextInt()) + "-"));
    }

    public Tables createTables(Tables tables) {
        for (CreateTableRequest r : tables.createTableRequests()) {
            client.createTable(r);
            awaitActive(r.tableName());
        }
        return tables;
    }

    // Not the SDK waiter: it sleeps 20 s between polls, and dynalite may answer the first
    // DescribeTable before its (zero-length) CREATING phase is over.
    private void awaitActive(String table) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.describeTable(b -> b.tableName(table)).table().tableStatus() != TableStatus.ACTIVE) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("table " + table + " not ACTIVE");
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    @Override
    public void close() {
        client.close();
        try {
            process.getOutputStream().close(); // the launcher exits on stdin EOF
        } catch (IOException e) {
            // already gone
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
