package com.proxylity.packetsource.core.wireguard;

import static com.proxylity.packetsource.core.wireguard.WireGuardProtocol.*;

import com.proxylity.packetsource.core.wireguard.crypto.Blake2s;
import com.proxylity.packetsource.core.wireguard.crypto.Entropy;
import com.proxylity.packetsource.core.wireguard.crypto.XChaCha20Poly1305;
import java.net.InetSocketAddress;

/**
 * The responder's DoS defence (paper section 5.4.7): mac1 proves the sender knows our public key;
 * under load, mac2 must carry a cookie bound to the sender's address, which we hand out in an
 * encrypted cookie reply. The cookie secret is random and replaced every CookieRefreshTime.
 */
final class CookieChecker {
    private final byte[] mac1Key;
    private final byte[] cookieKey;
    private final Entropy entropy;
    private final byte[] secret = new byte[32];
    private long secretBornNanos;
    private boolean secretSet;

    CookieChecker(byte[] ourPublic, Entropy entropy) {
        this.mac1Key = Blake2s.hash(LABEL_MAC1, ourPublic);
        this.cookieKey = Blake2s.hash(LABEL_COOKIE, ourPublic);
        this.entropy = entropy;
    }

    /** mac1 = MAC(HASH(LABEL_MAC1 || our public), msg[0..macOffset)). */
    boolean mac1Valid(byte[] msg, int mac1Offset) {
        return Blake2s.equalsAt(Blake2s.mac(mac1Key, msg, 0, mac1Offset), msg, mac1Offset);
    }

    /** mac2 = MAC(cookie(source), msg[0..mac2Offset)). */
    synchronized boolean mac2Valid(byte[] msg, int mac2Offset, InetSocketAddress from, long nowNanos) {
        byte[] cookie = cookieFor(from, nowNanos);
        return Blake2s.equalsAt(Blake2s.mac(cookie, msg, 0, mac2Offset), msg, mac2Offset);
    }

    /** A cookie reply to {@code msg} (whose mac1 is the associated data), addressed to its sender index. */
    synchronized byte[] cookieReply(byte[] msg, int senderIndex, int mac1Offset, InetSocketAddress from, long nowNanos) {
        byte[] cookie = cookieFor(from, nowNanos);
        byte[] nonce = new byte[XChaCha20Poly1305.NONCE_LEN];
        entropy.nextBytes(nonce);
        byte[] mac1 = Noise.slice(msg, mac1Offset, 16);
        byte[] enc = XChaCha20Poly1305.seal(cookieKey, nonce, cookie, mac1);
        byte[] reply = new byte[MESSAGE_COOKIE_REPLY_SIZE];
        reply[0] = MESSAGE_COOKIE_REPLY;
        Noise.putLe32(reply, Noise.COOKIE_RECEIVER, senderIndex);
        System.arraycopy(nonce, 0, reply, Noise.COOKIE_NONCE, nonce.length);
        System.arraycopy(enc, 0, reply, Noise.COOKIE_ENCRYPTED, enc.length);
        return reply;
    }

    /** cookie = MAC(secret, source address bytes || source port, big-endian). */
    private byte[] cookieFor(InetSocketAddress from, long nowNanos) {
        if (!secretSet || nowNanos - secretBornNanos >= COOKIE_REFRESH_TIME) {
            entropy.nextBytes(secret);
            secretBornNanos = nowNanos;
            secretSet = true;
        }
        byte[] addr = from.getAddress().getAddress();
        byte[] src = new byte[addr.length + 2];
        System.arraycopy(addr, 0, src, 0, addr.length);
        src[addr.length] = (byte) (from.getPort() >>> 8);
        src[addr.length + 1] = (byte) from.getPort();
        return Blake2s.mac(secret, src);
    }
}
