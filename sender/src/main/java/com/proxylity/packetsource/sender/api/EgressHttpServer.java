package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.core.egressapi.EgressVerifier;
import com.proxylity.packetsource.sender.metrics.ApiMetrics;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import com.proxylity.packetsource.sender.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
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
 * Where the send path starts (package comment of {@code com.proxylity.packetsource.sender}).
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
    /**
     * The most one read takes from a connection, and the largest body chunk the decoder hands
     * on. Not more: a read's buffer is not always transient. When a read ends inside a line (a
     * header, or a chunked body's size line) the decoder keeps that buffer, at its full size,
     * until the line completes, so a stalled connection, with or without the key, holds one
     * (EgressReadRetentionTest); at the connection limit that must stay within the image's
     * direct memory.
     */
    static final int READ_BYTES = 64 * 1024;

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

    /**
     * What the server is built from; {@link #builder} fills the defaults.
     *
     * @param threads handler threads for authenticated JSON requests (parsing only); the
     *     connections themselves run on event loops
     * @param epochMillis the clock the signature window and deadlines are judged by
     * @param healthy what {@code GET /health} answers
     * @param connectionLoops where the connections run; null: two event loops of the server's
     *     own. The sender passes its Listener loops when they cover every core, so a request is
     *     received, checked, sent and answered on one thread (see {@code Sender}). Not owned:
     *     {@link #stop} leaves them running.
     */
    public record Config(String bindAddress, int port, int threads, EgressVerifier verifier, EgressService service,
                         LongSupplier epochMillis, BooleanSupplier healthy, HttpLimits limits, ApiMetrics metrics,
                         Transport transport, EventLoopGroup connectionLoops) {
    }

    /** A {@link Config}: loopback, an ephemeral port, one handler thread, the system clock, always healthy, default limits. */
    public static final class Builder {
        private final EgressVerifier verifier;
        private final EgressService service;
        private String bindAddress = "127.0.0.1";
        private int port;
        private int threads = 1;
        private LongSupplier epochMillis = System::currentTimeMillis;
        private BooleanSupplier healthy = () -> true;
        private HttpLimits limits = HttpLimits.defaults();
        private ApiMetrics metrics;
        private Transport transport;
        private EventLoopGroup connectionLoops;

        private Builder(EgressVerifier verifier, EgressService service) {
            this.verifier = verifier;
            this.service = service;
        }

        public Builder bind(String address, int portNumber) { bindAddress = address; port = portNumber; return this; }

        public Builder threads(int v) { threads = v; return this; }

        public Builder clock(LongSupplier v) { epochMillis = v; return this; }

        public Builder healthy(BooleanSupplier v) { healthy = v; return this; }

        public Builder limits(HttpLimits v) { limits = v; return this; }

        /** Longest time a request's headers, and then its body, may take to arrive. */
        public Builder readTimeout(Duration v) { limits = limits.withReadTimeout(v); return this; }

        public Builder metrics(ApiMetrics v) { metrics = v; return this; }

        public Builder transport(Transport v) { transport = v; return this; }

        public Builder connectionLoops(EventLoopGroup v) { connectionLoops = v; return this; }

        public Config build() {
            return new Config(bindAddress, port, threads, verifier, service, epochMillis, healthy, limits,
                    metrics != null ? metrics : new ApiMetrics(), transport != null ? transport : Transport.best(),
                    connectionLoops);
        }
    }

    /** {@code service} may be null for a server that only ever refuses (tests of the HTTP limits). */
    public static Builder builder(EgressVerifier verifier, EgressService service) {
        return new Builder(verifier, service);
    }

    public EgressHttpServer(Config config) throws IOException {
        HttpLimits limits = config.limits();
        ApiMetrics metrics = config.metrics();
        Transport transport = config.transport();
        EventLoopGroup connectionLoops = config.connectionLoops();
        int threads = config.threads();
        this.reporter = new RejectReporter(metrics);
        this.limiter = new ConnectionLimiter(limits.maxConnections(), limits.maxConnectionsPerAddress(), reporter);
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.maxQueuedRequests()), r -> {
                    Thread t = new Thread(r, "egress-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy()); // full: 503 from the loop, never run there
        Shared shared = new Shared(config.verifier(), config.service(), config.epochMillis(), config.healthy(), pool,
                new AtomicLong(), limits, reporter, inFlight, this);
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLine())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(READ_BYTES);
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
                    .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 2048, READ_BYTES))
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
                    .bind(new InetSocketAddress(InetAddress.getByName(config.bindAddress()), config.port()))
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
