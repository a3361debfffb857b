package com.proxylity.packetsource.core.format.coap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.format.DecodeException;
import com.proxylity.packetsource.core.format.Formatters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Encode then decode gives back the message with its options stably sorted by number. */
class CoapRoundTripPropertiesTest {

    @Property(tries = 500)
    void binaryRoundTrip(@ForAll("messages") CoapMessage message) throws DecodeException {
        byte[] bytes = CoapEncoder.encode(message);
        assertEquals(sorted(message), CoapDecoder.decode(bytes));
    }

    @Property(tries = 300)
    void jsonRoundTripThroughTheFormatter(@ForAll("messages") CoapMessage message) throws DecodeException {
        byte[] viaJson = Formatters.byName("coap").orElseThrow().decode(CoapJson.toJson(message));
        assertEquals(sorted(message), CoapDecoder.decode(viaJson));
        assertEquals(message, CoapJson.parse(CoapJson.toJson(message)));
    }

    @Property
    void uintIsMinimalAndLossless(@ForAll @IntRange(min = 0) int value) {
        long v = Integer.toUnsignedLong(value);
        byte[] bytes = CoapJson.uintBytes(v);
        long back = 0;
        for (byte b : bytes) back = (back << 8) | (b & 0xFF);
        assertEquals(v, back);
        if (bytes.length > 0 && bytes[0] == 0) throw new AssertionError("leading zero byte for " + v);
    }

    /** Arbitrary bytes never make the decoder throw anything but DecodeException. */
    @Property(tries = 2000)
    void decoderIsTotal(@ForAll @Size(max = 64) byte[] bytes) {
        if (bytes.length > 0) bytes[0] = (byte) (0x40 | (bytes[0] & 0x3F)); // mostly version 1, to go deeper
        try {
            CoapDecoder.decode(bytes);
        } catch (DecodeException expected) {
            // fine
        }
    }

    private static boolean allowed(CoapOption o) {
        try {
            CoapOptionRules.check(o);
            return true;
        } catch (com.proxylity.packetsource.core.format.DecodeException e) {
            return false;
        }
    }

    @Provide
    Arbitrary<CoapMessage> messages() {
        Arbitrary<Integer> type = Arbitraries.integers().between(0, 3);
        Arbitrary<Integer> code = Arbitraries.integers().between(1, 255); // 0.00 has its own rule
        Arbitrary<Integer> mid = Arbitraries.integers().between(0, 0xFFFF);
        Arbitrary<byte[]> token = Arbitraries.bytes().array(byte[].class).ofMaxSize(8);
        Arbitrary<List<CoapOption>> options = option().list().ofMaxSize(20);
        Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        return Combinators.combine(type, code, mid, token, options, payload).as(CoapMessage::new);
    }

    private Arbitrary<CoapOption> option() {
        // Numbers cluster near the extended-delta edges so deltas of 12/13/268/269 are common.
        Arbitrary<Integer> number = Arbitraries.<Integer>frequencyOf(
                Tuple.<Integer, Arbitrary<? extends Integer>>of(3, Arbitraries.integers().between(0, 20)),
                Tuple.<Integer, Arbitrary<? extends Integer>>of(2, Arbitraries.of(11, 11, 12, 13, 268, 269, 270, 281, 282, 537, 538, 65_535)),
                Tuple.<Integer, Arbitrary<? extends Integer>>of(1, Arbitraries.integers().between(0, 0xFFFF)));
        Arbitrary<Integer> length = Arbitraries.<Integer>frequencyOf(
                Tuple.<Integer, Arbitrary<? extends Integer>>of(3, Arbitraries.integers().between(0, 14)),
                Tuple.<Integer, Arbitrary<? extends Integer>>of(2, Arbitraries.of(12, 13, 268, 269, 270)),
                Tuple.<Integer, Arbitrary<? extends Integer>>of(1, Arbitraries.integers().between(0, 600)));
        Arbitrary<byte[]> value = length.flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n));
        // Registered options must respect their RFC length and format (the encoder refuses
        // anything else; CoapOptionRulesTest covers that): keep only values the RFC allows.
        return Combinators.combine(number, value).as(CoapOption::new).filter(CoapRoundTripPropertiesTest::allowed);
    }

    private static CoapMessage sorted(CoapMessage m) {
        List<CoapOption> options = new ArrayList<>(m.options());
        options.sort(Comparator.comparingInt(CoapOption::number));
        return new CoapMessage(m.type(), m.code(), m.messageId(), m.token(), options, m.payload());
    }
}
