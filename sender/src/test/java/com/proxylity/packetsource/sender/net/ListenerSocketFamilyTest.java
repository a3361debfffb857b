package com.proxylity.packetsource.sender.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.egresspolicy.IpLiteral;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Defence in depth below the egress service: a socket is never handed a destination of another
 * family, whatever its caller passes, on both transports. Only loopback is targeted (each
 * destination reads as 127.0.0.1 however it is interpreted).
 */
class ListenerSocketFamilyTest {
    private EventLoopGroup group;
    private ListenerSocket socket;
    private DatagramSocket receiver;

    @BeforeEach
    void setUp() throws Exception {
        receiver = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        receiver.setSoTimeout(3000);
    }

    @AfterEach
    void tearDown() {
        if (socket != null) socket.close();
        if (group != null) group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        receiver.close();
    }

    private void bind(Transport transport, String address) throws Exception {
        group = transport.newGroup(1, "family-test");
        socket = new ListenerSocket(ListenerConfig.udp("l", address, 0), 16, new SenderMetrics("l"), null);
        socket.bind(group, transport);
    }

    private DiscardReason sendOne(InetSocketAddress dest, byte[] payload) throws Exception {
        Outbound out = new Outbound(1);
        out.add(dest, null, payload);
        socket.submit(out);
        out.done().get(5, TimeUnit.SECONDS);
        return out.outcome(0);
    }

    private DiscardReason[] sendMany(InetSocketAddress dest, int n) throws Exception {
        Outbound out = new Outbound(n);
        for (int i = 0; i < n; i++) out.add(dest, null, new byte[] {(byte) i});
        socket.submit(out);
        out.done().get(5, TimeUnit.SECONDS);
        DiscardReason[] r = new DiscardReason[n];
        for (int i = 0; i < n; i++) r[i] = out.outcome(i);
        return r;
    }

    private static InetSocketAddress at(String literal, int port) {
        return new InetSocketAddress(IpLiteral.parse(literal).orElseThrow(), port);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void ipv4SocketRefusesIpv6DestinationsAndSendsNothing(Transport transport) throws Exception {
        bind(transport, "127.0.0.1");
        assertEquals(AddressFamilies.IPV4, socket.families());
        int port = receiver.getLocalPort();
        // Several in one flush first: on the sendmmsg path Netty used to deliver them to 127.0.0.1.
        for (DiscardReason r : sendMany(at("2600::7f00:1", port), 4)) assertEquals(DiscardReason.AddressFamilyUnreachable, r);
        assertEquals(DiscardReason.AddressFamilyUnreachable, sendOne(at("2600::7f00:1", port), new byte[] {1}));
        // An empty datagram takes another path (a direct sendto): refused there too.
        assertEquals(DiscardReason.AddressFamilyUnreachable, sendOne(at("2600::7f00:1", port), new byte[0]));
        // An IPv4-mapped Inet6Address stands for the IPv4 address: written as an Inet4Address.
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        mapped[12] = 127;
        mapped[15] = 1;
        byte[] viaMapped = "mapped".getBytes(StandardCharsets.US_ASCII);
        assertNull(sendOne(new InetSocketAddress(Inet6Address.getByAddress(null, mapped, -1), port), viaMapped));
        DatagramPacket d = new DatagramPacket(new byte[64], 64);
        receiver.receive(d);
        assertArrayEquals(viaMapped, java.util.Arrays.copyOf(d.getData(), d.getLength()),
                "the first datagram at 127.0.0.1 must be the mapped one, not a refused IPv6 destination");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void ipv6OnlySocketRefusesIpv4Destinations(Transport transport) throws Exception {
        bind(transport, "::1");
        assertEquals(AddressFamilies.IPV6, socket.families());
        assertEquals(DiscardReason.AddressFamilyUnreachable, sendOne(at("127.0.0.1", receiver.getLocalPort()), new byte[] {1}));
    }
}
