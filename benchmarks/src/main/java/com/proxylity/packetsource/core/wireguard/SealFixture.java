package com.proxylity.packetsource.core.wireguard;

import com.proxylity.packetsource.core.wireguard.crypto.AeadKey;
import com.proxylity.packetsource.core.wireguard.crypto.Blake2s;
import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import com.proxylity.packetsource.core.wireguard.crypto.Entropy;
import com.proxylity.packetsource.core.wireguard.crypto.Tai64n;
import com.proxylity.packetsource.core.wireguard.crypto.X25519Keys;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import java.util.Random;

/**
 * An engine with one established peer (handshake done in memory with the package-private
 * initiator, as a client would), and the bare AEAD call of the same implementation on the same
 * bytes as the reference: init with the WireGuard nonce, encrypt plaintext + the same padding,
 * tag. Single-threaded use.
 */
final class SealFixture {
    final ChaChaPoly aead;
    final int size;
    final WireGuardListenerEngine engine;
    final PeerKey peer;
    final long now;
    private final ByteBuffer inner;
    private final ByteBuffer out;
    private final byte[] innerArray;
    private final byte[] outArray;
    private final int pad;
    private final byte[] nonce = new byte[12];
    private final byte[] zeros = new byte[16];
    private final ByteBuffer zeroBuf = ByteBuffer.allocate(16);
    private final SecretKeySpec jdkKey;
    private final Cipher jdk;
    private final ChaCha20Poly1305 bc = new ChaCha20Poly1305();
    private final KeyParameter bcKey;
    private final AeadKey openSslKey;
    private long counter;

    SealFixture(ChaChaPoly aead, int size) throws GeneralSecurityException {
        this.aead = aead;
        this.size = size;
        // Distinct keys per fixture: a cipher refuses a key+nonce it was just initialised with.
        Random r = new Random(System.nanoTime());
        Entropy entropy = r::nextBytes;
        byte[] listenerKey = new byte[32];
        entropy.nextBytes(listenerKey);
        engine = WireGuardListenerEngine.builder(listenerKey).entropy(entropy).aead(aead).build();
        byte[] clientKey = X25519Keys.generatePrivateKey(entropy);
        peer = PeerKey.of(X25519Keys.publicKey(clientKey));
        engine.putPeer(PeerConfig.of(peer));
        now = System.nanoTime();
        establish(clientKey, entropy);

        innerArray = new byte[size];
        r.nextBytes(innerArray);
        inner = ByteBuffer.wrap(innerArray);
        // Direct, as the sender's batch buffer: libcrypto seals only into native memory.
        out = ByteBuffer.allocateDirect(engine.sealedSize(size));
        pad = WireGuardProtocol.paddingLength(size, 1420);
        outArray = new byte[size + pad + 16];
        byte[] key = new byte[32];
        r.nextBytes(key);
        jdkKey = new SecretKeySpec(key, "ChaCha20");
        jdk = Cipher.getInstance("ChaCha20-Poly1305");
        bcKey = new KeyParameter(key);
        openSslKey = aead == ChaChaPoly.OPENSSL ? aead.newKey(key) : null;
    }

    /** Initiation -> response -> confirming keepalive, as wireguard-go does it. */
    private void establish(byte[] clientKey, Entropy entropy) {
        InetSocketAddress from = new InetSocketAddress("127.0.0.1", 40000);
        Noise.Initiator init = new Noise.Initiator(clientKey, engine.publicKey().bytes(), null, 7);
        byte[] msg = init.writeInitiation(X25519Keys.generatePrivateKey(entropy), Tai64n.of(System.currentTimeMillis() / 1000, 0));
        byte[] mac1Key = Blake2s.hash(WireGuardProtocol.LABEL_MAC1, engine.publicKey().bytes());
        System.arraycopy(Blake2s.mac(mac1Key, msg, 0, Noise.INIT_MAC1), 0, msg, Noise.INIT_MAC1, 16);
        InboundResult r = engine.receive(ByteBuffer.wrap(msg), from, now);
        byte[] resp = r.toSend().get(0).bytes();
        Noise.TransportKeys keys = init.readResponse(resp);
        ByteBuffer ka = ByteBuffer.allocate(WireGuardProtocol.MESSAGE_KEEPALIVE_SIZE);
        ka.put((byte) WireGuardProtocol.MESSAGE_TRANSPORT).put((byte) 0).put((byte) 0).put((byte) 0);
        int idx = Noise.le32(resp, Noise.RESP_SENDER);
        for (int i = 0; i < 4; i++) ka.put((byte) (idx >>> (8 * i)));
        ka.putLong(0);
        ChaChaPoly.BOUNCY_CASTLE.newKey(keys.send()).seal(0, ByteBuffer.allocate(0), 0, ka);
        InboundResult c = engine.receive(ka.flip(), from, now);
        if (c.events().isEmpty()) throw new IllegalStateException("no session: " + c.drop());
    }

    int engineSeal() {
        inner.clear();
        out.clear();
        SealResult r = engine.seal(peer, inner, out, now);
        if (!r.isSealed()) throw new IllegalStateException(r.toString());
        return r.length();
    }

    int bareAead() {
        long n = counter++;
        for (int i = 0; i < 8; i++) nonce[4 + i] = (byte) (n >>> (8 * i));
        try {
            if (aead == ChaChaPoly.OPENSSL) {
                inner.clear();
                out.clear();
                return openSslKey.seal(n, inner, pad, out);
            }
            if (aead == ChaChaPoly.JDK) {
                jdk.init(Cipher.ENCRYPT_MODE, jdkKey, new IvParameterSpec(nonce));
                inner.clear();
                out.clear();
                int w = jdk.update(inner, out);
                zeroBuf.clear().limit(pad);
                return w + jdk.doFinal(zeroBuf, out);
            }
            bc.init(true, new ParametersWithIV(bcKey, nonce));
            int w = bc.processBytes(innerArray, 0, size, outArray, 0);
            w += bc.processBytes(zeros, 0, pad, outArray, w);
            return w + bc.doFinal(outArray, w);
        } catch (GeneralSecurityException | InvalidCipherTextException e) {
            throw new IllegalStateException(e);
        }
    }
}
