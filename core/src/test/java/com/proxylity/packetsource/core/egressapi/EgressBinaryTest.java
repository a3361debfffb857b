package com.proxylity.packetsource.core.egressapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.proxylity.packetsource.core.contract.DiscardReason;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EgressBinaryTest {
    static final EgressRequest REQUEST = new EgressRequest("coap", List.of(
            new EgressPacket("m-1/0", "203.0.113.7", 5683, null, new byte[] {1, 2, 3}),
            new EgressPacket("m-1/1", "2001:db8::1", 51820, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", new byte[0]),
            new EgressPacket("m-1/2", "not-an-ip", 0, null, new byte[1420])));

    @Test
    void roundTripsEveryField() throws Exception {
        EgressRequest back = EgressBinary.readRequest(EgressBinary.writeRequest(REQUEST));
        assertEquals(REQUEST.listener(), back.listener());
        assertEquals(REQUEST.packets().size(), back.packets().size());
        for (int i = 0; i < REQUEST.packets().size(); i++) {
            EgressPacket a = REQUEST.packets().get(i);
            EgressPacket b = back.packets().get(i);
            assertEquals(a.id(), b.id());
            assertEquals(a.address(), b.address());
            assertEquals(a.port(), b.port());
            assertEquals(a.peerKey(), b.peerKey());
            assertArrayEquals(a.payload(), b.payload());
        }
    }

    /** Hand-written bytes, so the layout documented in docs/sender.md is what the code reads. */
    /** Remotes and keys that repeat, alternate, or differ in one byte at one length each read back as written. */
    @Test
    void repeatedAndAlternatingFieldsRoundTripExactly() throws Exception {
        String k1 = "A".repeat(43) + "=";
        String k2 = "B".repeat(43) + "=";
        List<EgressPacket> ps = List.of(
                new EgressPacket("r/0", "10.0.0.1", 1, k1, new byte[] {0}),
                new EgressPacket("r/1", "10.0.0.1", 2, k1, new byte[] {1}),
                new EgressPacket("r/2", "10.0.0.2", 2, k2, new byte[] {2}),
                new EgressPacket("r/3", "10.0.0.1", 1, null, new byte[] {3}),
                new EgressPacket("r/4", "", 1, k2, new byte[] {4}),
                new EgressPacket("r/5", "10.0.0.2", 1, k2, new byte[] {5}));
        EgressRequest back = EgressBinary.readRequest(EgressBinary.writeRequest(new EgressRequest("l", ps)));
        for (int i = 0; i < ps.size(); i++) {
            EgressPacket want = ps.get(i);
            EgressPacket got = back.packets().get(i);
            assertEquals(want.address(), got.address(), "address of " + want.id());
            assertEquals(want.port(), got.port(), "port of " + want.id());
            assertEquals(want.peerKey(), got.peerKey(), "peer key of " + want.id());
            assertArrayEquals(want.payload(), got.payload(), "payload of " + want.id());
        }
    }

    /**
     * A remote of the previous remote's length is judged on its own bytes: one byte unprintable,
     * or the body ending inside it, is refused although the packet before had a valid remote.
     */
    @Test
    void aRemoteOfThePreviousLengthIsCheckedAgain() throws Exception {
        byte[] first = {1, 'a', 7, '1', '.', '2', '.', '3', '.', '4', 0x16, 0x33, 0, 0, 1, 9};
        byte[] head = {'P', 'S', 'E', 'B', 1, 1, 'l', 0, 2};
        byte[] same = concat(head, first, new byte[] {1, 'b', 7, '1', '.', '2', '.', '3', '.', '4', 0x16, 0x33, 0, 0, 1, 8});
        assertEquals("1.2.3.4", EgressBinary.readRequest(same).packets().get(1).address());
        byte[] unprintable = same.clone();
        unprintable[head.length + first.length + 3 + 6] = 0x07;
        assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readRequest(unprintable));
        // Ends inside the second remote: whether the array ends there too or the rest of that
        // remote's bytes follow it, outside the body.
        int end = head.length + first.length + 3 + 3;
        assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readRequest(Arrays.copyOf(same, end)));
        assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readRequest(same, 0, end));
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    @Test
    void knownBytes() throws Exception {
        byte[] body = {'P', 'S', 'E', 'B', 1, 1, 'l', 0, 1,
                1, 'a', 7, '1', '.', '2', '.', '3', '.', '4', 0x16, 0x33, 0, 0, 2, 9, 8};
        EgressRequest r = EgressBinary.readRequest(body);
        assertEquals("l", r.listener());
        EgressPacket p = r.packets().get(0);
        assertEquals("a", p.id());
        assertEquals("1.2.3.4", p.address());
        assertEquals(5683, p.port());
        assertNull(p.peerKey());
        assertArrayEquals(new byte[] {9, 8}, p.payload());
        assertArrayEquals(body, EgressBinary.writeRequest(r));
    }

    /** The sink gets each payload as a range of the body itself (the sender sends from it). */
    @Test
    void aSinkGetsPayloadsAsRangesOfTheBody() throws Exception {
        byte[] body = {'P', 'S', 'E', 'B', 1, 1, 'l', 0, 2,
                1, 'a', 7, '1', '.', '2', '.', '3', '.', '4', 0x16, 0x33, 0, 0, 2, 9, 8,
                1, 'b', 0, 0, 1, 0, 0, 0};
        int[] calls = new int[2];
        EgressBinary.readRequest(body, 0, body.length, new EgressBinary.RequestSink() {
            @Override
            public void listener(String name, int packets) {
                assertEquals("l", name);
                assertEquals(2, packets);
                calls[0]++;
            }

            @Override
            public void packet(String id, String address, int port, String peerKey, byte[] b, int off, int len) {
                org.junit.jupiter.api.Assertions.assertSame(body, b, "a range of the body, not a copy");
                if (calls[1]++ == 0) {
                    assertEquals(List.of("a", "1.2.3.4", 5683), List.of(id, address, port));
                    assertEquals(24, off);
                    assertEquals(2, len);
                } else {
                    assertEquals(List.of("b", "", 1), List.of(id, address, port));
                    assertEquals(body.length, off);
                    assertEquals(0, len);
                }
                assertNull(peerKey);
            }
        });
        assertEquals(1, calls[0]);
        assertEquals(2, calls[1]);
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] body = EgressBinary.writeRequest(REQUEST);
        for (int n = 0; n < body.length; n++) {
            byte[] cut = Arrays.copyOf(body, n);
            assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readRequest(cut), "cut at " + n);
        }
    }

    @Test
    void trailingBytesWrongMagicOrVersionAreRefused() {
        byte[] body = EgressBinary.writeRequest(REQUEST);
        byte[] longer = Arrays.copyOf(body, body.length + 1);
        assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readRequest(longer));
        byte[] magic = body.clone();
        magic[0] = 'X';
        assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readRequest(magic));
        byte[] version = body.clone();
        version[4] = 2;
        assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readRequest(version));
        assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readRequest("{\"Listener\":\"x\"}".getBytes()));
    }

    @Test
    void lengthsBeyondTheBodyOrTheirBoundsAreRefused() {
        // A count that claims more packets than the body can hold: refused before allocating.
        byte[] count = {'P', 'S', 'E', 'B', 1, 1, 'l', (byte) 0xFF, (byte) 0xFF, 1, 'a'};
        assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readRequest(count));
        // Empty listener, empty id.
        assertThrows(EgressBinary.MalformedBatchException.class,
                () -> EgressBinary.readRequest(new byte[] {'P', 'S', 'E', 'B', 1, 0, 0, 0}));
        byte[] emptyId = {'P', 'S', 'E', 'B', 1, 1, 'l', 0, 1, 0, 0, 0, 0, 0, 0, 0};
        assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readRequest(emptyId));
        // An address field longer than any IP literal; a payload length past the end.
        byte[] longAddr = {'P', 'S', 'E', 'B', 1, 1, 'l', 0, 1, 1, 'a', 46};
        assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readRequest(longAddr));
        byte[] payload = {'P', 'S', 'E', 'B', 1, 1, 'l', 0, 1, 1, 'a', 0, 0, 1, 0, (byte) 0xFF, (byte) 0xFF, 1};
        assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readRequest(payload));
    }

    @Test
    void textFieldsMustBeWellFormed() {
        byte[] badUtf8 = {'P', 'S', 'E', 'B', 1, 1, (byte) 0xC0, 0, 0};
        assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readRequest(badUtf8));
        byte[] spaceInAddr = {'P', 'S', 'E', 'B', 1, 1, 'l', 0, 1, 1, 'a', 2, '1', ' ', 0, 1, 0, 0, 0};
        assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readRequest(spaceInAddr));
        byte[] nonAsciiKey = {'P', 'S', 'E', 'B', 1, 1, 'l', 0, 1, 1, 'a', 0, 0, 1, 1, (byte) 0xE9, 0, 0};
        assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readRequest(nonAsciiKey));
    }

    @Test
    void everyReasonHasItsOwnCodeAndAnswersRoundTrip() throws Exception {
        Set<Integer> codes = new HashSet<>();
        for (DiscardReason r : DiscardReason.values()) codes.add(EgressBinary.code(r));
        assertEquals(DiscardReason.values().length, codes.size());
        assertEquals(false, codes.contains(0));
        EgressResponse answer = new EgressResponse(List.of(EgressResult.sent("m-1/0"),
                EgressResult.discarded("m-1/1", DiscardReason.NoSession),
                EgressResult.discarded("m-1/2", DiscardReason.MalformedRemote)));
        byte[] wire = EgressBinary.writeResponse(answer);
        assertEquals(7 + 3, wire.length);
        assertEquals(answer, EgressBinary.readResponse(wire, REQUEST));
        assertThrows(EgressBinary.MalformedBatchException.class,
                () -> EgressBinary.readResponse(Arrays.copyOf(wire, wire.length - 1), REQUEST));
        byte[] unknown = wire.clone();
        unknown[7] = (byte) 200;
        assertThrows(EgressBinary.MalformedBatchException.class, () -> EgressBinary.readResponse(unknown, REQUEST));
    }

    /** Senders and Egress Lambdas of different builds talk during a deployment: codes never move. */
    @Test
    void wireCodesArePinnedAndNewReasonsAreAppended() {
        assertEquals(1, EgressBinary.code(DiscardReason.MalformedMessage));
        assertEquals(10, EgressBinary.code(DiscardReason.NoSession));
        assertEquals(16, EgressBinary.code(DiscardReason.BadSignature));
        assertEquals(17, EgressBinary.code(DiscardReason.NoFlow));
    }
}
