package com.proxylity.packetsource.local.sns;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.net.BindException;
import java.util.function.Function;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Map;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * HTTP/1.1 for the local SNS endpoint, on one non-blocking event loop (issue 9): a client that
 * trickles its request costs a timer and its own bounded buffer, never one of the handler
 * threads, so slow clients cannot delay anyone's Publish. A request must arrive whole within
 * {@link #REQUEST_TIMEOUT} of its first byte; an idle kept-alive connection is closed after
 * {@link #IDLE_TIMEOUT}; bodies are bounded by the caller's limit (413 beyond); complete requests
 * are handled on a small bounded pool (SNS's answer for a full pool: 503, which SDKs retry).
 */
final class SnsHttpTransport implements AutoCloseable {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    static final int MAX_CONNECTIONS = 256;

    /** A request as the SNS layer sees it; the answer comes back as {@link Answer}. */
    interface Handler {
        Answer handle(String method, String path, Function<String, String> header, byte[] body);
    }

    record Answer(int status, String contentType, String body, Map<String, String> headers) {}

    /** What to answer when the transport itself refuses a request (too large, pool full). */
    interface Refusal {
        Answer of(int status, String code, String message);
    }

    private final EventLoopGroup loop;
    private final ThreadPoolExecutor pool;
    private final ChannelGroup channels = new DefaultChannelGroup("local-sns", GlobalEventExecutor.INSTANCE);
    private final AtomicInteger open = new AtomicInteger();
    private final Channel server;

    SnsHttpTransport(int port, int maxBodyBytes, int threads, Handler handler, Refusal refusal) throws IOException {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), r -> {
            Thread t = new Thread(r, "local-sns-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("local-sns-io", true), NioIoHandler.newFactory());
        HttpDecoderConfig decoder = new HttpDecoderConfig().setMaxInitialLineLength(4096).setMaxHeaderSize(16 * 1024);
        try {
            server = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (open.incrementAndGet() > MAX_CONNECTIONS) {
                                open.decrementAndGet();
                                ch.close();
                                return;
                            }
                            ch.closeFuture().addListener(f -> open.decrementAndGet());
                            channels.add(ch);
                            Deadline deadline = new Deadline();
                            // FlowControlHandler: a pipelined request waits until the one before it
                            // is answered (auto-read is off meanwhile), so answers keep their order.
                            ch.pipeline().addLast(deadline, new HttpServerCodec(decoder),
                                    new Aggregator(maxBodyBytes, refusal), new FlowControlHandler(),
                                    new Requests(deadline, handler, refusal));
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)).syncUninterruptibly().channel();
        } catch (Exception e) { // Netty rethrows the bind's checked exception as is
            close();
            if (e instanceof BindException) {
                throw (IOException) new BindException("cannot bind the local SNS endpoint to 127.0.0.1:" + port + ": "
                        + e.getMessage() + " (ports.sns in the config; 0 picks a free one)").initCause(e);
            }
            if (e instanceof IOException io) throw io;
            if (e instanceof RuntimeException r) throw r;
            throw new IOException("cannot bind the local SNS endpoint", e);
        }
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections accepted and not closed. */
    int openConnections() {
        return open.get();
    }

    @Override
    public void close() {
        if (server != null) server.close().syncUninterruptibly();
        channels.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        pool.shutdown();
        try {
            pool.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Ahead of the decoder: the clock starts at a request's first byte. Runs on the loop. */
    private static final class Deadline extends ChannelInboundHandlerAdapter {
        private ChannelHandlerContext ctx;
        private boolean inRequest;
        private ScheduledFuture<?> timer;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            idle();
            super.channelActive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (!inRequest && msg instanceof ByteBuf b && b.isReadable()) {
                inRequest = true;
                arm(REQUEST_TIMEOUT);
            }
            super.channelRead(ctx, msg);
        }

        void working() {
            cancel();
        }

        void idle() {
            inRequest = false;
            arm(IDLE_TIMEOUT);
        }

        private void arm(Duration d) {
            cancel();
            timer = ctx.executor().schedule(() -> { ctx.close(); }, d.toNanos(), TimeUnit.NANOSECONDS);
        }

        private void cancel() {
            if (timer != null) timer.cancel(false);
            timer = null;
        }
    }

    /** Refuses an oversized body with the SNS error shape, then closes. */
    private static final class Aggregator extends HttpObjectAggregator {
        private final Refusal refusal;

        Aggregator(int max, Refusal refusal) {
            super(max);
            this.refusal = refusal;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            write(ctx, refusal.of(413, "RequestEntityTooLarge", "Request too large"), false);
        }
    }

    private final class Requests extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Deadline deadline;
        private final Handler handler;
        private final Refusal refusal;

        Requests(Deadline deadline, Handler handler, Refusal refusal) {
            this.deadline = deadline;
            this.handler = handler;
            this.refusal = refusal;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (!req.decoderResult().isSuccess()) {
                write(ctx, refusal.of(400, "MalformedQueryString", "Malformed HTTP request"), false);
                return;
            }
            deadline.working();
            ctx.channel().config().setAutoRead(false); // one request at a time per connection
            String method = req.method().name();
            String path = new QueryStringDecoder(req.uri()).path();
            HttpHeaders headers = req.headers().copy();
            byte[] body = ByteBufUtil.getBytes(req.content());
            try {
                pool.execute(() -> {
                    Answer a;
                    try {
                        a = handler.handle(method, path, headers::get, body);
                    } catch (RuntimeException e) {
                        a = refusal.of(500, "InternalError", "internal error");
                    }
                    Answer answer = a;
                    ctx.executor().execute(() -> done(ctx, answer, keepAlive));
                });
            } catch (RejectedExecutionException e) {
                done(ctx, refusal.of(503, "ServiceUnavailable", "Too many requests in progress"), keepAlive);
            }
        }

        private void done(ChannelHandlerContext ctx, Answer a, boolean keepAlive) {
            write(ctx, a, keepAlive);
            if (keepAlive) {
                deadline.idle();
                ctx.channel().config().setAutoRead(true);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static void write(ChannelHandlerContext ctx, Answer a, boolean keepAlive) {
        byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(a.status()),
                Unpooled.wrappedBuffer(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, a.contentType()).setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        a.headers().forEach((k, v) -> r.headers().set(k, v));
        if (!keepAlive) r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        var f = ctx.writeAndFlush(r);
        if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
    }
}
