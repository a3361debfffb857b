package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.core.egressapi.EgressVerifier;
import com.proxylity.packetsource.sender.metrics.ApiMetrics;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import com.proxylity.packetsource.sender.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The egress API over HTTP/1.1 (docs/architecture.md#egress-api), on Netty's HTTP codec.
 *
 * <p>Why not the JDK's built-in server any more: it reads headers and bodies with blocking
 * calls on its handler threads, and once they are all held its dispatcher ran the next request
 * itself, so ~250 connections that trickled bytes stalled health checks and signed requests
 * (issue 9). Here connections live on non-blocking event loops: a slow client costs a timer
 * and at most its own (bounded) buffer; every limit is in {@link HttpLimits}. Nothing on a loop
 * ever waits: a signed binary batch is verified, parsed and queued on its connection's loop and
 * answered when the Listener's loop has settled it; only JSON bodies (the fallback framing), slow
 * to parse, go to the handler pool, and when that pool and its queue are full the answer is 503.
 */
public final class EgressHttpServer {
    private static final JsonLog LOG = JsonLog.of(EgressHttpServer.class);

    /** A 1 MiB body inside a VPC takes milliseconds; this only ends stalled or trickling clients. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    /** What every connection's handler shares. */
    record Shared(EgressVerifier verifier, EgressService service, LongSupplier clock, BooleanSupplier healthyCheck,
                  ExecutorService pool, AtomicLong buffered, HttpLimits limits, RejectReporter reporter,
                  AtomicInteger inFlight, EgressHttpServer server) {
        boolean closing() {
            return server.closing;
        }

        boolean healthy() {
            return healthyCheck.getAsBoolean();
        }
    }

    private final EventLoopGroup loops;
    private final ThreadPoolExecutor pool;
    private final ChannelGroup channels = new DefaultChannelGroup("egress-http", GlobalEventExecutor.INSTANCE);
    private final Channel serverChannel;
    private final RejectReporter reporter;
    private final ConnectionLimiter limiter;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;

    public EgressHttpServer(String bindAddress, int port, int threads, EgressVerifier verifier,
                            EgressService service, LongSupplier epochMillis, BooleanSupplier healthy)
            throws IOException {
        this(bindAddress, port, threads, verifier, service, epochMillis, healthy, DEFAULT_READ_TIMEOUT);
    }

    /** @param readTimeout longest time a request's headers, and then its body, may take to arrive */
    public EgressHttpServer(String bindAddress, int port, int threads, EgressVerifier verifier,
                            EgressService service, LongSupplier epochMillis, BooleanSupplier healthy,
                            Duration readTimeout) throws IOException {
        this(bindAddress, port, threads, verifier, service, epochMillis, healthy,
                HttpLimits.defaults().withReadTimeout(readTimeout), new ApiMetrics(), Transport.best());
    }

    /**
     * @param threads handler threads for authenticated requests (a request waits there for its
     *     datagrams); the connections themselves run on two event loops of their own
     */
    public EgressHttpServer(String bindAddress, int port, int threads, EgressVerifier verifier,
                            EgressService service, LongSupplier epochMillis, BooleanSupplier healthy,
                            HttpLimits limits, ApiMetrics metrics, Transport transport) throws IOException {
        this(bindAddress, port, threads, verifier, service, epochMillis, healthy, limits, metrics, transport, null);
    }

    /**
     * @param connectionLoops where the connections run; null: two event loops of the server's
     *     own. The sender passes its Listener loops when they cover every core, so a request is
     *     received, checked, sent and answered on one thread (see {@code Sender}). Not owned:
     *     {@link #stop} leaves them running.
     */
    public EgressHttpServer(String bindAddress, int port, int threads, EgressVerifier verifier,
                            EgressService service, LongSupplier epochMillis, BooleanSupplier healthy,
                            HttpLimits limits, ApiMetrics metrics, Transport transport,
                            EventLoopGroup connectionLoops) throws IOException {
        this.reporter = new RejectReporter(metrics);
        this.limiter = new ConnectionLimiter(limits.maxConnections(), limits.maxConnectionsPerAddress(), reporter);
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.maxQueuedRequests()), r -> {
                    Thread t = new Thread(r, "egress-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy()); // full: 503 from the loop, never run there
        Shared shared = new Shared(verifier, service, epochMillis, healthy, pool, new AtomicLong(), limits, reporter,
                inFlight, this);
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLine())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(64 * 1024);
        // With connection loops from outside, ours only accepts.
        loops = transport.newGroup(connectionLoops != null ? 1
                : Math.min(2, Math.max(1, Runtime.getRuntime().availableProcessors())), "egress-http-io");
        try {
            serverChannel = new ServerBootstrap()
                    .group(loops, connectionLoops != null ? connectionLoops : loops)
                    .channel(transport.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.ALLOCATOR, Transport.ALLOCATOR)
                    .childOption(ChannelOption.ALLOCATOR, Transport.ALLOCATOR)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            channels.add(ch);
                            ReadDeadline deadline = new ReadDeadline(limits, reporter);
                            // FlowControlHandler: while a request is worked on (auto-read off), a
                            // pipelined one already decoded from the same read waits there.
                            ch.pipeline().addLast(limiter, deadline, new HttpServerCodec(decoder),
                                    new FlowControlHandler(), new EgressRequestHandler(shared, deadline));
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port))
                    .syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the bind's checked exception (e.g. BindException) as is
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            pool.shutdownNow();
            if (e instanceof IOException io) throw io;
            if (e instanceof RuntimeException r) throw r;
            throw new IOException("cannot bind the egress API", e);
        }
    }

    public void start() {
        // Netty accepts from bind on; nothing more to start. Kept for the embedding API.
        LOG.info("egress-api-started", "address", address().getAddress().getHostAddress(), "port", address().getPort());
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Requests refused for authentication since start (401, and 503 when the replay cache is full). */
    public long authRejected() {
        return reporter.authRejected();
    }

    /** Connections open now (tests, diagnostics). */
    public int openConnections() {
        return limiter.open();
    }

    /** Requests whose headers were read and that are not answered yet, a body still arriving included (tests, diagnostics). */
    public int requestsInProgress() {
        return inFlight.get();
    }

    /**
     * Refuses new requests (503), waits up to {@code drain} for requests in progress (including
     * a body still arriving) to finish, then closes every connection and the threads.
     */
    public void stop(Duration drain) {
        closing = true;
        long deadline = System.nanoTime() + drain.toNanos();
        try {
            while (inFlight.get() > 0 && System.nanoTime() < deadline) Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        serverChannel.close().syncUninterruptibly();
        channels.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        pool.shutdown();
        try {
            pool.awaitTermination(drain.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
