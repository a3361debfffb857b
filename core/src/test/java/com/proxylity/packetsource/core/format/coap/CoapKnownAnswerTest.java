package com.proxylity.packetsource.core.format.coap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.proxylity.packetsource.core.format.DecodeException;
import com.proxylity.packetsource.core.format.Formatters;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Exact bytes for the RFC 7252 Appendix A exchanges and our own hand-computed cases. */
class CoapKnownAnswerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> cases() {
        return Stream.of(
                // RFC 7252 A.1 (Figure 16): CON [0x7d34] GET /temperature
                Arguments.of("rfc7252 A.1 request",
                        "{\"Type\":0,\"Code\":\"0.01\",\"MessageId\":32052,\"Options\":[{\"Number\":11,\"Value\":\"dGVtcGVyYXR1cmU=\"}]}",
                        "40017d34" + "bb" + "74656d7065726174757265"),
                // ... and its piggybacked response ACK [0x7d34] 2.05 Content "22.3 C"
                Arguments.of("rfc7252 A.1 response",
                        "{\"Type\":\"ACK\",\"Code\":\"2.05\",\"MessageId\":32052,\"Payload\":\"MjIuMyBD\"}",
                        "60457d34" + "ff" + "32322e332043"),
                // A.2-style: request with a one-byte token 0x20; the response echoes it
                Arguments.of("request with token",
                        "{\"Type\":0,\"Code\":1,\"MessageId\":32053,\"Token\":\"IA==\",\"Options\":[{\"Number\":11,\"Value\":\"dGVtcGVyYXR1cmU=\"}]}",
                        "41017d35" + "20" + "bb74656d7065726174757265"),
                // docs/architecture.md#message-contract example: 4711 = 0x1267, Content-Format(12) empty = uint 0
                Arguments.of("design example",
                        "{\"Type\":2,\"Code\":\"2.05\",\"MessageId\":4711,\"Token\":\"AQID\",\"Options\":[{\"Number\":12,\"Value\":\"\"}],\"Payload\":\"\"}",
                        "63451267" + "010203" + "c0"),
                Arguments.of("Empty ACK (0.00)", "{\"Type\":2,\"Code\":\"0.00\",\"MessageId\":1}", "60000001"),
                Arguments.of("RST by number", "{\"Type\":3,\"Code\":0,\"MessageId\":65535}", "7000ffff"),
                Arguments.of("code 7.31", "{\"Type\":1,\"Code\":\"7.31\",\"MessageId\":0}", "50ff0000"),
                // uint Value: Content-Format 50 (application/json), Max-Age(14) 60, Size1(60) 0x010000, Observe(6) 0 empty
                Arguments.of("uint values minimal",
                        "{\"Type\":1,\"Code\":\"2.05\",\"MessageId\":1,\"Options\":[{\"Number\":12,\"Value\":50},"
                                + "{\"Number\":14,\"Value\":60},{\"Number\":60,\"Value\":65536},{\"Number\":6,\"Value\":0}]}",
                        "50450001" + "60" + "6132" + "213c" + "d3" + "21" + "010000"),
                // Repeated Uri-Path keeps its order; others sorted around it (stable sort)
                Arguments.of("stable sort",
                        "{\"Type\":0,\"Code\":\"0.01\",\"MessageId\":2,\"Options\":[{\"Number\":15,\"Value\":\"cQ==\"},"
                                + "{\"Number\":11,\"Value\":\"eA==\"},{\"Number\":11,\"Value\":\"eQ==\"},{\"Number\":3,\"Value\":\"aA==\"}]}",
                        "40010002" + "3168" + "8178" + "0179" + "4171"),
                Arguments.of("missing Value is empty, null parts are absent",
                        "{\"Type\":0,\"Code\":\"0.02\",\"MessageId\":3,\"Token\":null,\"Options\":[{\"Number\":1}],\"Payload\":null}",
                        "40020003" + "10"),
                Arguments.of("Data as a string holding the object",
                        "\"{\\\"Type\\\":1,\\\"Code\\\":\\\"0.03\\\",\\\"MessageId\\\":258,\\\"Payload\\\":\\\"AA==\\\"}\"",
                        "50030102" + "ff00"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodesExactly(String name, String data, String hex) throws Exception {
        JsonNode node = JSON.readTree(data);
        byte[] bytes = Formatters.byName("coap").orElseThrow().decode(node);
        assertEquals(hex, HexFormat.of().formatHex(bytes));
    }

    /** Option Delta edges: 12 inline, 13 and 268 one extension byte, 269 and 65535 two. */
    static Stream<Arguments> deltas() {
        return Stream.of(
                Arguments.of(12, "c0"),
                Arguments.of(13, "d000"),
                Arguments.of(268, "d0ff"),
                Arguments.of(269, "e00000"),
                Arguments.of(270, "e00001"),
                Arguments.of(65535, "e0fef2"));
    }

    @ParameterizedTest(name = "delta {0}")
    @MethodSource("deltas")
    void optionDeltaEdges(int number, String optionHex) throws Exception {
        byte[] bytes = CoapEncoder.encode(message(new CoapOption(number, new byte[0])));
        assertEquals("50010000" + optionHex, HexFormat.of().formatHex(bytes));
        assertEquals(message(new CoapOption(number, new byte[0])), CoapDecoder.decode(bytes));
    }

    @Test
    void deltaIsRelativeToThePreviousOption() throws Exception {
        // 1 then 14 (delta 13) then 283 (delta 269)
        byte[] bytes = CoapEncoder.encode(message(new CoapOption(283, null), new CoapOption(1, null), new CoapOption(14, null)));
        assertEquals("50010000" + "10" + "d000" + "e00000", HexFormat.of().formatHex(bytes));
    }

    /** Option Length edges, same encodings as deltas. */
    static Stream<Arguments> lengths() {
        return Stream.of(
                Arguments.of(12, "1c"),
                Arguments.of(13, "1d00"),
                Arguments.of(268, "1dff"),
                Arguments.of(269, "1e0000"),
                Arguments.of(65_000, "1efcdb"));
    }

    @ParameterizedTest(name = "length {0}")
    @MethodSource("lengths")
    void optionLengthEdges(int length, String headerHex) throws Exception {
        byte[] value = new byte[length];
        value[length - 1] = 0x55;
        // Option 2 is unassigned, so no registered length range applies (CoapOptionRulesTest).
        headerHex = "2" + headerHex.substring(1);
        byte[] bytes = CoapEncoder.encode(message(new CoapOption(2, value)));
        String hex = HexFormat.of().formatHex(bytes);
        assertEquals("50010000" + headerHex, hex.substring(0, 8 + headerHex.length()));
        assertEquals(4 + headerHex.length() / 2 + length, bytes.length);
        assertEquals(0x55, bytes[bytes.length - 1]);
        assertEquals(message(new CoapOption(2, value)), CoapDecoder.decode(bytes));
    }

    @Test
    void extendedFieldBoundsAre65535Plus269() throws Exception {
        assertEquals(14, CoapEncoder.nibble(65_535 + 269));
        assertEquals(2, CoapEncoder.extensionBytes(65_535 + 269));
        assertThrows(DecodeException.class, () -> CoapEncoder.nibble(65_535 + 270));
        assertThrows(DecodeException.class, () -> CoapEncoder.nibble(-1));
        // Nibble 15 is never produced: only 0-14 come out for every encodable value.
        for (int v = 0; v <= 65_535 + 269; v++) {
            int n = CoapEncoder.nibble(v);
            if (n > 14) throw new AssertionError("nibble " + n + " for " + v);
        }
    }

    @Test
    void sizeCapIsTheWholeEncodedMessage() throws Exception {
        // 4 header + 1 marker + payload: 65502 bytes of payload is exactly 65507.
        CoapMessage fits = new CoapMessage(1, 69, 0, null, null, new byte[65_502]);
        assertEquals(65_507, CoapEncoder.encode(fits).length);
        CoapMessage over = new CoapMessage(1, 69, 0, null, null, new byte[65_503]);
        DecodeException e = assertThrows(DecodeException.class, () -> CoapEncoder.encode(over));
        assertEquals("coap: encoded message is 65508 bytes, above the 65507-byte limit", e.getMessage());
        // An option value of the largest extended length (65804) can never fit.
        CoapMessage huge = message(new CoapOption(2, new byte[65_535 + 269]));
        assertThrows(DecodeException.class, () -> CoapEncoder.encode(huge));
    }

    @Test
    void uintBytesAreMinimalBigEndian() {
        assertArrayEquals(new byte[0], CoapJson.uintBytes(0));
        assertArrayEquals(new byte[] {1}, CoapJson.uintBytes(1));
        assertArrayEquals(new byte[] {(byte) 0xFF}, CoapJson.uintBytes(255));
        assertArrayEquals(new byte[] {1, 0}, CoapJson.uintBytes(256));
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, CoapJson.uintBytes(0xFFFF_FFFFL));
    }

    @Test
    void formatterAcceptsTextNode() throws Exception {
        byte[] bytes = Formatters.byName("coap").orElseThrow()
                .decode(TextNode.valueOf("{\"Type\":0,\"Code\":\"0.01\",\"MessageId\":1}"));
        assertEquals("40010001", HexFormat.of().formatHex(bytes));
    }

    private static CoapMessage message(CoapOption... options) {
        return new CoapMessage(1, 1, 0, null, java.util.List.of(options), null);
    }
}
