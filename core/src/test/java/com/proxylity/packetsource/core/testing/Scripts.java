package com.proxylity.packetsource.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The small python helpers next to this class (resources), passed to {@code python3 -c}. */
final class Scripts {
    static final String PYTHON = Interop.onPath("/usr/bin/python3") != null ? "/usr/bin/python3" : "python3";

    private Scripts() {}

    static String load(String name) {
        try (InputStream in = Scripts.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
