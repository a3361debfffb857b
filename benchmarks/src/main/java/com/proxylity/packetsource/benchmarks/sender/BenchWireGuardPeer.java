package com.proxylity.packetsource.benchmarks.sender;

import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.testing.WireGuardKeys;
import com.proxylity.packetsource.core.wireguard.PeerKey;
import com.proxylity.packetsource.core.wireguard.WireGuardTestKeys;
import com.proxylity.packetsource.core.wireguard.WireGuardTestPeer;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The WireGuard rows' peer: the core's test initiator on a loopback UDP socket, and the Listener
 * it is allowed on (a fresh key per run). It completes a real handshake with the Listener (the
 * initiation is answered, the peer's keepalive confirms the session), then never reads again:
 * like the plain rows' sink, its socket queue fills and the kernel drops the rest, so every path
 * pays the same loopback delivery.
 */
final class BenchWireGuardPeer implements AutoCloseable {
    private final WireGuardKeys listenerKeys = WireGuardKeys.generate();
    private final WireGuardTestPeer peer;
    private final DatagramSocket socket;

    BenchWireGuardPeer() throws IOException {
        byte[] key = WireGuardTestKeys.key(100);
        peer = new WireGuardTestPeer(key, PeerKey.fromBase64(listenerKeys.publicKey()), null,
                WireGuardTestKeys.seeded(System.nanoTime()));
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        socket.setSoTimeout(5_000);
    }

    /** A {@code wg} Listener on loopback that allows this peer. */
    ListenerConfig listener(String name) {
        return new ListenerConfig(name, ListenerType.WG, "127.0.0.1", 0, listenerKeys.privateKeyBytes(),
                List.of(peerKey()));
    }

    String peerKey() {
        return peer.publicKey().toBase64();
    }

    /** Where the peer sends from: the session's endpoint, where sealed datagrams go. */
    InetSocketAddress endpoint() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Handshakes with the Listener at {@code listener}; returns once {@code established} holds. */
    void handshake(InetSocketAddress listener, BooleanSupplier established) throws Exception {
        byte[] init = peer.initiation(System.currentTimeMillis() / 1000, 0);
        socket.send(new DatagramPacket(init, init.length, listener));
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        if (!peer.consumeResponse(Arrays.copyOf(buf, p.getLength()))) throw new IllegalStateException("bad handshake response");
        byte[] keepalive = peer.seal(new byte[0]);
        socket.send(new DatagramPacket(keepalive, keepalive.length, listener));
        for (int i = 0; !established.getAsBoolean(); i++) {
            if (i == 500) throw new IllegalStateException("the Listener did not confirm the session");
            Thread.sleep(10); // a load tool waiting for another thread's socket read, not a test
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
