package com.proxylity.packetsource.core.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The closed set of formatters, looked up by the name customers write (case-insensitive). */
public final class Formatters {
    public static final String DEFAULT = "base64";

    private static final Map<String, Formatter> BY_NAME = Map.of(
            "base64", new Base64Formatter(),
            "hex", new HexFormatter(),
            "utf8", new Utf8Formatter(),
            "ascii", new AsciiFormatter(),
            "coap", new CoapFormatter());

    private Formatters() {}

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
