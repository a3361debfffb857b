package com.proxylity.packetsource.core.format.coap;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A CoAP message (RFC 7252 section 3) as a value: header fields, token, options in the order
 * given, payload. Construction checks only what the binary form cannot represent at all; the
 * encoder applies the remaining message-level rules (sizes, Empty message).
 */
public record CoapMessage(int type, int code, int messageId, byte[] token, List<CoapOption> options, byte[] payload) {
    /** RFC 7252 section 3: Version is 1 ("Implementations of this specification MUST set this field to 1"). */
    public static final int VERSION = 1;
    public static final int TYPE_CON = 0, TYPE_NON = 1, TYPE_ACK = 2, TYPE_RST = 3;
    /** Token Length 9-15 are reserved (section 3), so a token has at most 8 bytes. */
    public static final int MAX_TOKEN_LENGTH = 8;
    /** Option numbers are 16-bit (section 12.2). */
    public static final int MAX_OPTION_NUMBER = 0xFFFF;
    /** 0xFF ends the options; payload follows (section 3). */
    public static final int PAYLOAD_MARKER = 0xFF;
    /** Our bound: the largest UDP payload over IPv4 (65535 - 20 IP - 8 UDP). */
    public static final int MAX_ENCODED_SIZE = 65_507;
    /** Our bound on option instances per message, far above any real use. */
    public static final int MAX_OPTIONS = 256;

    public CoapMessage {
        if (type < 0 || type > 3) throw new IllegalArgumentException("type out of range: " + type);
        if (code < 0 || code > 0xFF) throw new IllegalArgumentException("code out of range: " + code);
        if (messageId < 0 || messageId > 0xFFFF) throw new IllegalArgumentException("message id out of range: " + messageId);
        token = token == null ? new byte[0] : token.clone();
        if (token.length > MAX_TOKEN_LENGTH) throw new IllegalArgumentException("token longer than 8 bytes");
        options = options == null ? List.of() : List.copyOf(options);
        payload = payload == null ? new byte[0] : payload.clone();
    }

    @Override public byte[] token() { return token.clone(); }

    @Override public byte[] payload() { return payload.clone(); }

    byte[] tokenUnsafe() { return token; }

    byte[] payloadUnsafe() { return payload; }

    /** Code class c of "c.dd". */
    public int codeClass() { return code >>> 5; }

    /** Code detail dd of "c.dd". */
    public int codeDetail() { return code & 0x1F; }

    @Override
    public boolean equals(Object o) {
        return o instanceof CoapMessage m && m.type == type && m.code == code && m.messageId == messageId
                && Arrays.equals(m.token, token) && m.options.equals(options) && Arrays.equals(m.payload, payload);
    }

    @Override
    public int hashCode() {
        int h = ((type * 31 + code) * 31 + messageId) * 31 + Arrays.hashCode(token);
        return (h * 31 + options.hashCode()) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "CoapMessage[type=" + type + ", code=" + CoapCode.format(code) + ", mid=" + messageId
                + ", token=" + HexFormat.of().formatHex(token) + ", options=" + options
                + ", payload=" + payload.length + " bytes]";
    }
}
