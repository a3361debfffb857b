package com.proxylity.packetsource.sender.net;

import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.wireguard.crypto.ChaChaPoly;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.flow.FlowWindow;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import com.proxylity.packetsource.sender.wg.SharedWireGuardPort;
import com.proxylity.packetsource.sender.wg.WireGuardPort;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One bound Listener: its sockets, and stage 6 of the send path (package comment of
 * {@code com.proxylity.packetsource.sender}). Outbound datagrams leave from these sockets, so
 * clients see the Listener's own address and port. The jobs are parts of their own: the queue
 * ({@link SendQueue}), the writer ({@link BatchWriter}) with the type's {@link OutboundEncoder},
 * the family rules ({@link SocketFamily}), the batch's end ({@link SendCompletion}), and what
 * arrives ({@link Inbound}, {@link WireGuardInbound}); this class binds the sockets and hands
 * each batch to one of them.
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
    private static final int SOCKET_BUFFER_BYTES = 4 << 20;

    private final ListenerConfig config;
    private final SenderMetrics metrics;
    private final WireGuardPort wireGuard;
    private final SendQueue queue;
    /** Who this Listener heard from recently: the NLB's UDP flows that are still live. */
    private final FlowWindow flows = new FlowWindow();
    private volatile Consumer<InetSocketAddress> onHeard;
    private final int sockets;
    private boolean sharePort;
    private EgressPolicy endpointPolicy;
    private final AtomicInteger nextSocket = new AtomicInteger();
    /** The first socket: its address is the Listener's; WireGuard timers run on its loop. */
    private Channel channel;
    private Channel[] channels;
    private SocketFamily family = SocketFamily.UNBOUND;
    private BatchWriter writer;
    private boolean udpSegmentation = true;
    private WireGuardInbound wireGuardInbound;
    private ScheduledFuture<?> ticker;

    public ListenerSocket(ListenerConfig config, int capacity, SenderMetrics metrics, WireGuardPort wireGuard) {
        this(config, capacity, metrics, wireGuard, 1);
    }

    public ListenerSocket(ListenerConfig config, int capacity, SenderMetrics metrics, WireGuardPort wireGuard,
                          int sockets) {
        if (sockets < 1) throw new IllegalArgumentException("sockets must be >= 1");
        this.config = config;
        this.queue = new SendQueue(capacity);
        this.metrics = metrics;
        this.sockets = sockets;
        this.wireGuard = wireGuard != null && sockets > 1 ? new SharedWireGuardPort(wireGuard) : wireGuard;
    }

    /** Join a port other tasks hold too ({@code SO_REUSEPORT} on every socket): call before {@link #bind}. */
    public void sharePortWithOtherTasks() {
        sharePort = true;
    }

    /**
     * The sender's egress rule, which the session endpoint a WireGuard seal picks (the peer's last
     * authenticated source, not Remote.Address) must pass too (docs/architecture.md#egress-safety):
     * given once to the encoder that applies it. Call before {@link #bind}; none by default.
     */
    public void endpointPolicy(EgressPolicy policy) {
        this.endpointPolicy = policy;
    }

    /** Whether batches may leave in segmented sends (UDP GSO, {@link SegmentRun}). Call before {@link #bind}; on by default. */
    public void udpSegmentation(boolean on) {
        this.udpSegmentation = on;
    }

    public void bind(EventLoopGroup group, Transport transport) throws InterruptedException {
        InetAddress bindAddress = SocketFamily.parseBind(config.bindAddress());
        // SO_REUSEPORT is a native epoll option; elsewhere the Listener keeps one socket.
        int n = transport == Transport.EPOLL ? sockets : 1;
        if (n < sockets) LOG.warn("listener-single-socket", "listener", config.name(), "reason", "no native epoll");
        if (sharePort && transport != Transport.EPOLL) {
            throw new IllegalStateException("sharing a Listener port between tasks needs native epoll (SO_REUSEPORT)");
        }
        SocketFamily bound = SocketFamily.of(bindAddress);
        WireGuardInbound wg = wireGuard == null ? null : new WireGuardInbound(wireGuard, bound, metrics);
        Consumer<InetSocketAddress> heard = remote -> {
            Consumer<InetSocketAddress> h = onHeard;
            if (h != null) h.accept(remote);
        };
        Channel[] open = new Channel[n];
        int port = config.port();
        try {
            for (int k = 0; k < n; k++) {
                Bootstrap b = new Bootstrap()
                        .group(group) // next() is round-robin: each socket gets its own loop
                        .channelFactory(() -> transport.newChannel(bindAddress))
                        .option(ChannelOption.ALLOCATOR, Transport.ALLOCATOR)
                        .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                        .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                        .handler(new Inbound(config.name(), flows, metrics, wg, heard));
                if (n > 1 || sharePort) b.option(EpollChannelOption.SO_REUSEPORT, true);
                open[k] = b.bind(new InetSocketAddress(bindAddress, port)).sync().channel();
                // Port 0 picks an ephemeral port once; the other sockets join that one.
                if (k == 0) port = ((InetSocketAddress) open[0].localAddress()).getPort();
            }
        } catch (InterruptedException e) {
            for (Channel c : open) if (c != null) c.close().syncUninterruptibly();
            throw e;
        } catch (Exception e) { // Netty rethrows the bind's checked exception (Address already in use) as is
            for (Channel c : open) if (c != null) c.close().syncUninterruptibly();
            // Name the port: the native message alone does not say which of the sockets clashed.
            throw new IllegalStateException("Listener " + config.name() + ": cannot bind UDP port " + port + " on "
                    + bindAddress.getHostAddress() + ": " + e.getMessage(), e);
        }
        channels = open;
        channel = open[0];
        family = bound;
        wireGuardInbound = wg;
        writer = new BatchWriter(config.name(), OutboundEncoder.forType(config.type(), wireGuard, endpointPolicy),
                bound, flows, metrics, Transport.ALLOCATOR, udpSegmentation && SegmentRun.supported(channel));
        if (wg != null) ticker = wg.startTimers(channel);
        LOG.info("listener-bound", "listener", config.name(), "type", config.type().wireName(),
                "address", localAddress().getAddress().getHostAddress(), "port", localAddress().getPort(),
                "families", family.families().wireName(), "sockets", n);
        if (wg != null) {
            // Which AEAD seals: libcrypto unless this runtime cannot bind it (and why not).
            LOG.info("wireguard-sealing", "listener", config.name(), "aead", ChaChaPoly.preferred().name(),
                    "nativeUnavailable", ChaChaPoly.nativeUnavailable());
        }
    }

    /** The remote address families this Listener's socket sends to. */
    public AddressFamilies families() {
        return family.families();
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
        return wireGuardInbound.setAllowedPeers(channel, peers);
    }

    /** Called on the event loop for every inbound datagram of a plain UDP Listener (flow ownership). */
    public void onHeard(Consumer<InetSocketAddress> callback) {
        this.onHeard = callback;
    }

    public int pending() {
        return queue.pending();
    }

    /**
     * Queues the packets of {@code out}; those beyond the queue's free room are SendError.
     * Completes {@code out.done()} when every queued packet is in the kernel or failed.
     */
    public void submit(Outbound out) {
        int granted = queue.reserve(out.size());
        SendCompletion done = SendCompletion.open(out, granted, queue, metrics);
        if (granted == 0) return;
        Channel[] all = channels;
        // Called on the loop of one of our sockets (the egress API shares the Listener loops):
        // write there and now, no hand-off and no wake-up of another thread.
        for (Channel c : all) {
            if (c.eventLoop().inEventLoop()) {
                writer.write(c, out, granted, done);
                return;
            }
        }
        Channel ch = all.length == 1 ? all[0] : all[Math.floorMod(nextSocket.getAndIncrement(), all.length)];
        try {
            ch.eventLoop().execute(() -> writer.write(ch, out, granted, done));
        } catch (RejectedExecutionException e) {
            // The Listener is shutting down: nothing of this batch will be sent.
            done.failAll();
        }
    }

    /** Waits until the queue is empty or the deadline passes; returns what is still queued. */
    public int drain(long deadlineNanos) throws InterruptedException {
        return queue.drain(deadlineNanos);
    }

    public void close() {
        if (ticker != null) ticker.cancel(false);
        if (channels != null) for (Channel c : channels) c.close().syncUninterruptibly();
    }
}
