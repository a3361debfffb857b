package com.proxylity.packetsource.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.testing.WireGuardKeys;
import com.proxylity.packetsource.core.wireguard.InboundDrop;
import com.proxylity.packetsource.core.wireguard.PeerKey;
import com.proxylity.packetsource.core.wireguard.WireGuardTestKeys;
import com.proxylity.packetsource.core.wireguard.WireGuardTestPeer;
import com.proxylity.packetsource.dynamodb.DynamoDbRegistry;
import com.proxylity.packetsource.dynamodb.DynamoDbRegistryWriter;
import com.proxylity.packetsource.dynamodb.Tables;
import com.proxylity.packetsource.dynamodb.testing.Dynalite;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import com.proxylity.packetsource.sender.registry.AllowedPeersReloader;
import com.proxylity.packetsource.sender.registry.ListenerRegistration;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import com.proxylity.packetsource.core.testing.Await;

/**
 * Against dynalite (the DynamoDB API): the sender registers its Listeners at start, and a
 * WireGuard Listener's allowed peers follow the registry's AllowedPeers without a restart — a
 * real handshake from the core's test peer over loopback is refused, then answered, then refused.
 */
class SenderRegistryTest {
    @Test
    void listenersAreRegisteredAndAllowedPeersFollowTheRegistry() throws Exception {
        WireGuardKeys listenerKeys = WireGuardKeys.generate();
        SenderConfig config = SenderConfig.builder().senderId("task-1").hmacKey(TestEgress.KEY)
                .listener(new ListenerConfig("tunnel", ListenerType.WG_DECAP, "127.0.0.1", 0,
                        listenerKeys.privateKeyBytes(), List.of()))
                .listener(ListenerConfig.udp("coap", "127.0.0.1", 0))
                // Two SO_REUSEPORT sockets share the engine through SharedWireGuardPort, which
                // once dropped the registry's reloads ("fixed peers") whatever the core count.
                .socketsPerListener(2)
                .build();
        try (Dynalite dynamo = Dynalite.start();
             Sender sender = Sender.builder(config).metricsOut(new PrintStream(OutputStream.nullOutputStream())).start();
             DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Tables tables = dynamo.createTables();
            DynamoDbRegistryWriter writer = new DynamoDbRegistryWriter(dynamo.client(), tables);
            ListenerRegistration.register(writer, ListenerRegistration.listeners(sender, config,
                    "http://sender.packet-source.internal:8080", List.of("203.0.113.10", "203.0.113.11")));
            DynamoDbRegistry registry = new DynamoDbRegistry(dynamo.client(), tables, Duration.ZERO, Clock.systemUTC());
            Listener tunnel = registry.listener("tunnel").orElseThrow();
            assertEquals(ListenerType.WG_DECAP, tunnel.type());
            assertEquals(listenerKeys.publicKey(), tunnel.publicKey(), "the public key, derived by the sender");
            assertEquals("http://sender.packet-source.internal:8080", tunnel.senderEndpoint());
            assertEquals(List.of("203.0.113.10", "203.0.113.11"), tunnel.publicAddresses());
            assertEquals(sender.listenerAddress("tunnel").getPort(), tunnel.port());
            assertEquals(ListenerType.UDP, registry.listener("coap").orElseThrow().type());

            WireGuardTestPeer peer = new WireGuardTestPeer(WireGuardTestKeys.key(100),
                    PeerKey.fromBase64(listenerKeys.publicKey()), null, WireGuardTestKeys.seeded(7));
            InetSocketAddress listener = sender.listenerAddress("tunnel");
            AllowedPeersReloader reloader = new AllowedPeersReloader(sender,
                    AllowedPeersReloader.registry(dynamo.client(), tables.listeners()));
            assertEquals(0, reloader.reloadOnce(), "no AllowedPeers in the registry: the configuration's (none) stay");
            handshakeRefused(sender, socket, peer, listener, 1);

            setAllowedPeers(dynamo, tables, List.of(peer.publicKey().toBase64(), "not a key"));
            assertEquals(1, reloader.reloadOnce(), "the new peer is applied; the malformed entry is skipped");
            socket.setSoTimeout(5_000);
            send(socket, peer.initiation(System.currentTimeMillis() / 1000, 0), listener);
            assertTrue(peer.consumeResponse(receive(socket)), "the Listener answers the newly allowed peer");

            // A restart registers again: the operator's AllowedPeers survive (UpdateItem, not PutItem).
            ListenerRegistration.register(writer, ListenerRegistration.listeners(sender, config,
                    "http://sender.packet-source.internal:8080", List.of("203.0.113.10")));
            assertEquals(0, reloader.reloadOnce(), "AllowedPeers unchanged by the registration");
            assertEquals(2, dynamo.client().getItem(b -> b.tableName(tables.listeners())
                    .key(Map.of(Tables.Listeners.NAME, AttributeValue.fromS("tunnel")))).item()
                    .get(Tables.Listeners.ALLOWED_PEERS).l().size(), "the operator's attribute is still on the item");

            setAllowedPeers(dynamo, tables, List.of());
            assertEquals(1, reloader.reloadOnce(), "the peer is removed");
            handshakeRefused(sender, socket, peer, listener, 2);
        }
    }

    private static void setAllowedPeers(Dynalite dynamo, Tables tables, List<String> peers) {
        dynamo.client().updateItem(b -> b.tableName(tables.listeners())
                .key(Map.of(Tables.Listeners.NAME, AttributeValue.fromS("tunnel")))
                .updateExpression("SET #p = :p")
                .expressionAttributeNames(Map.of("#p", Tables.Listeners.ALLOWED_PEERS))
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromL(peers.stream().map(AttributeValue::fromS).toList()))));
    }

    /** The engine counts an initiation from a peer it does not know as UNKNOWN_PEER and answers nothing. */
    private static void handshakeRefused(Sender sender, DatagramSocket socket, WireGuardTestPeer peer,
                                         InetSocketAddress listener, long expectedRefusals) throws Exception {
        send(socket, peer.initiation(System.currentTimeMillis() / 1000, expectedRefusals > 1 ? 500_000_000 : 0), listener);
        Await.until("the initiation is refused", () -> sender.metrics("tunnel").inboundRejectedTotal(InboundDrop.UNKNOWN_PEER)
                >= expectedRefusals);
        assertEquals(expectedRefusals, sender.metrics("tunnel").inboundRejectedTotal(InboundDrop.UNKNOWN_PEER));
    }

    private static void send(DatagramSocket s, byte[] bytes, InetSocketAddress to) throws Exception {
        s.send(new DatagramPacket(bytes, bytes.length, to));
    }

    private static byte[] receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return java.util.Arrays.copyOf(buf, p.getLength());
    }
}
