package com.proxylity.packetsource.core.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The closed set of formatters, looked up by the name customers write (case-insensitive): the
 * one list. The custom resource and the dry run read it from here ({@link #names}); the JSON
 * Schema's {@code Formatter} enum cannot, so a test holds both copies of it to this list.
 */
public final class Formatters {
    private static final Map<String, Formatter> BY_NAME = byName(new Base64Formatter(), new HexFormatter(),
            new Utf8Formatter(), new AsciiFormatter(), new CoapFormatter());

    /** The formatter of an entry and of a source that name none. */
    public static final String DEFAULT = new Base64Formatter().name();

    private Formatters() {}

    private static Map<String, Formatter> byName(Formatter... formatters) {
        Map<String, Formatter> m = new LinkedHashMap<>();
        for (Formatter f : formatters) m.put(f.name(), f);
        return Collections.unmodifiableMap(m);
    }

    /** Every formatter's name, in the order the documentation lists them. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    public static Optional<Formatter> byName(String name) {
        if (name == null) return Optional.empty();
        return Optional.ofNullable(BY_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * Most bytes the named formatter can decode this Data to (0 for no Data); for a name that is
     * no formatter (Format will reject the entry) the UTF-8 bytes of the Data's text.
     */
    public static long decodedBound(String name, JsonNode data) {
        if (data == null || data.isNull()) return 0;
        return byName(name).map(f -> f.decodedBound(data)).orElseGet(() -> TextData.utf8Bound(data));
    }

    /** Entry's formatter, else the Packet Source's default, else base64 (docs/architecture.md#message-contract). */
    public static String resolveName(String entryFormatter, String sourceDefault) {
        if (entryFormatter != null && !entryFormatter.isBlank()) return entryFormatter;
        if (sourceDefault != null && !sourceDefault.isBlank()) return sourceDefault;
        return DEFAULT;
    }
}
