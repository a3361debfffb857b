package com.proxylity.packetsource.core.format.coap;

import com.proxylity.packetsource.core.format.DecodeException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Length and format of the registered options (RFC 7252 section 5.10; Observe RFC 7641
 * section 2; Block1/Block2/Size2 RFC 7959 section 2.1 and 4). A value outside its range is a
 * message format error a receiver may reject the whole message for, so it is never sent.
 * Unregistered option numbers are opaque to us and pass unchecked.
 */
final class CoapOptionRules {
    enum Format { EMPTY, OPAQUE, UINT, STRING, BLOCK }

    record Rule(String name, Format format, int min, int max) {}

    static final Map<Integer, Rule> REGISTERED = Map.ofEntries(
            Map.entry(1, new Rule("If-Match", Format.OPAQUE, 0, 8)),
            Map.entry(3, new Rule("Uri-Host", Format.STRING, 1, 255)),
            Map.entry(4, new Rule("ETag", Format.OPAQUE, 1, 8)),
            Map.entry(5, new Rule("If-None-Match", Format.EMPTY, 0, 0)),
            Map.entry(6, new Rule("Observe", Format.UINT, 0, 3)),
            Map.entry(7, new Rule("Uri-Port", Format.UINT, 0, 2)),
            Map.entry(8, new Rule("Location-Path", Format.STRING, 0, 255)),
            Map.entry(11, new Rule("Uri-Path", Format.STRING, 0, 255)),
            Map.entry(12, new Rule("Content-Format", Format.UINT, 0, 2)),
            Map.entry(14, new Rule("Max-Age", Format.UINT, 0, 4)),
            Map.entry(15, new Rule("Uri-Query", Format.STRING, 0, 255)),
            Map.entry(17, new Rule("Accept", Format.UINT, 0, 2)),
            Map.entry(20, new Rule("Location-Query", Format.STRING, 0, 255)),
            Map.entry(23, new Rule("Block2", Format.BLOCK, 0, 3)),
            Map.entry(27, new Rule("Block1", Format.BLOCK, 0, 3)),
            Map.entry(28, new Rule("Size2", Format.UINT, 0, 4)),
            Map.entry(35, new Rule("Proxy-Uri", Format.STRING, 1, 1034)),
            Map.entry(39, new Rule("Proxy-Scheme", Format.STRING, 1, 255)),
            Map.entry(60, new Rule("Size1", Format.UINT, 0, 4)));

    /** SZX 7 is reserved and must not be sent (RFC 7959 section 2.2). */
    private static final int RESERVED_SZX = 7;

    private CoapOptionRules() {}

    static void check(CoapOption option) throws DecodeException {
        Rule rule = REGISTERED.get(option.number());
        if (rule == null) return;
        byte[] v = option.valueUnsafe();
        String name = "coap: option " + option.number() + " (" + rule.name() + ")";
        if (v.length < rule.min() || v.length > rule.max()) {
            throw new DecodeException(name + " value is " + v.length + " bytes; RFC allows "
                    + (rule.min() == rule.max() ? String.valueOf(rule.min()) : rule.min() + "-" + rule.max()));
        }
        switch (rule.format()) {
            case UINT, BLOCK -> {
                // RFC 7252 section 3.2: an integer in as few bytes as possible (0 is the empty value).
                if (v.length > 0 && v[0] == 0) {
                    throw new DecodeException(name + " is a uint with a leading zero byte (use the shortest form)");
                }
                if (rule.format() == Format.BLOCK && v.length > 0 && (v[v.length - 1] & 0x07) == RESERVED_SZX) {
                    throw new DecodeException(name + " uses the reserved block size SZX 7");
                }
            }
            case STRING -> {
                try {
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(v));
                } catch (CharacterCodingException e) {
                    throw new DecodeException(name + " is a string option and its value is not UTF-8");
                }
            }
            default -> { }
        }
    }
}
