package com.proxylity.packetsource.sender.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * UDP segmentation ({@link SegmentRun}) against the real kernel on loopback: what arrives is the
 * same datagrams, in the same order, as sending them one by one; runs break where they must (a
 * shorter datagram ends one, another destination, an empty datagram, the segment and size
 * limits); and a segmented send the kernel refuses is sent again datagram by datagram, nothing
 * lost, and not offered again.
 */
class SegmentedSendTest {

    /** One packet of the mixed batch: where it goes and its size. */
    private record Spec(int to, int size) { }

    private static List<Spec> mixedBatch() {
        List<Spec> s = new ArrayList<>();
        for (int i = 0; i < 5; i++) s.add(new Spec(0, 1000)); // a run...
        s.add(new Spec(0, 400));                              // ...ended by a shorter last segment
        for (int i = 0; i < 2; i++) s.add(new Spec(0, 1000)); // a new run after the short one
        for (int i = 0; i < 3; i++) s.add(new Spec(1, 1000)); // another destination: a run of its own
        s.add(new Spec(0, 0));                                // an empty datagram between runs
        for (int i = 0; i < 70; i++) s.add(new Spec(0, 100)); // more than MAX_SEGMENTS: 64 + 6
        s.add(new Spec(0, 1452));                             // the largest segment...
        s.add(new Spec(0, 1452));
        s.add(new Spec(0, 1453));                             // ...one byte more goes alone
        s.add(new Spec(1, 1000));                             // alone: the next goes elsewhere
        s.add(new Spec(0, 1000));                             // alone: last of the batch
        return s;
    }

    /** Datagrams of {@link #mixedBatch()} that leave inside runs of two or more. */
    private static final int SEGMENTED = 6 + 2 + 3 + 64 + 6 + 2;

    @Test
    void aMixedBatchArrivesAsTheSameDatagramsInOrderWithOrWithoutSegmentation() throws Exception {
        assumeTrue(Transport.best() == Transport.EPOLL && SegmentRun.supported(probeChannel()), "UDP GSO needs native epoll");
        List<List<byte[]>> with = send(true);
        List<List<byte[]>> without = send(false);
        for (int r = 0; r < 2; r++) {
            assertEquals(without.get(r).size(), with.get(r).size(), "receiver " + r);
            for (int i = 0; i < with.get(r).size(); i++) {
                assertArrayEquals(without.get(r).get(i), with.get(r).get(i), "receiver " + r + ", datagram " + i);
            }
        }
    }

