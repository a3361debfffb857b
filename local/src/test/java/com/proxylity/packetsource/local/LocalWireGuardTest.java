package com.proxylity.packetsource.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.testing.InnerUdpReceiver;
import com.proxylity.packetsource.core.testing.ReceivedDatagram;
import com.proxylity.packetsource.core.testing.WireGuardKeys;
import com.proxylity.packetsource.core.testing.WireGuardPeer;
import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.sqs.Sqs;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import com.proxylity.packetsource.core.testing.Await;

/**
 * Local mode with a WireGuard DecapsulatedDelivery Listener and a real wireguard-go peer in a
 * network namespace: the peer handshakes with the local sender, a message published with the
 * peer's key and an Inner block comes out of the tunnel as a UDP datagram to the socket inside
 * the namespace, from the Inner source. Needs root and wireguard-go (skipped otherwise, unless
 * PACKET_SOURCE_REQUIRE_INTEROP=1).
 */
class LocalWireGuardTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void publishedMessageArrivesThroughTheTunnel() throws Exception {
        WireGuardPeer.requireAvailable();
        WireGuardKeys peerKeys = WireGuardKeys.generate();
        WireGuardKeys listenerKeys = WireGuardKeys.generate();
        String yaml = "regions: [us-east-1]\n"
                + "listeners:\n"
                + "  - {name: tunnel, protocol: wg, decapsulated: true, privateKey: \"" + listenerKeys.privateKey()
                + "\", allowedPeers: [\"" + peerKeys.publicKey() + "\"]}\n"
                + "packetSources: [{topic: tunnel, listener: tunnel, formatter: utf8}]\n";
        LocalConfig cfg = LocalConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        try (LocalMode local = LocalMode.start(cfg, LocalWireGuard.ports(), null)) {
            assertEquals(listenerKeys.publicKey(), local.sender().publicKeys().get("tunnel"));
            InetSocketAddress listener = new InetSocketAddress("127.0.0.1", local.sender().listenerPorts().get("tunnel"));
            try (WireGuardPeer peer = WireGuardPeer.builder().keys(peerKeys).peer(listenerKeys.publicKey(), listener)
                         .persistentKeepalive(Duration.ofSeconds(25)).start();
                 InnerUdpReceiver rx = peer.receiver(peer.innerV4(), 12345);
                 SnsClient sns = SnsClient.builder().endpointOverride(local.stack().snsEndpoint()).region(Region.US_EAST_1)
                         .credentialsProvider(Sqs.dummyCredentials()).httpClient(UrlConnectionHttpClient.create()).build()) {
                awaitSession(local, peerKeys.publicKey());
                String body = "{\"Messages\":[{\"Data\":\"through the tunnel\","
                        + "\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":51820,\"PeerKey\":\"" + peerKeys.publicKey() + "\"},"
                        + "\"Inner\":{\"SourceAddress\":\"10.77.0.1\",\"SourcePort\":53,\"DestinationAddress\":\""
                        + peer.innerV4().getHostAddress() + "\",\"DestinationPort\":12345}}]}";
                sns.publish(b -> b.topicArn(cfg.topicArn("tunnel")).message(body).messageAttributes(Map.of("EgressRegion",
                        MessageAttributeValue.builder().dataType("String").stringValue("us-east-1").build())));
                ReceivedDatagram d = rx.expect(WAIT);
                assertEquals("through the tunnel", d.payloadUtf8());
                assertEquals(new InetSocketAddress("10.77.0.1", 53), d.source());
            }
        }
    }

    static void awaitSession(LocalMode local, String peerKey) throws InterruptedException {
        Await.until("a WireGuard session for the peer", WAIT, () -> local.sessions().get("tunnel", peerKey).isPresent());
    }
}
