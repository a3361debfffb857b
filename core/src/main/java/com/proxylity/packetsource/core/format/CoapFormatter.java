package com.proxylity.packetsource.core.format;

import com.fasterxml.jackson.databind.JsonNode;

/** CoAP (RFC 7252) message described as JSON, encoded to its binary form. */
final class CoapFormatter implements Formatter {
    @Override public String name() { return "coap"; }

    @Override
    public byte[] decode(JsonNode data) throws DecodeException {
        // Implemented in the foundation issue (coap package); placeholder keeps the registry closed.
        throw new DecodeException("coap: not implemented yet");
    }
}