    private List<List<byte[]>> send(boolean segmentation) throws Exception {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "gso-test");
        SenderMetrics metrics = new SenderMetrics("l");
        ListenerSocket socket = new ListenerSocket(ListenerConfig.udp("l", "127.0.0.1", 0), 1024, metrics, null, 1);
        socket.udpSegmentation(segmentation);
        try (DatagramSocket a = receiver(); DatagramSocket b = receiver()) {
            socket.bind(group, transport);
            InetSocketAddress[] to = {
                    new InetSocketAddress("127.0.0.1", a.getLocalPort()), new InetSocketAddress("127.0.0.1", b.getLocalPort())};
            List<Spec> specs = mixedBatch();
            Outbound out = new Outbound(specs.size());
            List<List<byte[]>> expected = List.of(new ArrayList<>(), new ArrayList<>());
            for (int i = 0; i < specs.size(); i++) {
                byte[] p = payload(i, specs.get(i).size());
                out.add(to[specs.get(i).to()], null, p);
                expected.get(specs.get(i).to()).add(p);
            }
            socket.submit(out);
            out.done().get(5, TimeUnit.SECONDS);
            for (int i = 0; i < specs.size(); i++) assertNull(out.outcome(i), "packet " + i);
            assertEquals(segmentation ? SEGMENTED : 0, metrics.sentSegmentedTotal());
            List<List<byte[]>> got = List.of(drain(a, expected.get(0).size()), drain(b, expected.get(1).size()));
            for (int r = 0; r < 2; r++) {
                for (int i = 0; i < expected.get(r).size(); i++) {
                    assertArrayEquals(expected.get(r).get(i), got.get(r).get(i), "receiver " + r + ", datagram " + i);
                }
            }
            return got;
        } finally {
            socket.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aRunTheKernelRefusesIsSentDatagramByDatagramAndNotOfferedAgain() throws Exception {
        assumeTrue(Transport.best() == Transport.EPOLL && SegmentRun.supported(probeChannel()), "UDP GSO needs native epoll");
        int n = 200; // beyond every kernel's UDP_MAX_SEGMENTS (64, later 128): EINVAL for the whole run
        int size = 100;
        EventLoopGroup group = Transport.EPOLL.newGroup(1, "gso-refused");
        SenderMetrics metrics = new SenderMetrics("l");
        SegmentRefusals refusals = new SegmentRefusals(true);
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (DatagramSocket r = receiver()) {
            Channel ch = new Bootstrap().group(group)
                    .channelFactory(() -> Transport.EPOLL.newChannel(loopback))
                    .handler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            InetSocketAddress dest = new InetSocketAddress("127.0.0.1", r.getLocalPort());
            Outbound out = new Outbound(n);
            for (int i = 0; i < n; i++) out.add(dest, null, payload(i, size));
            ch.eventLoop().submit(() -> {
                SendCompletion done = SendCompletion.open(out, n, new SendQueue(n), metrics);
                ByteBuf batch = Transport.ALLOCATOR.directBuffer(n * size);
                writeRun(ch, new SegmentRun("l", refusals, done, batch, metrics, n), batch, dest, n, size);
            }).get(5, TimeUnit.SECONDS);
            out.done().get(5, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) assertNull(out.outcome(i), "packet " + i);
            assertFalse(refusals.allows(dest, size), "runs the kernel refused are offered again");
            assertTrue(refusals.enabled(), "a refused size to one remote ended segmentation for all");
            assertEquals(0, metrics.sentSegmentedTotal());
            List<byte[]> got = drain(r, n);
            for (int i = 0; i < n; i++) assertArrayEquals(payload(i, size), got.get(i), "datagram " + i);
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * A remote behind a smaller path MTU (a /32 route with MTU 1400 to a loopback address: what a
     * PPPoE or tunnelled remote, or an ICMP "fragmentation needed", gives a route): the kernel
     * refuses every run of 1,452-byte segments to it (EMSGSIZE, EINVAL on 5.x kernels) while it
     * sends each datagram alone, fragmented, as before segmentation. Learned once: the next batch
     * to that remote is not offered as a run again, so it is not resent behind the rest of its
     * batch every time; and one such remote does not end segmentation for others. The refused run
     * itself leaves in its place: the datagram behind it in the batch does not overtake it.
     */
    @Test
    void aRemoteBehindASmallerPathMtuIsRefusedOnceNotInEveryBatch() throws Exception {
        assumeTrue(Transport.best() == Transport.EPOLL && SegmentRun.supported(probeChannel()), "UDP GSO needs native epoll");
        String small = "127.77.0.1";
        ip("route", "del", "local", small + "/32", "dev", "lo", "table", "local"); // left by an interrupted run
        assumeTrue(ip("route", "add", "local", small + "/32", "dev", "lo", "table", "local", "mtu", "1400"),
                "needs root to add a route with a smaller MTU");
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "gso-pmtu");
        SenderMetrics metrics = new SenderMetrics("l");
        ListenerSocket socket = new ListenerSocket(ListenerConfig.udp("l", "127.0.0.1", 0), 1024, metrics, null, 1);
        try (DatagramSocket a = new DatagramSocket(new InetSocketAddress(small, 0)); DatagramSocket b = receiver()) {
            a.setSoTimeout(3000);
            a.setReceiveBufferSize(1 << 20);
            socket.bind(group, transport);
            InetSocketAddress toA = new InetSocketAddress(small, a.getLocalPort());
            InetSocketAddress toB = new InetSocketAddress("127.0.0.1", b.getLocalPort());
            for (int round = 0; round < 3; round++) {
                // Three segments of 1,452 B to A (a run the route cannot take), one of 1,453 B to A
                // (always alone), then a run to B, which has the full MTU.
                Outbound out = new Outbound(7);
                List<byte[]> expected = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    byte[] p = payload(round * 10 + i, i < 3 ? 1452 : 1453);
                    out.add(toA, null, p);
                    expected.add(p);
                }
                for (int i = 0; i < 3; i++) out.add(toB, null, payload(round * 10 + 5 + i, 1000));
                long segmentedBefore = metrics.sentSegmentedTotal();
                socket.submit(out);
                out.done().get(5, TimeUnit.SECONDS);
                for (int i = 0; i < 7; i++) assertNull(out.outcome(i), "round " + round + ", packet " + i);
                assertEquals(3, metrics.sentSegmentedTotal() - segmentedBefore, "round " + round + ": B's run");
                List<byte[]> got = drain(a, 4);
                drain(b, 3);
                for (int i = 0; i < 4; i++) {
                    assertArrayEquals(expected.get(i), got.get(i), "round " + round + ", datagram " + i + " to A");
                }
            }
        } finally {
            socket.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            ip("route", "del", "local", small + "/32", "dev", "lo", "table", "local");
        }
    }

    private static boolean ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * Every slot of a run settles exactly once and the batch's memory is freed, on each path: the
     * kernel takes the run, the kernel refuses it (resent one by one), the socket is closed (the
     * run and its resends fail). One slot more is opened than the batch has and settled last by
     * hand: a slot settled twice would complete the batch before it.
     */
    @Test
    void everySlotSettlesOnceAndTheBatchIsFreedWhetherTheRunIsTakenRefusedOrTheSocketClosed() throws Exception {
        assumeTrue(Transport.best() == Transport.EPOLL && SegmentRun.supported(probeChannel()), "UDP GSO needs native epoll");
        int n = 200;
        int size = 100;
        EventLoopGroup group = Transport.EPOLL.newGroup(1, "gso-settle");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (DatagramSocket r = receiver()) {
            InetSocketAddress dest = new InetSocketAddress("127.0.0.1", r.getLocalPort());
            for (String path : List.of("taken", "refused", "closed")) {
                Channel ch = new Bootstrap().group(group)
                        .channelFactory(() -> Transport.EPOLL.newChannel(loopback))
                        .handler(new ChannelInboundHandlerAdapter())
                        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
                if (path.equals("closed")) ch.close().sync();
                SenderMetrics metrics = new SenderMetrics("l");
                Outbound out = new Outbound(n + 1);
                for (int i = 0; i <= n; i++) out.add(dest, null, payload(i, size));
                ByteBuf batch = io.netty.buffer.Unpooled.directBuffer(n * size);
                SendCompletion done = ch.eventLoop().submit(() -> {
                    SendCompletion d = SendCompletion.open(out, n + 1, new SendQueue(n + 1), metrics);
                    writeRun(ch, new SegmentRun("l", new SegmentRefusals(true), d, batch, metrics,
                            path.equals("refused") ? n : 64), batch, dest, n, size);
                    return d;
                }).get(5, TimeUnit.SECONDS);
                if (!path.equals("closed")) drain(r, n);
                // Behind everything the loop had to do for the batch.
                int refCnt = ch.eventLoop().submit(batch::refCnt).get(5, TimeUnit.SECONDS);
                assertFalse(out.done().isDone(), path + ": a slot settled twice");
                ch.eventLoop().submit(() -> done.settle(n, null)).get(5, TimeUnit.SECONDS);
                out.done().get(5, TimeUnit.SECONDS);
                for (int i = 0; i < n; i++) {
                    assertEquals(path.equals("closed") ? com.proxylity.packetsource.core.contract.DiscardReason.SendError : null,
                            out.outcome(i), path + ", packet " + i);
                }
                assertEquals(0, refCnt, path + ": the batch's memory is still referenced");
                ch.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * A dual-stack Listener (bound to "::"): runs to an IPv6 remote and to an IPv4 remote (written
     * as its IPv4-mapped address, which the kernel sends on its IPv4 path with IPv4's smaller
     * headers) arrive as the same datagrams in order, the largest segments included.
     */
    @Test
    void aDualStackListenerSegmentsToIpv6AndToIpv4MappedRemotes() throws Exception {
        assumeTrue(Transport.best() == Transport.EPOLL && SegmentRun.supported(probeChannel()), "UDP GSO needs native epoll");
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(1, "gso-dual");
        SenderMetrics metrics = new SenderMetrics("l");
        ListenerSocket socket = new ListenerSocket(ListenerConfig.udp("l", "::", 0), 1024, metrics, null, 1);
        try (DatagramSocket v4 = receiver(); DatagramSocket v6 = new DatagramSocket(new InetSocketAddress("::1", 0))) {
            v6.setSoTimeout(3000);
            v6.setReceiveBufferSize(1 << 20);
            socket.bind(group, transport);
            InetSocketAddress[] to = {
                    new InetSocketAddress("127.0.0.1", v4.getLocalPort()), new InetSocketAddress("::1", v6.getLocalPort())};
            Outbound out = new Outbound(20);
            List<List<byte[]>> expected = List.of(new ArrayList<>(), new ArrayList<>());
            for (int r = 0; r < 2; r++) {
                for (int i = 0; i < 10; i++) {
                    byte[] p = payload(r * 10 + i, i < 9 ? SegmentRun.MAX_SEGMENT_BYTES : 7);
                    out.add(to[r], null, p);
                    expected.get(r).add(p);
                }
            }
            socket.submit(out);
            out.done().get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 20; i++) assertNull(out.outcome(i), "packet " + i);
            assertEquals(20, metrics.sentSegmentedTotal());
            List<List<byte[]>> got = List.of(drain(v4, 10), drain(v6, 10));
            for (int r = 0; r < 2; r++) {
                for (int i = 0; i < 10; i++) {
                    assertArrayEquals(expected.get(r).get(i), got.get(r).get(i), "receiver " + r + ", datagram " + i);
                }
            }
        } finally {
            socket.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * On {@code ch}'s loop: {@code n} datagrams of {@code size} bytes (distinct payloads) through
     * {@code run} from slices of {@code batch}, as BatchWriter writes a batch; the batch's own
     * reference released, then one flush.
     */
    private static void writeRun(Channel ch, SegmentRun run, ByteBuf batch, InetSocketAddress dest, int n, int size) {
        try {
            for (int i = 0; i < n; i++) {
                ByteBuf slice = batch.retainedSlice(i * size, size).clear();
                slice.writeBytes(payload(i, size));
                run.add(ch, i, dest, slice, i * size);
            }
            run.flush(ch);
        } finally {
            batch.release();
        }
        ch.flush();
    }

    private static Channel probeChannel() throws Exception {
        return Transport.best() == Transport.EPOLL ? Transport.EPOLL.newChannel(InetAddress.getByName("127.0.0.1")) : null;
    }

    private static DatagramSocket receiver() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        s.setSoTimeout(3000);
        s.setReceiveBufferSize(1 << 20);
        return s;
    }

    private static List<byte[]> drain(DatagramSocket s, int n) throws Exception {
        List<byte[]> got = new ArrayList<>();
        byte[] buf = new byte[2048];
        for (int i = 0; i < n; i++) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            got.add(Arrays.copyOf(p.getData(), p.getLength()));
        }
        return got;
    }

    /** Distinct bytes per packet, so a reordered, merged or cut datagram cannot pass. */
    private static byte[] payload(int index, int size) {
        byte[] p = new byte[size];
        for (int i = 0; i < size; i++) p[i] = (byte) (index * 31 + i);
        return p;
    }
}
