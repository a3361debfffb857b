package com.proxylity.packetsource.sender;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, defect 1, on the wire: an AF_INET Listener given an IPv6 Remote used to send it to the
 * IPv4 address made of the last 4 bytes (2600::7f00:1 arrived at 127.0.0.1). Only loopback is
 * ever targeted: every address here reads as 127.0.0.1 or ::1 however a socket interprets it.
 */
class SenderAddressFamilyTest {
    private final ByteArrayOutputStream metricsOut = new ByteArrayOutputStream();
    private final List<DatagramSocket> receivers = new ArrayList<>();
    private Sender sender;
    private TestEgress client;

    @AfterEach
    void tearDown() {
        if (sender != null) sender.close();
        receivers.forEach(DatagramSocket::close);
    }

    private DatagramSocket receiver(String address) throws Exception {
        DatagramSocket r = new DatagramSocket(new InetSocketAddress(address, 0));
        r.setSoTimeout(3000);
        receivers.add(r);
        return r;
    }

    private void start(EgressPolicy policy, ListenerConfig... listeners) throws Exception {
        SenderConfig.Builder b = SenderConfig.builder().hmacKey(TestEgress.KEY);
        for (ListenerConfig l : listeners) b.listener(l);
        sender = Sender.builder(b.build()).egressPolicy(policy)
                .metricsOut(new PrintStream(metricsOut, true, StandardCharsets.UTF_8)).start();
        client = new TestEgress(sender.egressUri());
    }

    private List<EgressResult> post(String listener, String address, int port, byte[] payload) throws Exception {
        HttpResponse<byte[]> r = client.post(new EgressRequest(listener,
                List.of(new EgressPacket("m/0", address, port, null, payload))));
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        EgressResponse resp = EgressJson.readResponse(r.body());
        return resp.results();
    }

    private static byte[] receive(DatagramSocket r) throws Exception {
        DatagramPacket d = new DatagramPacket(new byte[2048], 2048);
        r.receive(d);
        byte[] out = new byte[d.getLength()];
        System.arraycopy(d.getData(), 0, out, 0, d.getLength());
        return out;
    }

    @Test
    void ipv4ListenerRefusesIpv6RemotesWhoseLastFourBytesAreLoopback() throws Exception {
        DatagramSocket v4 = receiver("127.0.0.1");
        start(DefaultEgressPolicy.localMode(), ListenerConfig.udp("v4", "127.0.0.1", 0));
        int port = v4.getLocalPort();
        List<String> bypasses = List.of("2600::7f00:1", "2001:db8::127.0.0.1", "2001:db8::7f00:1");
        // One request (several datagrams in one flush: the sendmmsg path) and one per address.
        List<EgressPacket> batch = new ArrayList<>();
        for (String bypass : bypasses) {
            batch.add(new EgressPacket("m/" + batch.size(), bypass, port, null, bypass.getBytes(StandardCharsets.US_ASCII)));
            batch.add(new EgressPacket("m/" + batch.size(), bypass, port, null, bypass.getBytes(StandardCharsets.US_ASCII)));
        }
        HttpResponse<byte[]> resp = client.post(new EgressRequest("v4", batch));
        for (EgressResult r : EgressJson.readResponse(resp.body()).results()) {
            assertEquals(DiscardReason.AddressFamilyUnreachable, r.reason(), r.id());
        }
        for (String bypass : bypasses) {
            EgressResult r = post("v4", bypass, port, bypass.getBytes(StandardCharsets.US_ASCII)).get(0);
            assertEquals(DiscardReason.AddressFamilyUnreachable, r.reason(), bypass);
        }
        assertEquals(9, sender.metrics("v4").discardedTotal(DiscardReason.AddressFamilyUnreachable));
        // The same socket then sends to 127.0.0.1: the first datagram to arrive must be this one.
        byte[] marker = "marker".getBytes(StandardCharsets.US_ASCII);
        assertEquals(null, post("v4", "127.0.0.1", port, marker).get(0).reason());
        assertArrayEquals(marker, receive(v4), "a refused IPv6 Remote reached 127.0.0.1");
    }

    @Test
    void dualStackListenerSendsEachFamilyToItsOwnAddressAndStillJudgesIt() throws Exception {
        DatagramSocket v4 = receiver("127.0.0.1");
        DatagramSocket v6 = receiver("::1");
        start(DefaultEgressPolicy.localMode(), ListenerConfig.udp("dual", "::", 0));
        assertEquals(AddressFamilies.DUAL, sender.listenerFamilies("dual"));
        byte[] four = "to 127.0.0.1".getBytes(StandardCharsets.US_ASCII);
        byte[] mapped = "to ::ffff:127.0.0.1".getBytes(StandardCharsets.US_ASCII);
        byte[] six = "to ::1".getBytes(StandardCharsets.US_ASCII);
        assertEquals(null, post("dual", "127.0.0.1", v4.getLocalPort(), four).get(0).reason());
        assertEquals(null, post("dual", "::ffff:127.0.0.1", v4.getLocalPort(), mapped).get(0).reason());
        assertEquals(null, post("dual", "::1", v6.getLocalPort(), six).get(0).reason());
        assertArrayEquals(four, receive(v4));
        assertArrayEquals(mapped, receive(v4));
        assertArrayEquals(six, receive(v6));
        // Loopback is denied by the standard policy on a dual-stack socket too (for both families).
        sender.close();
        start(DefaultEgressPolicy.standard(), ListenerConfig.udp("dual", "::", 0));
        assertEquals(DiscardReason.EgressDenied, post("dual", "127.0.0.1", v4.getLocalPort(), four).get(0).reason());
        assertEquals(DiscardReason.EgressDenied, post("dual", "::1", v6.getLocalPort(), six).get(0).reason());
    }

    @Test
    void ipv6OnlyListenerRefusesIpv4Remotes() throws Exception {
        DatagramSocket v4 = receiver("127.0.0.1");
        DatagramSocket v6 = receiver("::1");
        start(DefaultEgressPolicy.localMode(), ListenerConfig.udp("v6", "::1", 0));
        assertEquals(AddressFamilies.IPV6, sender.listenerFamilies("v6"));
        for (String remote : List.of("127.0.0.1", "::ffff:127.0.0.1")) {
            assertEquals(DiscardReason.AddressFamilyUnreachable,
                    post("v6", remote, v4.getLocalPort(), new byte[] {1}).get(0).reason(), remote);
        }
        byte[] six = "to ::1".getBytes(StandardCharsets.US_ASCII);
        assertEquals(null, post("v6", "::1", v6.getLocalPort(), six).get(0).reason());
        assertArrayEquals(six, receive(v6));
        assertEquals(2, sender.metrics("v6").discardedTotal(DiscardReason.AddressFamilyUnreachable));
    }
}
