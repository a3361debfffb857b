package com.proxylity.packetsource.core.format;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns an entry's {@code Data} into the UDP payload bytes. Stateless and thread-safe. */
public interface Formatter {
    /** The name customers write in {@code Formatter}. */
    String name();

    /**
     * @param data the entry's {@code Data} node (a string for most formatters; an object or a
     *             string holding one for coap)
     * @throws DecodeException when the data does not decode under this formatter
     */
    byte[] decode(JsonNode data) throws DecodeException;

    /**
     * Most bytes {@link #decode} can return for this Data (present, not JSON null), or more:
     * Validate's state budget reserves this much per entry before anything is decoded.
     */
    long decodedBound(JsonNode data);
}
