package com.proxylity.packetsource.core.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Skip-or-fail for tests that need real parts from the machine (root, wireguard-go, Node tools).
 * Locally a missing part skips the test with a message saying what is missing; in CI
 * ({@value #REQUIRE_ENV}=1) it fails, so a broken setup can never pass as "all green".
 */
public final class Interop {
    public static final String REQUIRE_ENV = "PACKET_SOURCE_REQUIRE_INTEROP";

    private Interop() {}

    public static boolean required() {
        return "1".equals(System.getenv(REQUIRE_ENV));
    }

    /** Skips (or fails under {@value #REQUIRE_ENV}=1) unless {@code ok}. */
    public static void require(boolean ok, String missing) {
        if (ok) return;
        String msg = "needs " + missing;
        if (required()) {
            Assertions.fail(msg + " (" + REQUIRE_ENV + "=1, so this is a failure; run .ci/setup)");
        }
        Assumptions.assumeTrue(false, msg + " (skipped; set " + REQUIRE_ENV + "=1 to fail instead)");
    }

    public static boolean isRoot() {
        try {
            return Commands.run(java.time.Duration.ofSeconds(5), "id", "-u").strip().equals("0");
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The executable's path if it is on PATH (or an absolute path that exists), else null. */
    public static Path onPath(String program) {
        if (program.contains("/")) {
            Path p = Path.of(program);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** The repository root: the nearest directory at or above the working directory holding {@code .ci/}. */
    public static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve(".ci"))) return d;
        }
        throw new IllegalStateException("no directory with .ci/ at or above " + dir);
    }

    /** npm tools directory: env {@code PACKET_SOURCE_TOOLS}, else {@code <repo root>/.tools}. */
    public static Path toolsDir() {
        String env = System.getenv("PACKET_SOURCE_TOOLS");
        if (env != null && !env.isBlank()) return Path.of(env);
        return repoRoot().resolve(".tools");
    }

    /** A binary from {@code <tools>/node_modules/.bin}, skipping/failing the test when it is absent. */
    public static Path requireTool(String name) {
        Path bin;
        try {
            bin = toolsDir().resolve("node_modules/.bin").resolve(name).toRealPath();
        } catch (IOException | IllegalStateException e) {
            bin = null;
        }
        require(bin != null && Files.isRegularFile(bin), "npm tool '" + name + "' in "
                + safeToolsDir() + "/node_modules/.bin");
        return bin;
    }

    private static String safeToolsDir() {
        try {
            return toolsDir().toString();
        } catch (IllegalStateException e) {
            return "$PACKET_SOURCE_TOOLS";
        }
    }
}
