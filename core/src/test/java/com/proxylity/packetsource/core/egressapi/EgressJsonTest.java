package com.proxylity.packetsource.core.egressapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.proxylity.packetsource.core.contract.DiscardReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EgressJsonTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheContractRequest() throws IOException {
        EgressRequest r = EgressJson.readRequest(utf8("{\"Listener\":\"coap\",\"Packets\":["
                + "{\"Id\":\"m-1/0\",\"Address\":\"203.0.113.9\",\"Port\":5683,\"PeerKey\":null,\"Payload\":\"AQIDBA==\"},"
                + "{\"Id\":\"m-1/1\",\"Address\":\"2001:db8::1\",\"Port\":51820,\"PeerKey\":\"k\",\"Payload\":\"\",\"Extra\":1}]}"));
        assertEquals("coap", r.listener());
        assertEquals(2, r.packets().size());
        EgressPacket p = r.packets().get(0);
        assertEquals("m-1/0", p.id());
        assertEquals("203.0.113.9", p.address());
        assertEquals(5683, p.port());
        assertNull(p.peerKey());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, p.payload());
        assertEquals("k", r.packets().get(1).peerKey());
        assertEquals(0, r.packets().get(1).payload().length);
    }

    @Test
    void roundTripsRequest() throws IOException {
        EgressRequest r = new EgressRequest("l", List.of(
                new EgressPacket("a/0", "198.51.100.1", 9, null, new byte[] {(byte) 0xff, 0})));
        String json = new String(EgressJson.writeRequest(r), StandardCharsets.UTF_8);
        assertEquals("{\"Listener\":\"l\",\"Packets\":[{\"Id\":\"a/0\",\"Address\":\"198.51.100.1\","
                + "\"Port\":9,\"PeerKey\":null,\"Payload\":\"/wA=\"}]}", json);
        EgressRequest back = EgressJson.readRequest(utf8(json));
        assertArrayEquals(r.packets().get(0).payload(), back.packets().get(0).payload());
    }

    @Test
    void writesTheContractResponse() throws IOException {
        EgressResponse resp = new EgressResponse(List.of(EgressResult.sent("a/0"),
                EgressResult.discarded("a/1", DiscardReason.NoSession)));
        String json = new String(EgressJson.writeResponse(resp), StandardCharsets.UTF_8);
        assertEquals("{\"Results\":[{\"Id\":\"a/0\",\"Outcome\":\"Sent\"},"
                + "{\"Id\":\"a/1\",\"Outcome\":\"Discarded\",\"Reason\":\"NoSession\"}]}", json);
        assertEquals(resp, EgressJson.readResponse(utf8(json)));
    }

    @Test
    void rejectsMalformedBodies() {
        assertThrows(IOException.class, () -> EgressJson.readRequest(utf8("{")));
        assertThrows(IOException.class, () -> EgressJson.readRequest(utf8("")));
        assertThrows(IOException.class, () -> EgressJson.readRequest(utf8("null")));
        assertThrows(IOException.class, () -> EgressJson.readRequest(utf8("{\"Listener\":\"l\"} x")));
        assertThrows(IOException.class, () -> EgressJson.readRequest(
                utf8("{\"Listener\":\"l\",\"Packets\":[{\"Id\":\"a\",\"Address\":\"x\",\"Port\":null}]}")));
        assertThrows(IOException.class, () -> EgressJson.readRequest(
                utf8("{\"Listener\":\"l\",\"Packets\":[{\"Id\":\"a\",\"Payload\":\"%%%\"}]}")));
    }

    /** Issue 9, defect 3: values must already have their type, and a key may appear once. */
    @Test
    void rejectsCoercionsAndDuplicateKeys() throws IOException {
        String ok = "{\"Listener\":\"l\",\"Packets\":[{\"Id\":\"a\",\"Address\":\"192.0.2.1\",\"Port\":9999,\"Payload\":\"AQ==\"}]}";
        assertEquals(9999, EgressJson.readRequest(utf8(ok)).packets().get(0).port());
        for (String bad : new String[] {
                ok.replace("9999", "\"9999\""),
                ok.replace("9999", "9999.5"),
                ok.replace("9999", "9999.0"),
                ok.replace("9999", "true"),
                ok.replace("9999", "NaN"),
                ok.replace("\"Id\":\"a\"", "\"Id\":5"),
                ok.replace("\"Listener\":\"l\"", "\"Listener\":true"),
                ok.replace("\"Payload\":\"AQ==\"", "\"Payload\":1"),
                ok.replace("\"Port\":9999", "\"Port\":9999,\"Port\":9998"),
                ok.replace("\"Listener\":\"l\"", "\"Listener\":\"l\",\"Listener\":\"m\""),
        }) {
            assertThrows(IOException.class, () -> EgressJson.readRequest(utf8(bad)), bad);
        }
    }

    /** Found by the fuzzer: raw NULs inside the Payload string were skipped, so invalid JSON was accepted. */
    @Test
    void payloadIsOneStringOfCanonicalBase64() throws IOException {
        String ok = "{\"Listener\":\"l\",\"Packets\":[{\"Id\":\"a\",\"Address\":\"192.0.2.1\",\"Port\":9,\"Payload\":\"AQID\"}]}";
        assertArrayEquals(new byte[] {1, 2, 3}, EgressJson.readRequest(utf8(ok)).packets().get(0).payload());
        assertArrayEquals(new byte[0], EgressJson.readRequest(utf8(ok.replace("AQID", ""))).packets().get(0).payload(),
                "an empty payload (a zero-length datagram) stays legal");
        for (String bad : new String[] {
                ok.replace("AQID", "AQ\\u0000ID"),     // an escaped NUL: valid JSON, not base64
                ok.replace("AQID", "AQ ID"),
                ok.replace("AQID", "AQ\\nID"),
                ok.replace("\"AQID\"", "\"AQ\""),      // unpadded
                ok.replace("\"AQID\"", "\"AR==\""),    // stray low bits: AQ== is the one spelling of 0x01
                ok.replace("\"AQID\"", "\"AQ-_\""),    // the URL-safe alphabet
                ok.replace("\"AQID\"", "[1,2,3]"),
        }) {
            assertThrows(IOException.class, () -> EgressJson.readRequest(utf8(bad)), bad);
        }
        byte[] withNul = utf8(ok);
        withNul[ok.indexOf("AQID") + 2] = 0; // a raw NUL byte inside the string, not an escape
        assertThrows(IOException.class, () -> EgressJson.readRequest(withNul));
        // Also found by the fuzzer: invalid UTF-8 where Jackson does not decode (an unknown key).
        byte[] badKey = utf8(ok.replace("\"Id\"", "\"Extra\":\"x\",\"Id\""));
        badKey[new String(badKey, StandardCharsets.UTF_8).indexOf("Extra") + 1] = (byte) 0xff;
        assertThrows(IOException.class, () -> EgressJson.readRequest(badKey));
    }

    @Test
    void resultInvariant() {
        assertThrows(IllegalArgumentException.class,
                () -> new EgressResult("a", EgressOutcome.Sent, DiscardReason.SendError));
        assertThrows(IllegalArgumentException.class,
                () -> new EgressResult("a", EgressOutcome.Discarded, null));
    }
}
