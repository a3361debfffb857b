package com.proxylity.packetsource.core.wireguard;

import static com.proxylity.packetsource.core.wireguard.WireGuardProtocol.*;

import com.proxylity.packetsource.core.wireguard.crypto.Blake2s;
import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import com.proxylity.packetsource.core.wireguard.crypto.X25519Keys;

/**
 * Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s as WireGuard uses it (paper section 5.4.2-5.4.5): the
 * message layouts and the chaining-key/hash transcript of both sides. The responder half serves
 * the Listener; the initiator half exists for tests (a test-only peer) and for nothing else.
 */
final class Noise {
    private Noise() {}

    static final byte[] INITIAL_CHAIN_KEY = Blake2s.hash(CONSTRUCTION);
    static final byte[] INITIAL_HASH = Blake2s.hash(INITIAL_CHAIN_KEY, IDENTIFIER);
    private static final byte[] EMPTY = new byte[0];

    // Initiation layout.
    static final int INIT_SENDER = 4;
    static final int INIT_EPHEMERAL = 8;
    static final int INIT_STATIC = 40;
    static final int INIT_STATIC_LEN = 32 + 16;
    static final int INIT_TIMESTAMP = 88;
    static final int INIT_TIMESTAMP_LEN = 12 + 16;
    static final int INIT_MAC1 = 116;
    static final int INIT_MAC2 = 132;
    // Response layout.
    static final int RESP_SENDER = 4;
    static final int RESP_RECEIVER = 8;
    static final int RESP_EPHEMERAL = 12;
    static final int RESP_EMPTY = 44;
    static final int RESP_MAC1 = 60;
    static final int RESP_MAC2 = 76;
    // Cookie reply layout.
    static final int COOKIE_RECEIVER = 4;
    static final int COOKIE_NONCE = 8;
    static final int COOKIE_ENCRYPTED = 32;

    /** Transcript state after reading an initiation up to (and including) the static key. */
    static final class ResponderState {
        byte[] chainKey;
        byte[] hash;
        byte[] initiatorEphemeral;
        byte[] initiatorStatic;
        int initiatorIndex;
        byte[] timestamp;
    }

    /** Transport keys from the final KDF2, named from the side that holds them. */
    record TransportKeys(byte[] send, byte[] receive) {}

    /** Our static hash: HASH(INITIAL_HASH || responder static public), the same for all initiations. */
    static byte[] responderHash0(byte[] responderPublic) {
        return Blake2s.hash(INITIAL_HASH, responderPublic);
    }

    /**
     * First half of consuming an initiation: returns the state with the initiator's static key, or
     * null if it does not decrypt (not for our key, or tampered).
     */
    static ResponderState readInitiationStatic(byte[] msg, byte[] ourPrivate, byte[] hash0) {
        ResponderState s = new ResponderState();
        s.initiatorIndex = le32(msg, INIT_SENDER);
        s.initiatorEphemeral = slice(msg, INIT_EPHEMERAL, 32);
        byte[] c = Blake2s.kdf1(INITIAL_CHAIN_KEY, s.initiatorEphemeral);
        byte[] h = Blake2s.hash(hash0, s.initiatorEphemeral);
        byte[] es = X25519Keys.dh(ourPrivate, s.initiatorEphemeral);
        if (es == null) return null;
        byte[][] ck = Blake2s.kdf2(c, es);
        byte[] encStatic = slice(msg, INIT_STATIC, INIT_STATIC_LEN);
        byte[] stat = ChaChaPoly.open(ck[1], 0, encStatic, h);
        if (stat == null) return null;
        s.initiatorStatic = stat;
        s.chainKey = ck[0];
        s.hash = Blake2s.hash(h, encStatic);
        return s;
    }

    /** Second half: decrypts the timestamp with the peer's static-static DH. False if it fails. */
    static boolean readInitiationTimestamp(ResponderState s, byte[] msg, byte[] staticStatic) {
        if (staticStatic == null) return false;
        byte[][] ck = Blake2s.kdf2(s.chainKey, staticStatic);
        byte[] encTs = slice(msg, INIT_TIMESTAMP, INIT_TIMESTAMP_LEN);
        byte[] ts = ChaChaPoly.open(ck[1], 0, encTs, s.hash);
        if (ts == null) return false;
        s.chainKey = ck[0];
        s.hash = Blake2s.hash(s.hash, encTs);
        s.timestamp = ts;
        return true;
    }

