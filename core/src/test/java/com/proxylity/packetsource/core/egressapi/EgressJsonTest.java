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

    @Test
    void resultInvariant() {
        assertThrows(IllegalArgumentException.class,
                () -> new EgressResult("a", EgressOutcome.Sent, DiscardReason.SendError));
        assertThrows(IllegalArgumentException.class,
                () -> new EgressResult("a", EgressOutcome.Discarded, null));
    }
}
