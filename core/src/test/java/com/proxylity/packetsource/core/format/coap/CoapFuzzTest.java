package com.proxylity.packetsource.core.format.coap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.contract.Json;
import com.proxylity.packetsource.core.format.DecodeException;
import com.proxylity.packetsource.core.format.Formatters;
import java.nio.charset.StandardCharsets;

/**
 * The CoAP formatter, fuzzed (issue 9): JSON to RFC 7252 binary must round-trip exactly, and any
 * binary the decoder accepts must be the one canonical encoding of what it decoded. Seeds in
 * {@code CoapFuzzTestInputs/}; see docs/fuzzing.md.
 */
class CoapFuzzTest {

    /** encode(json) -> bytes -> parse -> equal, by the production decoder and by an independent reader. */
    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"\"Type\":", "\"Code\":\"2.05\"", "\"MessageId\":", "\"Token\":\"", "\"Options\":[",
            "{\"Number\":", "\"Value\":", "\"Payload\":\"", "\"CON\"", "\"NON\"", "\"ACK\"", "\"RST\"", "65535", "4294967295"})
    void roundTrip(byte[] input) throws DecodeException {
        JsonNode json;
        try {
            json = Json.read(new String(input, StandardCharsets.UTF_8), "Data");
        } catch (Exception e) {
            return;
        }
        CoapMessage message;
        byte[] bytes;
        try {
            message = CoapJson.parse(json);
            bytes = CoapEncoder.encode(message);
        } catch (DecodeException e) {
            assertNotNull(e.getMessage());
            return;
        }
        // What the pipeline sends is exactly this encoding.
        assertArrayEquals(bytes, Formatters.byName("coap").orElseThrow().decode(json));
        CoapMessage inWireOrder = new CoapMessage(message.type(), message.code(), message.messageId(),
                message.token(), StrictCoapReader.wireOrder(message.options()), message.payload());
        assertEquals(inWireOrder, CoapDecoder.decode(bytes), "production decoder reads back what was encoded");
        assertEquals(inWireOrder, StrictCoapReader.read(bytes), "independent reader reads back what was encoded");
        assertEquals(inWireOrder, CoapJson.parse(CoapJson.toJson(inWireOrder)), "the shown JSON means the same message");
    }

    /**
     * Any bytes: the decoder agrees with the independent reader, and re-encoding is the identity
     * unless the encoder refuses a registered option's value.
     */
    @FuzzTest(maxDuration = "30s")
    void decodeReencode(byte[] bytes) throws DecodeException {
        CoapMessage strict = StrictCoapReader.read(bytes);
        CoapMessage decoded;
        try {
            decoded = CoapDecoder.decode(bytes);
        } catch (DecodeException e) {
            assertNull(strict, "the production decoder refused a well-formed message");
            return;
        }
        assertEquals(strict, decoded, "both readings agree");
        byte[] again;
        try {
            again = CoapEncoder.encode(decoded);
        } catch (DecodeException e) {
            // The readers check the wire structure only; the encoder also enforces the registered
            // options' lengths and formats (RFC 7252 5.10, RFC 7641, RFC 7959), so it may refuse a
            // well-structured message, naming the option (crash-14f30cc9...: a 6-byte Uri-Port).
            assertTrue(e.getMessage().startsWith("coap: option "), e::getMessage);
            return;
        }
        assertArrayEquals(bytes, again, "a decoded message re-encodes to the same bytes");
    }
}
