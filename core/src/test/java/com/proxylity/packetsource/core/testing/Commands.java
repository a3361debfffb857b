package com.proxylity.packetsource.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs short helper commands (ip, wg) with a timeout; a failure carries the command's stderr. */
final class Commands {
    private Commands() {}

    static String run(Duration timeout, String... argv) {
        return runWithInput(timeout, null, argv);
    }

    /** Runs argv, writing {@code stdin} (may be null) to its input; returns stdout or throws on a non-zero exit. */
    static String runWithInput(Duration timeout, String stdin, String... argv) {
        Result r = tryRun(timeout, stdin, argv);
        if (r.exit != 0) {
            throw new IllegalStateException(String.join(" ", redact(argv)) + " exited " + r.exit + ": " + r.err.strip());
        }
        return r.out;
    }

    record Result(int exit, String out, String err) {}

    static Result tryRun(Duration timeout, String stdin, String... argv) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + argv[0], e);
        }
        CompletableFuture<String> out = slurp(p.getInputStream());
        CompletableFuture<String> err = slurp(p.getErrorStream());
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The command may exit without reading its input; its exit status tells the story.
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", redact(argv)) + " timed out after " + timeout);
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // A thread per stream (not the common pool, which has one thread on this 2-core box) so a
    // chatty stderr can never block the process while we wait on stdout.
    private static CompletableFuture<String> slurp(InputStream s) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (s) {
                f.complete(new String(s.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.complete("");
            }
        }, "cmd-output");
        t.setDaemon(true);
        t.start();
        return f;
    }

    // Keys are passed on stdin, never argv, but keep error messages free of anything key-like anyway.
    private static List<String> redact(String... argv) {
        return List.of(argv).stream().map(a -> a.length() == 44 && a.endsWith("=") ? "<key>" : a).toList();
    }
}
