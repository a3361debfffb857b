package com.proxylity.packetsource.core.egressapi;

import java.util.Base64;

/**
 * How a request body is authenticated: the form of the {@code X-PS-Signature} value names it
 * (docs/sender.md#why-the-egress-mac-is-poly1305). Both forms bind the key id, timestamp and
 * nonce; a signature of one form is never checked as the other.
 */
public enum EgressMacScheme {
    /**
     * {@code poly1305:} + base64 of a 16-byte tag: the ChaCha20-Poly1305 (RFC 8439) tag over the
     * body as associated data, under a key made for this one request from the shared key, the key
     * id, the timestamp and the nonce, then passed through HMAC-SHA256 ({@link EgressMac}). What
     * signers send.
     */
    POLY1305("poly1305:", 16),
    /**
     * Bare base64 of HMAC-SHA256 over {@code [keyId "\n"] timestamp "\n" nonce "\n" body}: the
     * form before Poly1305, still accepted so a sender and an Egress of different releases agree
     * while a deployment rolls.
     */
    HMAC_SHA256("", 32);

    private final String prefix;
    private final int tagBytes;

    EgressMacScheme(String prefix, int tagBytes) {
        this.prefix = prefix;
        this.tagBytes = tagBytes;
    }

    int tagBytes() { return tagBytes; }

    /** The header value for {@code tag}. */
    String format(byte[] tag) {
        return prefix + Base64.getEncoder().encodeToString(tag);
    }

    /** The scheme a header value names by its form; whether it is well formed is {@link #tag}'s to say. */
    static EgressMacScheme of(String signature) {
        return signature.startsWith(POLY1305.prefix) ? POLY1305 : HMAC_SHA256;
    }

    /** The tag in {@code signature} (a value of this scheme), or null when it is malformed. */
    byte[] tag(String signature) {
        // Standard base64 of the exact tag length, padding included: one spelling per tag.
        int chars = 4 * ((tagBytes + 2) / 3);
        if (signature.length() != prefix.length() + chars) return null;
        String text = signature.substring(prefix.length());
        try {
            byte[] tag = Base64.getDecoder().decode(text);
            // The decoder ignores a last character's unused bits; only the encoder's spelling counts.
            return tag.length == tagBytes && Base64.getEncoder().encodeToString(tag).equals(text) ? tag : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
