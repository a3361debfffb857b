package com.proxylity.packetsource.local.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's main command passes from a fresh start, with no AWS credentials or network. */
class DemoTest {
    @Test
    void demoPasses() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        boolean pass = new Demo(new PrintStream(buf, true, StandardCharsets.UTF_8))
                .run(new PrintStream(OutputStream.nullOutputStream()));
        String out = buf.toString(StandardCharsets.UTF_8);
        System.out.println(out);
        assertTrue(pass, out);
        assertTrue(out.contains("PASS"));
    }
}
