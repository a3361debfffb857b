package com.proxylity.packetsource.core.format.coap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.format.DecodeException;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.EntryOutcome;
import com.proxylity.packetsource.core.pipeline.FormatStage;
import com.proxylity.packetsource.core.pipeline.ReadyPacket;
import com.proxylity.packetsource.core.pipeline.ValidatedEntry;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Registered options at each edge of their RFC range (RFC 7252 section 5.10, RFC 7641, RFC 7959),
 * written here by hand: the last length allowed is sent, one byte more (or less) is DecodeError
 * naming the option. Through the Format stage, as a publisher meets it.
 */
class CoapOptionRulesTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final FormatStage FORMAT = new FormatStage(DefaultEgressPolicy.standard());

    private static EntryOutcome format(int number, byte[] value) {
        ObjectNode entry = M.createObjectNode().put("Formatter", "coap");
        ObjectNode data = entry.putObject("Data").put("Type", 0).put("Code", "0.01").put("MessageId", 1);
        data.putArray("Options").addObject().put("Number", number).put("Value", Base64.getEncoder().encodeToString(value));
        entry.putObject("Remote").put("Address", "203.0.113.9").put("Port", 5683);
        return FORMAT.formatEntry(new ValidatedEntry("m/0", "l", ListenerType.UDP, "coap", entry));
    }

    /** A value of n bytes of the option's kind: 'a's for strings, 0x01 then 0x11s for uints. */
    private static byte[] value(int n) {
        byte[] v = new byte[n];
        Arrays.fill(v, (byte) 'a');
        return v;
    }

    @ParameterizedTest(name = "{1} ({0}) {2}-{3} bytes")
    @CsvSource({
            "1, If-Match, 0, 8", "3, Uri-Host, 1, 255", "4, ETag, 1, 8", "5, If-None-Match, 0, 0",
            "6, Observe, 0, 3", "7, Uri-Port, 0, 2", "8, Location-Path, 0, 255", "11, Uri-Path, 0, 255",
            "12, Content-Format, 0, 2", "14, Max-Age, 0, 4", "15, Uri-Query, 0, 255", "17, Accept, 0, 2",
            "20, Location-Query, 0, 255", "23, Block2, 0, 3", "27, Block1, 0, 3", "28, Size2, 0, 4",
            "35, Proxy-Uri, 1, 1034", "39, Proxy-Scheme, 1, 255", "60, Size1, 0, 4"})
    void eachEdgeOfEachRegisteredOption(int number, String name, int min, int max) {
        assertTrue(format(number, value(min)) instanceof ReadyPacket, "min " + min);
        assertTrue(format(number, value(max)) instanceof ReadyPacket, "max " + max);
        Discard over = (Discard) format(number, value(max + 1));
        assertEquals(DiscardReason.DecodeError, over.reason());
        assertEquals("coap: option " + number + " (" + name + ") value is " + (max + 1) + " bytes; RFC allows "
                + (min == max ? String.valueOf(min) : min + "-" + max), over.detail());
        if (min > 0) {
            Discard under = (Discard) format(number, value(min - 1));
            assertEquals(DiscardReason.DecodeError, under.reason());
            assertTrue(under.detail().contains(name), under.detail());
        }
    }

    @Test
    void theIssuesUriQueryOf300BytesIsNotSent() {
        Discard d = (Discard) format(15, value(300));
        assertEquals("coap: option 15 (Uri-Query) value is 300 bytes; RFC allows 0-255", d.detail());
    }

    @Test
    void uintOptionsAreShortestFormAndBlocksNeverUseTheReservedSize() {
        assertTrue(((Discard) format(12, new byte[] {0, 50})).detail().contains("Content-Format"));
        assertTrue(((Discard) format(60, new byte[] {0})).detail().contains("leading zero"));
        assertTrue(format(12, new byte[] {50}) instanceof ReadyPacket);
        assertTrue(((Discard) format(23, new byte[] {0x17})).detail().contains("SZX 7"));
        assertTrue(format(23, new byte[] {0x16}) instanceof ReadyPacket);
        assertTrue(((Discard) format(27, new byte[] {1, 0x0F})).detail().contains("Block1"));
    }

    @Test
    void stringOptionsAreUtf8AndOpaqueOnesAreNot() {
        byte[] notUtf8 = {(byte) 0xC3, 0x28};
        Discard d = (Discard) format(11, notUtf8);
        assertEquals("coap: option 11 (Uri-Path) is a string option and its value is not UTF-8", d.detail());
        assertTrue(format(4, notUtf8) instanceof ReadyPacket, "ETag is opaque");
        assertTrue(format(11, "température".getBytes(java.nio.charset.StandardCharsets.UTF_8)) instanceof ReadyPacket);
    }

    @Test
    void unregisteredOptionsKeepAnyLength() throws DecodeException {
        CoapOptionRules.check(new CoapOption(2, new byte[1000]));
        CoapOptionRules.check(new CoapOption(65_000, new byte[300]));
        assertThrows(DecodeException.class, () -> CoapOptionRules.check(new CoapOption(15, new byte[256])));
    }
}
