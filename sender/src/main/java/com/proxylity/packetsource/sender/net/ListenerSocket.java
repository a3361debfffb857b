package com.proxylity.packetsource.sender.net;

import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.flow.FlowWindow;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import com.proxylity.packetsource.core.wireguard.InboundDrop;
import com.proxylity.packetsource.core.wireguard.SealResult;
import com.proxylity.packetsource.sender.wg.SharedWireGuardPort;
import com.proxylity.packetsource.sender.wg.WireGuardPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Socket;
import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.DiscardReason;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.Set;
import java.net.UnknownHostException;

/**
 * One bound Listener socket. Outbound datagrams leave from this socket, so clients see the
 * Listener's own address and port. Inbound: plain UDP is counted and dropped; WireGuard goes
 * to the engine.
 *
 * <p>Send path: a request's packets are reserved against a bounded per-Listener queue (what
 * does not fit is {@code SendError} at once), then one task on the Listener's event loop copies
 * each payload into a pooled direct buffer (or seals it into one), writes them all and flushes
 * once, so the epoll transport hands them to the kernel in {@code sendmmsg} batches.
 *
 * <p>Several sockets: with {@code sockets > 1} (native epoll) the Listener binds that many
 * sockets to the same address and port with {@code SO_REUSEPORT}, each on its own event loop;
 * requests are spread over them round-robin and every datagram still leaves from the
 * Listener's address and port. The kernel spreads inbound datagrams by flow hash; a WireGuard
 * Listener's one engine is then shared: sockets seal at once, state changes take one lock
 * ({@link SharedWireGuardPort}).
 */
public final class ListenerSocket {
    private static final JsonLog LOG = JsonLog.of(ListenerSocket.class);
    private static final long TICK_MILLIS = 250;
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(1);

    private final ListenerConfig config;
    private final int capacity;
    private final SenderMetrics metrics;
    private final WireGuardPort wireGuard;
    private final OutboundEncoder encoder;
    private final AtomicInteger pending = new AtomicInteger();
    /** Who this Listener heard from recently: the NLB's UDP flows that are still live. */
    private final FlowWindow flows = new FlowWindow();
    private volatile Consumer<InetSocketAddress> onHeard;
    private final ByteBufAllocator alloc = Transport.ALLOCATOR;
    private final int sockets;
    private boolean sharePort;
    private final AtomicInteger nextSocket = new AtomicInteger();
    /** The first socket: its address is the Listener's; WireGuard timers run on its loop. */
    private Channel channel;
    private Channel[] channels;
    private AddressFamilies families = AddressFamilies.IPV4;
    private ScheduledFuture<?> ticker;

    public ListenerSocket(ListenerConfig config, int capacity, SenderMetrics metrics, WireGuardPort wireGuard) {
        this(config, capacity, metrics, wireGuard, 1);
    }

    public ListenerSocket(ListenerConfig config, int capacity, SenderMetrics metrics, WireGuardPort wireGuard,
                          int sockets) {
        if (sockets < 1) throw new IllegalArgumentException("sockets must be >= 1");
        this.config = config;
        this.capacity = capacity;
        this.metrics = metrics;
        this.sockets = sockets;
        this.wireGuard = wireGuard != null && sockets > 1 ? new SharedWireGuardPort(wireGuard) : wireGuard;
        this.encoder = OutboundEncoder.forType(config.type(), this.wireGuard);
    }

    /** Join a port other tasks hold too ({@code SO_REUSEPORT} on every socket): call before {@link #bind}. */
    public void sharePortWithOtherTasks() {
        sharePort = true;
    }

