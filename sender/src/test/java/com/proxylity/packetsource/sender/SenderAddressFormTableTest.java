package com.proxylity.packetsource.sender;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.egresspolicy.AddressForms;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResult;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sender over the shared address-form table, checked on the wire. With loopback allowed,
 * each row the table marks safe for a socket's family is posted to an IPv4-only (127.0.0.1),
 * an IPv6-only (::1) and a dual-stack (::) Listener, as one batch each (the sendmmsg path).
 * Receivers on 127.0.0.1:P and ::1:P (one port number, so an address read in the wrong family
 * would land on the other one) must get exactly the rows the table says are Sent, each at the
 * receiver of its own family, and nothing else. Rows that could be read as a non-loopback
 * address by any socket are never posted here (they are checked at Format and dry run).
 */
class SenderAddressFormTableTest {
    private static final String MARKER = "marker ";
    private final List<DatagramSocket> receivers = new ArrayList<>();
    private Sender sender;

    @AfterEach
    void tearDown() {
        if (sender != null) sender.close();
        receivers.forEach(DatagramSocket::close);
    }

    /** Receivers on 127.0.0.1 and ::1 with the same port number. */
    private DatagramSocket[] receiverPair() throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            DatagramSocket v4 = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            try {
                DatagramSocket v6 = new DatagramSocket(new InetSocketAddress("::1", v4.getLocalPort()));
                v4.setSoTimeout(5000);
                v6.setSoTimeout(5000);
                v4.setReceiveBufferSize(1 << 20);
                v6.setReceiveBufferSize(1 << 20);
                receivers.add(v4);
                receivers.add(v6);
                return new DatagramSocket[] {v4, v6};
            } catch (java.net.BindException taken) {
                v4.close();
            }
        }
        throw new IllegalStateException("no port free on both 127.0.0.1 and ::1");
    }

    @Test
    void onlyTheTablesSentRowsArriveAndEachAtItsOwnFamily() throws Exception {
        DatagramSocket[] r = receiverPair();
        int port = r[0].getLocalPort();
        Map<String, String> binds = Map.of("v4", "127.0.0.1", "v6", "::1", "dual", "::");
        SenderConfig.Builder b = SenderConfig.builder().hmacKey(TestEgress.KEY);
        binds.forEach((name, bind) -> b.listener(ListenerConfig.udp(name, bind, 0)));
        sender = Sender.builder(b.build()).egressPolicy(DefaultEgressPolicy.localMode())
                .metricsOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).start();
        TestEgress client = new TestEgress(sender.egressUri());

        Set<String> expectV4 = new TreeSet<>();
        Set<String> expectV6 = new TreeSet<>();
        int posted = 0;
        for (String listener : List.of("v4", "v6", "dual")) {
            AddressFamilies families = sender.listenerFamilies(listener);
            List<AddressForms.Row> rows = new ArrayList<>();
            List<EgressPacket> packets = new ArrayList<>();
            for (AddressForms.Row row : AddressForms.rows()) {
                if (!row.safeOnWire(families)) continue;
                String tag = listener + " " + row.index();
                rows.add(row);
                packets.add(new EgressPacket(tag, row.spelling(), port, null, tag.getBytes(StandardCharsets.US_ASCII)));
                if (AddressForms.SENT.equals(row.expected(families, true))) {
                    (row.family() == 4 ? expectV4 : expectV6).add(tag);
                }
            }
            HttpResponse<byte[]> resp = client.post(new EgressRequest(listener, packets));
            assertEquals(200, resp.statusCode());
            List<EgressResult> results = EgressJson.readResponse(resp.body()).results();
            for (int i = 0; i < rows.size(); i++) {
                EgressResult res = results.get(i);
                String got = res.reason() == null ? AddressForms.SENT : res.reason().name();
                assertEquals(rows.get(i).expected(families, true), got, listener + ": " + rows.get(i));
            }
            posted += rows.size();
            // A marker through each family this socket reaches: once it arrives, everything this
            // socket sent earlier to that receiver has arrived too (one socket pair, in order).
            List<EgressPacket> markers = new ArrayList<>();
            if (families.reachesIpv4()) {
                markers.add(new EgressPacket("m4", "127.0.0.1", port, null, (MARKER + listener).getBytes(StandardCharsets.US_ASCII)));
            }
            if (families.reachesIpv6()) {
                markers.add(new EgressPacket("m6", "::1", port, null, (MARKER + listener).getBytes(StandardCharsets.US_ASCII)));
            }
            for (EgressResult m : EgressJson.readResponse(client.post(new EgressRequest(listener, markers)).body()).results()) {
                assertEquals(null, m.reason(), m.id());
            }
        }
        assertTrue(posted > 60, "the table was read: " + posted + " spellings posted");
        assertTrue(!expectV4.isEmpty() && !expectV6.isEmpty());
        assertEquals(expectV4, receiveUntilMarkers(r[0], Set.of("v4", "dual")), "at 127.0.0.1");
        assertEquals(expectV6, receiveUntilMarkers(r[1], Set.of("v6", "dual")), "at ::1");
    }

    private static Set<String> receiveUntilMarkers(DatagramSocket s, Set<String> listeners) throws Exception {
        Set<String> got = new TreeSet<>();
        Set<String> markers = new TreeSet<>();
        while (!markers.equals(listeners)) {
            DatagramPacket d = new DatagramPacket(new byte[256], 256);
            s.receive(d);
            String text = new String(d.getData(), 0, d.getLength(), StandardCharsets.US_ASCII);
            if (text.startsWith(MARKER)) markers.add(text.substring(MARKER.length()));
            else assertTrue(got.add(text), "arrived twice: " + text);
        }
        return got;
    }
}
