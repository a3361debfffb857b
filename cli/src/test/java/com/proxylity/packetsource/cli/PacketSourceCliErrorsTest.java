package com.proxylity.packetsource.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** An operator's mistake inside a command is one readable line and exit 1, not a stack trace. */
class PacketSourceCliErrorsTest {
    @TempDir
    Path dir;

    private static String[] run(String... args) {
        CommandLine cl = PacketSourceCli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        return new String[] {Integer.toString(rc), err.toString()};
    }

    @Test
    void missingFileIsOneLine() {
        String missing = dir.resolve("nope.json").toString();
        String[] r = run("publish", "--endpoint", "http://127.0.0.1:1", "--topic", "t", missing);
        assertEquals("1", r[0]);
        assertEquals("packet-source publish: no such file: " + missing, r[1].strip());
    }

    @Test
    void unreachableEndpointIsOneLine() throws Exception {
        Path f = java.nio.file.Files.writeString(dir.resolve("m.json"), "{\"Messages\":[]}");
        String[] r = run("replay", "--endpoint", "http://127.0.0.1:1", "--dlq-region", "us-east-1");
        assertEquals("1", r[0]);
        assertTrue(r[1].startsWith("packet-source replay: "), r[1]);
        assertFalse(r[1].contains("\tat "), "no stack trace: " + r[1]);
        assertEquals(1, r[1].strip().lines().count(), r[1]);
        r = run("replay", "--endpoint", "http://127.0.0.1:1", "--dlq-region", "us-east-1", "--max-age", "soon");
        assertEquals("1", r[0]);
        assertFalse(r[1].contains("\tat "), "no stack trace: " + r[1]);
        assertTrue(f.toFile().exists());
    }

    @Test
    void aBadConfigNamesTheMistakeWithoutQuotingTheFile() throws Exception {
        Path cfg = java.nio.file.Files.writeString(dir.resolve("local.yaml"),
                "listeners:\n  - {name: w, protocol: wg, privateKey: c2VjcmV0LWtleS1ieXRlcw==, colour: blue}\n");
        String[] r = run("local", "--config", cfg.toString());
        assertEquals("1", r[0]);
        assertTrue(r[1].startsWith("packet-source local: " + cfg + ": line 2: unknown field 'colour' in listeners[0]"), r[1]);
        assertFalse(r[1].contains("c2VjcmV0"), "the config's contents (keys) are not echoed: " + r[1]);
        assertEquals(1, r[1].strip().lines().count(), r[1]);
    }
}