    public void bind(EventLoopGroup group, Transport transport) throws InterruptedException {
        InetAddress bindAddress = parseBind(config.bindAddress());
        // SO_REUSEPORT is a native epoll option; elsewhere the Listener keeps one socket.
        int n = transport == Transport.EPOLL ? sockets : 1;
        if (n < sockets) LOG.warn("listener-single-socket", "listener", config.name(), "reason", "no native epoll");
        if (sharePort && transport != Transport.EPOLL) {
            throw new IllegalStateException("sharing a Listener port between tasks needs native epoll (SO_REUSEPORT)");
        }
        Channel[] bound = new Channel[n];
        int port = config.port();
        try {
            for (int k = 0; k < n; k++) {
                Bootstrap b = new Bootstrap()
                        .group(group) // next() is round-robin: each socket gets its own loop
                        .channelFactory(() -> transport.newChannel(bindAddress))
                        .option(ChannelOption.ALLOCATOR, alloc)
                        .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                        .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                        .handler(new Inbound());
                if (n > 1 || sharePort) b.option(EpollChannelOption.SO_REUSEPORT, true);
                bound[k] = b.bind(new InetSocketAddress(bindAddress, port)).sync().channel();
                // Port 0 picks an ephemeral port once; the other sockets join that one.
                if (k == 0) port = ((InetSocketAddress) bound[0].localAddress()).getPort();
            }
        } catch (InterruptedException e) {
            for (Channel c : bound) if (c != null) c.close().syncUninterruptibly();
            throw e;
        } catch (Exception e) { // Netty rethrows the bind's checked exception (Address already in use) as is
            for (Channel c : bound) if (c != null) c.close().syncUninterruptibly();
            // Name the port: the native message alone does not say which of the sockets clashed.
            throw new IllegalStateException("Listener " + config.name() + ": cannot bind UDP port " + port + " on "
                    + bindAddress.getHostAddress() + ": " + e.getMessage(), e);
        }
        channels = bound;
        channel = bound[0];
        families = familiesOf(bindAddress);
        if (wireGuard != null) {
            ticker = channel.eventLoop().scheduleAtFixedRate(
                    () -> wireGuard.tick(System.nanoTime(), this::replyNow), TICK_MILLIS, TICK_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
        LOG.info("listener-bound", "listener", config.name(), "type", config.type().wireName(),
                "address", localAddress().getAddress().getHostAddress(), "port", localAddress().getPort(),
                "families", families.wireName(), "sockets", n);
    }

    private static InetAddress parseBind(String literal) {
        try {
            // Bind addresses come from configuration and are IP literals: no name lookup happens.
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bind address is not an IP literal", e);
        }
    }

    /**
     * The socket's family decides what it can send to, not the destination's: an AF_INET socket
     * bound to an IPv4 address reaches IPv4 only; an AF_INET6 socket bound to "::" is dual-stack
     * (Linux default {@code net.ipv6.bindv6only=0}; where a host sets 1 an IPv4 remote's
     * mapped form is refused by the kernel as SendError, never sent elsewhere); bound to any
     * other IPv6 address, it reaches IPv6 only.
     */
    static AddressFamilies familiesOf(InetAddress bindAddress) {
        if (bindAddress instanceof Inet4Address) return AddressFamilies.IPV4;
        return bindAddress.isAnyLocalAddress() ? AddressFamilies.DUAL : AddressFamilies.IPV6;
    }

    /** The remote address families this Listener's socket sends to. */
    public AddressFamilies families() {
        return families;
    }

    /**
     * The destination exactly as this socket must be given it, or null when the socket cannot
     * reach its family. Checked here for every datagram, never left to the transport: Netty's
     * native AF_INET channel sends an IPv6 destination to the IPv4 address made of its last 4
     * bytes. On a dual-stack socket an IPv4 destination is written as its IPv4-mapped IPv6
     * address by us, explicitly.
     */
    InetSocketAddress onSocket(InetSocketAddress dest) {
        if (dest == null || dest.getAddress() == null || !families.reaches(dest.getAddress())) return null;
        boolean v4 = AddressFamilies.isIpv4(dest.getAddress());
        if (families == AddressFamilies.IPV4) {
            // Only an Inet4Address ever reaches an AF_INET socket.
            if (dest.getAddress() instanceof Inet4Address) return dest;
            byte[] b = dest.getAddress().getAddress();
            return new InetSocketAddress(toAddress(Arrays.copyOfRange(b, 12, 16)), dest.getPort());
        }
        if (!v4) return dest;
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        byte[] b = dest.getAddress().getAddress();
        System.arraycopy(b, b.length - 4, mapped, 12, 4);
        try {
            return new InetSocketAddress(Inet6Address.getByAddress(null, mapped, -1), dest.getPort());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress toAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes); // by bytes: never a lookup
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    public ListenerConfig config() {
        return config;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    public boolean active() {
        if (channels == null) return false;
        for (Channel c : channels) if (!c.isActive()) return false;
        return true;
    }

    /** Sockets bound to the Listener's address and port. */
    public int sockets() {
        return channels == null ? 0 : channels.length;
    }

    public FlowWindow flowWindow() {
        return flows;
    }

    /**
     * Replaces a WireGuard Listener's allowed peers on its event loop (the engine's only thread).
     * Completes with the number of peers added or removed.
     */
    public CompletableFuture<Integer> setAllowedPeers(Set<String> peers) {
        if (wireGuard == null) throw new IllegalStateException("listener " + config.name() + " is not WireGuard");
        CompletableFuture<Integer> done = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            try {
                done.complete(wireGuard.setAllowedPeers(peers));
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** Called on the event loop for every inbound datagram of a plain UDP Listener (flow ownership). */
    public void onHeard(Consumer<InetSocketAddress> callback) {
        this.onHeard = callback;
    }

    public int pending() {
        return pending.get();
    }

    /**
     * Queues the packets of {@code out}; those beyond the queue's free room are SendError.
     * Completes {@code out.done()} when every queued packet is in the kernel or failed.
     */
    public void submit(Outbound out) {
        int granted = reserve(out.size());
        out.submittedNanos = System.nanoTime();
        out.start(this, granted);
        if (granted == 0) return;
        Channel[] all = channels;
        // Called on the loop of one of our sockets (the egress API shares the Listener loops):
        // write there and now, no hand-off and no wake-up of another thread.
        for (Channel c : all) {
            if (c.eventLoop().inEventLoop()) {
                writeAll(c, out, granted);
                return;
            }
        }
        Channel ch = all.length == 1 ? all[0] : all[Math.floorMod(nextSocket.getAndIncrement(), all.length)];
        try {
            ch.eventLoop().execute(() -> writeAll(ch, out, granted));
        } catch (RejectedExecutionException e) {
            // The Listener is shutting down: nothing of this batch will be sent.
            for (int i = 0; i < granted; i++) out.finish(i, DiscardReason.SendError);
        }
    }

    private int reserve(int n) {
        while (true) {
            int cur = pending.get();
            int grant = Math.min(n, capacity - cur);
            if (grant <= 0) return 0;
            if (pending.compareAndSet(cur, cur + grant)) return grant;
        }
    }

    /**
     * Every queued packet of {@code out} left the queue (into the kernel, or failed): its room is
     * given back in one step. Per packet, the sockets' loops of a multi-socket Listener would
     * take turns owning the counter's cache line for every datagram they send.
     */
    void completed(Outbound out, int queued) {
        pending.addAndGet(-queued);
        metrics.batch(out.size(), System.nanoTime() - out.submittedNanos);
    }

    /**
     * One direct buffer for the whole batch, each datagram a slice of it: a pooled allocation
     * per datagram (arena lookup, pinned-memory accounting, its own recycled wrapper) showed in the
     * loop's profile (BENCHMARKS.md, sender decisions). The slices keep the buffer alive until the kernel has the last of
     * them; the batch's own reference is dropped here.
     */
    private void writeAll(Channel ch, Outbound out, int n) {
        long now = System.nanoTime();
        long total = 0;
        for (int i = 0; i < n; i++) total += encoder.datagramSize(out.payloadLength[i]);
        ByteBuf batch = total == 0 ? null : alloc.directBuffer((int) Math.min(total, Integer.MAX_VALUE));
        try {
            int offset = 0;
            for (int i = 0; i < n; i++) {
                int size = encoder.datagramSize(out.payloadLength[i]);
                try {
                    writeOne(ch, out, i, now, batch, offset, size);
                } catch (RuntimeException e) {
                    // A bug in one packet's path must not strand the rest of the batch or leak
                    // queue room: the packet is SendError and the loop goes on.
                    LOG.error("send-path-failed", e, "listener", config.name());
                    out.finish(i, DiscardReason.SendError);
                }
                offset += size;
            }
        } finally {
            if (batch != null) batch.release();
        }
        ch.flush();
    }

    private void writeOne(Channel ch, Outbound out, int i, long now, ByteBuf batch, int offset, int size) {
        if (size == 0) {
            countFlow(out.destination[i], now);
            sendEmpty(ch, out, i);
            return;
        }
        ByteBuf buf = batch.retainedSlice(offset, size).clear();
        SealResult s;
        try {
            s = encoder.encode(out, i, buf, now);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        if (!s.isSealed()) {
            buf.release();
            out.finish(i, s.discard());
            return;
        }
        countFlow(s.endpoint(), now);
        // Every type's destination (the request's, or a session's endpoint) passes the same
        // family check: a socket is never handed an address it would misroute.
        InetSocketAddress dest = onSocket(s.endpoint());
        if (dest == null) {
            buf.release();
            out.finish(i, DiscardReason.AddressFamilyUnreachable);
            return;
        }
        SlotPromise promise = new SlotPromise(ch, ch.eventLoop(), i);
        promise.addListener(out);
        ch.write(new DatagramPacket(buf, dest), promise);
    }

    /** A packet to a remote not heard from within the NLB's UDP idle timeout most likely never leaves the VPC. */
    private void countFlow(InetSocketAddress dest, long now) {
        if (!flows.live(dest, now)) metrics.sentOutsideFlowWindow();
    }

    /**
     * Netty's datagram channels skip zero-length datagrams (and report success), but an empty
     * UDP datagram is a valid packet: send it with a direct {@code sendto} on the same socket.
     */
    private void sendEmpty(Channel ch, Outbound out, int slot) {
        ch.flush();
        InetSocketAddress dest = onSocket(out.destination[slot]);
        DiscardReason reason = DiscardReason.SendError;
        if (dest == null) {
            reason = DiscardReason.AddressFamilyUnreachable;
        } else if (ch instanceof EpollDatagramChannel e) {
            try {
                ((Socket) e.fd()).sendTo(EMPTY, 0, 0, dest.getAddress(), dest.getPort());
                reason = null;
            } catch (IOException ex) {
                LOG.warn("send-failed", "listener", config.name(), "error", ex.getClass().getName());
            }
        }
        out.finish(slot, reason);
    }

    /** Writes a WireGuard timer's datagram right away (we are on the first socket's loop). */
    private void replyNow(byte[] bytes, InetSocketAddress to) {
        replyOn(channel, bytes, to);
    }

    /** Writes a WireGuard control reply on {@code ch}, from {@code ch}'s own event loop. */
    private void replyOn(Channel ch, byte[] bytes, InetSocketAddress to) {
        to = onSocket(to);
        if (to == null) return; // cannot happen for a reply to what this socket received
        ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), to), ch.voidPromise());
    }

    /** Waits until the queue is empty or the deadline passes; returns what is still queued. */
    public int drain(long deadlineNanos) throws InterruptedException {
        while (pending.get() > 0 && System.nanoTime() < deadlineNanos) Thread.sleep(5);
        return pending.get();
    }

    public void close() {
        if (ticker != null) ticker.cancel(false);
        if (channels != null) for (Channel c : channels) c.close().syncUninterruptibly();
    }

    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        /** Replies leave from the socket the datagram arrived on (same address and port). */
        private BiConsumer<byte[], InetSocketAddress> reply;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            reply = (bytes, to) -> replyOn(ch, bytes, to);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
            // Any datagram keeps the client's NLB flow alive, valid WireGuard or not.
            flows.heard(msg.sender(), System.nanoTime());
            if (wireGuard == null) {
                // Plain UDP Listeners only send; what arrives is counted and dropped.
                Consumer<InetSocketAddress> heard = onHeard;
                if (heard != null) heard.accept(msg.sender());
                metrics.inboundDropped();
                return;
            }
            metrics.inboundWireGuard();
            InboundDrop drop = wireGuard.receive(msg.content(), msg.sender(), System.nanoTime(), reply);
            if (drop != null) metrics.inboundRejected(drop);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A send error on one datagram (e.g. ICMP unreachable reported later) must not
            // close the Listener.
            LOG.warn("listener-socket-error", "listener", config.name(), "error", cause.getClass().getName());
        }
    }
}