    /**
     * Writes the response (without mac1/mac2) into {@code out} (92 bytes) and returns the
     * responder's transport keys, or null if a DH result is all zeros.
     */
    static TransportKeys writeResponse(ResponderState s, byte[] ephemeralPrivate, byte[] psk, int localIndex, byte[] out) {
        byte[] ePub = X25519Keys.publicKey(ephemeralPrivate);
        out[0] = MESSAGE_RESPONSE;
        putLe32(out, RESP_SENDER, localIndex);
        putLe32(out, RESP_RECEIVER, s.initiatorIndex);
        System.arraycopy(ePub, 0, out, RESP_EPHEMERAL, 32);
        byte[] c = Blake2s.kdf1(s.chainKey, ePub);
        byte[] h = Blake2s.hash(s.hash, ePub);
        byte[] ee = X25519Keys.dh(ephemeralPrivate, s.initiatorEphemeral);
        byte[] se = X25519Keys.dh(ephemeralPrivate, s.initiatorStatic);
        if (ee == null || se == null) return null;
        c = Blake2s.kdf1(c, ee);
        c = Blake2s.kdf1(c, se);
        byte[][] ctk = Blake2s.kdf3(c, psk);
        c = ctk[0];
        h = Blake2s.hash(h, ctk[1]);
        byte[] empty = ChaChaPoly.seal(ctk[2], 0, EMPTY, h);
        System.arraycopy(empty, 0, out, RESP_EMPTY, 16);
        byte[][] t = Blake2s.kdf2(c, EMPTY);
        // The initiator sends with the first key, so the responder receives with it.
        return new TransportKeys(t[1], t[0]);
    }

    /** The initiator's side of one handshake (tests only). */
    static final class Initiator {
        private final byte[] staticPrivate;
        private final byte[] staticPublic;
        private final byte[] responderPublic;
        private final byte[] psk;
        final int localIndex;
        private byte[] chainKey;
        private byte[] hash;
        private byte[] ephemeralPrivate;

        Initiator(byte[] staticPrivate, byte[] responderPublic, byte[] psk, int localIndex) {
            this.staticPrivate = staticPrivate;
            this.staticPublic = X25519Keys.publicKey(staticPrivate);
            this.responderPublic = responderPublic;
            this.psk = psk == null ? new byte[32] : psk;
            this.localIndex = localIndex;
        }

        /** Writes an initiation without mac1/mac2 (148 bytes). */
        byte[] writeInitiation(byte[] ephemeralPrivate, byte[] timestamp) {
            this.ephemeralPrivate = ephemeralPrivate;
            byte[] msg = new byte[MESSAGE_INITIATION_SIZE];
            msg[0] = MESSAGE_INITIATION;
            putLe32(msg, INIT_SENDER, localIndex);
            byte[] ePub = X25519Keys.publicKey(ephemeralPrivate);
            System.arraycopy(ePub, 0, msg, INIT_EPHEMERAL, 32);
            byte[] h = Blake2s.hash(INITIAL_HASH, responderPublic);
            byte[] c = Blake2s.kdf1(INITIAL_CHAIN_KEY, ePub);
            h = Blake2s.hash(h, ePub);
            byte[][] ck = Blake2s.kdf2(c, X25519Keys.dh(ephemeralPrivate, responderPublic));
            byte[] encStatic = ChaChaPoly.seal(ck[1], 0, staticPublic, h);
            System.arraycopy(encStatic, 0, msg, INIT_STATIC, INIT_STATIC_LEN);
            h = Blake2s.hash(h, encStatic);
            ck = Blake2s.kdf2(ck[0], X25519Keys.dh(staticPrivate, responderPublic));
            byte[] encTs = ChaChaPoly.seal(ck[1], 0, timestamp, h);
            System.arraycopy(encTs, 0, msg, INIT_TIMESTAMP, INIT_TIMESTAMP_LEN);
            chainKey = ck[0];
            hash = Blake2s.hash(h, encTs);
            return msg;
        }

        /** Consumes a response; returns the initiator's transport keys or null if it does not authenticate. */
        TransportKeys readResponse(byte[] msg) {
            if (msg.length != MESSAGE_RESPONSE_SIZE || msg[0] != MESSAGE_RESPONSE) return null;
            if (le32(msg, RESP_RECEIVER) != localIndex) return null;
            byte[] eR = slice(msg, RESP_EPHEMERAL, 32);
            byte[] c = Blake2s.kdf1(chainKey, eR);
            byte[] h = Blake2s.hash(hash, eR);
            byte[] ee = X25519Keys.dh(ephemeralPrivate, eR);
            byte[] se = X25519Keys.dh(staticPrivate, eR);
            if (ee == null || se == null) return null;
            c = Blake2s.kdf1(c, ee);
            c = Blake2s.kdf1(c, se);
            byte[][] ctk = Blake2s.kdf3(c, psk);
            h = Blake2s.hash(h, ctk[1]);
            byte[] encEmpty = slice(msg, RESP_EMPTY, 16);
            if (ChaChaPoly.open(ctk[2], 0, encEmpty, h) == null) return null;
            byte[][] t = Blake2s.kdf2(ctk[0], EMPTY);
            return new TransportKeys(t[0], t[1]);
        }
    }

    static byte[] slice(byte[] b, int off, int len) {
        byte[] s = new byte[len];
        System.arraycopy(b, off, s, 0, len);
        return s;
    }

    static int le32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    static void putLe32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }
}
