package com.proxylity.packetsource.sender.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import com.proxylity.packetsource.sender.net.ListenerSocket;
import com.proxylity.packetsource.sender.net.Transport;
import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A batch's packets are added through one reused builder: each packet is exactly what was set
 * for it, never a field left over from the packet before, and a payload range is sent as that
 * range of its array. Real Listener socket and receiver on loopback.
 */
class BatchPacketBuilderTest {
    @Test
    void eachPacketIsWhatWasSetForItAndNothingOfThePreviousOne() throws Exception {
        EventLoopGroup group = Transport.best().newGroup(1, "builder-test");
        SenderMetrics metrics = new SenderMetrics("l");
        ListenerSocket socket = new ListenerSocket(ListenerConfig.udp("l", "127.0.0.1", 0), 16, metrics, null);
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            receiver.setSoTimeout(5000);
            socket.bind(group, Transport.best());
            EgressService service = new EgressService(Map.of("l", socket), Map.of("l", metrics), null,
                    Duration.ofSeconds(5));
            int port = receiver.getLocalPort();
            byte[] body = {9, 9, 1, 2, 3, 9};
            EgressService.Batch b = service.batch("l", 4);
            b.packet().id("m/0").remote("127.0.0.1", port).payload(body, 2, 3).add();
            b.packet().id("m/1").add(); // no remote, no payload: not m/0's
            b.packet().id("m/2").payload(new byte[] {4}).add(); // no remote: not m/0's
            b.packet().add(); // nothing at all
            EgressResponse r = b.submit().get(10, TimeUnit.SECONDS);
            assertEquals(List.of(EgressResult.sent("m/0"),
                    EgressResult.discarded("m/1", DiscardReason.MalformedMessage),
                    EgressResult.discarded("m/2", DiscardReason.MalformedRemote),
                    EgressResult.discarded(null, DiscardReason.MalformedMessage)), r.results());
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            receiver.receive(p);
            assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOf(p.getData(), p.getLength()),
                    "the payload is the range given, read from the caller's array");
        } finally {
            socket.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
