package com.proxylity.packetsource.core.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.format.coap.CoapEncoder;
import com.proxylity.packetsource.core.format.coap.CoapJson;

/** CoAP (RFC 7252) message described as JSON (see {@link CoapJson}), encoded to its binary form. */
final class CoapFormatter implements Formatter {
    @Override public String name() { return "coap"; }

    /** A CoAP message's binary form is smaller than its JSON text. */
    @Override
    public long decodedBound(JsonNode data) {
        return TextData.utf8Bound(data);
    }

    @Override
    public byte[] decode(JsonNode data) throws DecodeException {
        return CoapEncoder.encode(CoapJson.parse(data));
    }
}
