package com.proxylity.packetsource.functions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.sender.Sender;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Egress client against the real sender (in-process, loopback): a sender task replaced on
 * the same address between two calls leaves the client a kept connection that is dead; the next
 * call goes once more on a new connection and its packet leaves.
 */
class HttpEgressTransportRealSenderTest {
    private static Sender start(byte[] key, int egressPort) throws IOException {
        return Sender.builder(SenderConfig.builder().hmacKey(key).egress("127.0.0.1", egressPort)
                        .listener(ListenerConfig.udp("coap", "127.0.0.1", 0)).build())
                .egressPolicy(DefaultEgressPolicy.localMode())
                .metricsOut(new PrintStream(new ByteArrayOutputStream()))
                .start();
    }

    private static EgressRequest request(String id, int remotePort) {
        return new EgressRequest("coap", List.of(new EgressPacket(id, "127.0.0.1", remotePort, null,
                id.getBytes(StandardCharsets.UTF_8))));
    }

    private static String received(DatagramSocket remote) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        remote.receive(p);
        return new String(Arrays.copyOf(p.getData(), p.getLength()), StandardCharsets.UTF_8);
    }

    @Test
    void aCallAfterTheSenderWasReplacedGoesOnANewConnectionAndItsPacketLeaves() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try (DatagramSocket remote = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            remote.setSoTimeout(10_000);
            HttpEgressTransport t = new HttpEgressTransport(key, Clock.systemUTC(), Duration.ofSeconds(5));
            int port;
            String url;
            try (Sender first = start(key, 0)) {
                port = first.egressPort();
                url = "http://127.0.0.1:" + port;
                assertEquals(List.of(EgressResult.sent("m/0")), t.post(url, request("m/0", remote.getLocalPort())).results());
                assertEquals("m/0", received(remote));
            }
            try (Sender second = start(key, port)) {
                assertEquals(List.of(EgressResult.sent("m/1")), t.post(url, request("m/1", remote.getLocalPort())).results());
                assertEquals("m/1", received(remote));
                assertEquals(List.of(EgressResult.sent("m/2")), t.post(url, request("m/2", remote.getLocalPort())).results());
                assertEquals("m/2", received(remote));
            }
        }
    }
}
