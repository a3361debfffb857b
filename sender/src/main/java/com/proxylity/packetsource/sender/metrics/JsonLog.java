package com.proxylity.packetsource.sender.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured JSON log lines. Callers pass only metadata (names, counts, ports, verdicts):
 * payloads, keys and signatures are never handed to the logger.
 */
public final class JsonLog {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static volatile PrintStream out = System.out;

    private final String logger;

    private JsonLog(String logger) {
        this.logger = logger;
    }

    public static JsonLog of(Class<?> c) {
        return new JsonLog(c.getSimpleName());
    }

    /** Redirects all log lines (tests). */
    public static void redirect(PrintStream stream) {
        out = stream;
    }

    public void info(String event, Object... kv) {
        write("INFO", event, null, kv);
    }

    public void warn(String event, Object... kv) {
        write("WARN", event, null, kv);
    }

    public void error(String event, Throwable t, Object... kv) {
        write("ERROR", event, t, kv);
    }

    private void write(String level, String event, Throwable t, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("timestamp", Instant.now().toString());
        m.put("level", level);
        m.put("logger", logger);
        m.put("event", event);
        for (int i = 0; i + 1 < kv.length; i += 2) m.put(String.valueOf(kv[i]), kv[i + 1]);
        if (t != null) {
            // Class and message only: exception messages from sockets carry addresses, not secrets.
            m.put("error", t.getClass().getName());
            m.put("message", t.getMessage());
        }
        String line;
        try {
            line = MAPPER.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            line = "{\"level\":\"ERROR\",\"event\":\"log-serialization-failed\"}";
        }
        PrintStream o = out;
        synchronized (o) {
            o.println(line);
        }
    }
}
