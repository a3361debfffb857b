package com.proxylity.packetsource.core.wireguard;

import static com.proxylity.packetsource.core.wireguard.WireGuardProtocol.*;

import com.proxylity.packetsource.core.wireguard.crypto.AeadKey;
import com.proxylity.packetsource.core.wireguard.crypto.Blake2s;
import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import com.proxylity.packetsource.core.wireguard.crypto.Entropy;
import com.proxylity.packetsource.core.wireguard.crypto.Tai64n;
import com.proxylity.packetsource.core.wireguard.crypto.X25519Keys;
import com.proxylity.packetsource.core.wireguard.crypto.XChaCha20Poly1305;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal WireGuard initiator for tests: creates initiations (with mac1, and mac2 once it holds
 * a cookie), consumes responses and cookie replies, and seals/opens transport messages. It plays
 * the client a Listener talks to; production code never initiates.
 */
public final class WireGuardTestPeer {
    private final byte[] privateKey;
    private final PeerKey publicKey;
    private final PeerKey responder;
    private final byte[] psk;
    private final Entropy entropy;
    private final byte[] responderMac1Key;
    private final byte[] responderCookieKey;
    private Noise.Initiator handshake;
    private byte[] lastMac1;
    private byte[] cookie;
    private AeadKey sendKey;
    private AeadKey receiveKey;
    private int remoteIndex;
    private int localIndex;
    private final AtomicLong counter = new AtomicLong();
    private ReplayWindow replay;

    public WireGuardTestPeer(byte[] privateKey, PeerKey responder, byte[] psk, Entropy entropy) {
        this.privateKey = X25519Keys.privateKeyFrom(privateKey);
        this.publicKey = PeerKey.of(X25519Keys.publicKey(this.privateKey));
        this.responder = responder;
        this.psk = psk;
        this.entropy = entropy;
        this.responderMac1Key = Blake2s.hash(LABEL_MAC1, responder.raw());
        this.responderCookieKey = Blake2s.hash(LABEL_COOKIE, responder.raw());
    }

    public PeerKey publicKey() { return publicKey; }

    public int localIndex() { return localIndex; }

    /** A fresh initiation stamped with the given wall-clock time. */
    public byte[] initiation(long epochSecond, int nanos) {
        byte[] idx = new byte[4];
        entropy.nextBytes(idx);
        localIndex = Noise.le32(idx, 0);
        handshake = new Noise.Initiator(privateKey, responder.raw(), psk, localIndex);
        byte[] msg = handshake.writeInitiation(X25519Keys.generatePrivateKey(entropy), Tai64n.of(epochSecond, nanos));
        byte[] mac1 = Blake2s.mac(responderMac1Key, msg, 0, Noise.INIT_MAC1);
        System.arraycopy(mac1, 0, msg, Noise.INIT_MAC1, 16);
        lastMac1 = mac1;
        if (cookie != null) {
            byte[] mac2 = Blake2s.mac(cookie, msg, 0, Noise.INIT_MAC2);
            System.arraycopy(mac2, 0, msg, Noise.INIT_MAC2, 16);
        }
        return msg;
    }

    /** Stores the cookie of a cookie reply to our last initiation; false if it does not decrypt. */
    public boolean consumeCookieReply(byte[] reply) {
        if (reply.length != MESSAGE_COOKIE_REPLY_SIZE || reply[0] != MESSAGE_COOKIE_REPLY) return false;
        if (Noise.le32(reply, Noise.COOKIE_RECEIVER) != localIndex) return false;
        byte[] nonce = Noise.slice(reply, Noise.COOKIE_NONCE, 24);
        byte[] enc = Noise.slice(reply, Noise.COOKIE_ENCRYPTED, 32);
        byte[] c = XChaCha20Poly1305.open(responderCookieKey, nonce, enc, lastMac1);
        if (c == null) return false;
        cookie = c;
        return true;
    }

    /** Derives transport keys from a response; false if it does not authenticate. */
    public boolean consumeResponse(byte[] response) {
        if (response.length != MESSAGE_RESPONSE_SIZE) return false;
        byte[] mac1 = Blake2s.mac(Blake2s.hash(LABEL_MAC1, publicKey.raw()), response, 0, Noise.RESP_MAC1);
        if (!Blake2s.equalsAt(mac1, response, Noise.RESP_MAC1)) return false;
        Noise.TransportKeys keys = handshake.readResponse(response);
        if (keys == null) return false;
        sendKey = ChaChaPoly.BOUNCY_CASTLE.newKey(keys.send());
        receiveKey = ChaChaPoly.BOUNCY_CASTLE.newKey(keys.receive());
        remoteIndex = Noise.le32(response, Noise.RESP_SENDER);
        counter.set(0);
        replay = new ReplayWindow();
        return true;
    }

    /** A transport message carrying {@code inner} (padded to 16), empty for a keepalive. */
    public byte[] seal(byte[] inner) {
        int pad = paddingLength(inner.length, 0);
        ByteBuffer out = ByteBuffer.allocate(MESSAGE_KEEPALIVE_SIZE + inner.length + pad);
        long n = counter.getAndIncrement();
        out.put((byte) MESSAGE_TRANSPORT).put((byte) 0).put((byte) 0).put((byte) 0);
        for (int i = 0; i < 4; i++) out.put((byte) (remoteIndex >>> (8 * i)));
        for (int i = 0; i < 8; i++) out.put((byte) (n >>> (8 * i)));
        sendKey.seal(n, ByteBuffer.wrap(inner), pad, out);
        return out.array();
    }

    /** Opens a transport message from the Listener: the padded plaintext, or null (bad tag, replay, wrong index). */
    public byte[] open(byte[] msg) {
        Opened o = openWithCounter(msg);
        return o == null ? null : o.plaintext();
    }

    public record Opened(long counter, byte[] plaintext) {}

    public Opened openWithCounter(byte[] msg) {
        if (msg.length < MESSAGE_KEEPALIVE_SIZE || msg[0] != MESSAGE_TRANSPORT) return null;
        if (Noise.le32(msg, 4) != localIndex) return null;
        long n = 0;
        for (int i = 7; i >= 0; i--) n = n << 8 | (msg[8 + i] & 0xFF);
        ByteBuffer plain = ByteBuffer.allocate(msg.length - MESSAGE_KEEPALIVE_SIZE);
        int len = receiveKey.open(n, ByteBuffer.wrap(msg, 16, msg.length - 16), plain);
        if (len < 0) return null;
        synchronized (replay) {
            if (!replay.accept(n)) return null;
        }
        return new Opened(n, plain.array());
    }
}
