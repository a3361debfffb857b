package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.EgressVerifier;
import com.proxylity.packetsource.core.egressapi.EgressVerifier.Verdict;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import com.proxylity.packetsource.sender.net.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * Stages 1–3 of the send path (package comment of {@code com.proxylity.packetsource.sender}):
 * receive, verify, parse. One connection of the egress API, on its event loop. Everything a client controls is decided
 * here without blocking: the request line and headers are judged as soon as they are in (path,
 * method, Content-Type, Content-Length, signature headers' shape and clock window), so a
 * request that can never succeed is refused before its body is read; the body is buffered
 * only up to 1 MiB and within a server-wide budget; the MAC runs over each chunk as it is
 * buffered and is judged, with the nonce, when the body is complete, still on the loop (an
 * unauthenticated request must never take a handler thread). An
 * authenticated request in the binary framing is parsed and queued on the loop too, its payloads
 * sent from the body buffer ({@link BinaryBatch}, which never waits); its answer is written when
 * the Listener's loop has settled its last datagram. Only JSON bodies, slow to parse, go through
 * the handler pool (503 when it is full), and only to be parsed.
 */
final class EgressRequestHandler extends ChannelInboundHandlerAdapter {
    private static final JsonLog LOG = JsonLog.of(EgressHttpServer.class);

    /**
     * Request bodies (up to 1 MiB) from pooled heap arenas: the channel's default allocator
     * serves buffers this large as fresh arrays, which the JVM zeroes before we overwrite them
     * (a share of the API path's profile: BENCHMARKS.md, sender decisions). Released on the loop that allocated
     * them, so they go back to that loop's cache.
     */
    private static final ByteBufAllocator BODY_BUFFERS = Transport.ALLOCATOR;

    private enum Phase { HEADERS, BODY, DISCARD, WORKING }

    private final EgressHttpServer.Shared s;
    private final ReadDeadline deadline;
    private Phase phase = Phase.HEADERS;
    private HttpRequest request;
    private boolean keepAlive;
    /** The request is in the binary batch framing (and is answered in it); else JSON. */
    private boolean binary;
    private boolean counted;
    private ByteBuf body;
    /** The request's Content-Length, -1 when it gave none. */
    private long claimed = -1;
    /** The HMAC of the body read so far (header checks passed); null outside a body. */
    private EgressVerifier.Incremental verifying;
    private long reserved;
    private long discarded;
    /** The early answer to a refused request; the connection closes once its body is through. */
    private ChannelFuture refusal;
    private FullHttpResponse healthAnswer;

    EgressRequestHandler(EgressHttpServer.Shared shared, ReadDeadline deadline) {
        this.s = shared;
        this.deadline = deadline;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest r) onHeaders(ctx, r);
            if (msg instanceof HttpContent c) onContent(ctx, c);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Stage 1: judged as soon as the request line and headers are in, before any body is read. */
    private void onHeaders(ChannelHandlerContext ctx, HttpRequest r) {
        if (phase != Phase.HEADERS) {
            // Cannot happen: the FlowControlHandler ahead of us holds a pipelined request until
            // the current one is answered. Refuse rather than mix two requests' state.
            ctx.close();
            return;
        }
        request = r;
        keepAlive = HttpUtil.isKeepAlive(r);
        HeaderChecks.Refusal broken = HeaderChecks.undecodable(r);
        if (broken != null) {
            refuse(ctx, broken);
            ctx.close(); // the decoder cannot resync after a broken request line or header
            return;
        }
        if (HeaderChecks.isHealthCheck(r)) {
            answerHealthAfterBody(r);
            return;
        }
        HeaderChecks.Refusal refused = HeaderChecks.egressRequest(r, s.closing());
        if (refused != null) {
            refuse(ctx, refused);
            return;
        }
        binary = HeaderChecks.binary(r);
        if (!signatureStarted(ctx, r.headers())) return;
        if (!countedInFlight(ctx)) return;
        receiveBody(ctx, r);
    }

    /** {@code GET /health}: answered once whatever body follows is through (healthy() is false while closing). */
    private void answerHealthAfterBody(HttpRequest r) {
        boolean ok = r.method() == HttpMethod.GET && s.healthy();
        healthAnswer = r.method() != HttpMethod.GET ? response(HttpResponseStatus.NOT_FOUND, "{\"Error\":\"NotFound\"}")
                : response(ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        ok ? "{\"Status\":\"Ok\"}" : "{\"Status\":\"Unhealthy\"}");
        phase = Phase.DISCARD; // a GET has no body; anything sent is dropped up to the drain limit
        deadline.body();
    }

    /**
     * Stage 2 begins: the signature headers' shape and clock window; the HMAC then runs over
     * each body chunk as it arrives. False (401 sent) when the headers can never pass.
     */
    private boolean signatureStarted(ChannelHandlerContext ctx, HttpHeaders h) {
        long now = s.clock().getAsLong();
        verifying = s.verifier().begin(h.get(EgressApi.HEADER_KEY_ID), h.get(EgressApi.HEADER_TIMESTAMP),
                h.get(EgressApi.HEADER_NONCE), h.get(EgressApi.HEADER_SIGNATURE), now);
        if (verifying != null) return true;
        unauthorized(ctx, s.verifier().precheck(h.get(EgressApi.HEADER_KEY_ID), h.get(EgressApi.HEADER_TIMESTAMP),
                h.get(EgressApi.HEADER_NONCE), h.get(EgressApi.HEADER_SIGNATURE), now));
        return false;
    }

    /** Counted from here, so stop() waits for a request whose body is still arriving; false (503) when closing. */
    private boolean countedInFlight(ChannelHandlerContext ctx) {
        s.inFlight().incrementAndGet();
        counted = true;
        if (!s.closing()) return true;
        refuse(ctx, HeaderChecks.Refusal.ShuttingDown);
        return false;
    }

    private void receiveBody(ChannelHandlerContext ctx, HttpRequest r) {
        long length = HeaderChecks.contentLength(r.headers());
        // Grows with what arrives (never pre-sized from a claimed length an attacker picks).
        claimed = length;
        int initial = (int) Math.min(length >= 0 ? length : 8192, 64 * 1024);
        body = BODY_BUFFERS.heapBuffer(Math.max(initial, 256), EgressApi.MAX_BODY_BYTES);
        // Charged now, not when its first byte arrives: connections that claim a body and send
        // none would otherwise hold their first buffers outside the budget.
        reserved = body.capacity();
        if (s.buffered().addAndGet(reserved) > s.limits().maxBufferedBytes()) {
            refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "Busy", "Busy"); // gives body and charge back
            ctx.close();
            return;
        }
        phase = Phase.BODY;
        deadline.body();
        if (HttpUtil.is100ContinueExpected(r)) {
            // Only now, after every check the headers allow: a refused client never sends the body.
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent c) {
        ByteBuf data = c.content();
        int n = data.readableBytes();
        boolean last = c instanceof LastHttpContent;
        if (!c.decoderResult().isSuccess()) {
            if (phase == Phase.BODY) refuse(ctx, HttpResponseStatus.BAD_REQUEST, "BadRequest", "MalformedRequest");
            ctx.close();
            return;
        }
        switch (phase) {
            case BODY -> {
                if (body.readableBytes() + (long) n > EgressApi.MAX_BODY_BYTES) {
                    discarded = body.readableBytes();
                    refuse(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "TooLarge", "TooLarge");
                    discard(ctx, n, last);
                    return;
                }
                // The budget is charged for the buffer's capacity, not the bytes in it: growth
                // runs ahead of what arrived (up to twice), and that memory is held all the same.
                int capacity = body.writableBytes() < n ? grown(body, n, claimed) : body.capacity();
                long charge = capacity - reserved;
                if (s.buffered().addAndGet(charge) > s.limits().maxBufferedBytes()) {
                    s.buffered().addAndGet(-charge);
                    refuse(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "Busy", "Busy");
                    ctx.close();
                    return;
                }
                reserved = capacity;
                int at = body.writerIndex();
                if (capacity != body.capacity()) body.capacity(capacity);
                body.writeBytes(data);
                // MACed as it arrives, while the chunk is in cache: no second pass over the body.
                verifying.update(body.array(), body.arrayOffset() + at, n);
                if (last) complete(ctx);
            }
            case DISCARD -> discard(ctx, n, last);
            default -> { } // HEADERS: stray content after a refused-and-closed request
        }
    }

    /**
     * The body's next capacity: twice what it holds (as the allocator would grow it), never past
     * the length the client claimed (when it gave one) or the API's limit, so a body that says
     * its length is held in exactly that. What a client that stops sending holds is at most twice
     * what it sent, and all of it, not only what arrived, counts against the shared buffered
     * budget; faster growth would copy less but let a client without the key fill that budget with
     * fewer bytes.
     */
    static int grown(ByteBuf body, int incoming, long claimed) {
        long needed = (long) body.writerIndex() + incoming;
        long cap = Math.max(needed, 2L * body.capacity());
        if (claimed >= needed) cap = Math.min(cap, claimed);
        return (int) Math.min(cap, EgressApi.MAX_BODY_BYTES);
    }

    private void discard(ChannelHandlerContext ctx, int n, boolean last) {
        discarded += n;
        if (discarded > HttpLimits.DRAIN_LIMIT) {
            ctx.close();
            return;
        }
        if (!last) return;
        if (healthAnswer != null) {
            FullHttpResponse a = healthAnswer;
            healthAnswer = null;
            answer(ctx, a, keepAlive);
        } else if (refusal != null) {
            refusal.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Stage 2's verdict once the body is complete, on the loop; then stage 3 (JSON: parsed on the pool). */
    private void complete(ChannelHandlerContext ctx) {
        phase = Phase.WORKING;
        deadline.working();
        ctx.channel().config().setAutoRead(false); // no pipelined request piles up meanwhile
        byte[] array = body.array();
        int offset = body.arrayOffset() + body.readerIndex();
        int length = body.readableBytes();
        Verdict v = verifying.finish(s.clock().getAsLong());
        verifying = null;
        if (!v.ok()) {
            releaseBody();
            s.reporter().unauthorized(v.name(), remote(ctx));
            finish(ctx, v == Verdict.ReplayCacheFull ? busy() : unauthorizedResponse());
            return;
        }
        // A signer's connection: never evicted to make room for one that has not authenticated.
        ConnectionLimiter limiter = ctx.pipeline().get(ConnectionLimiter.class);
        if (limiter != null) limiter.authenticated(ctx.channel());
        if (binary) {
            dispatchBinary(ctx, array, offset, length);
            return;
        }
        try {
            s.pool().execute(() -> parseJson(ctx, array, offset, length));
        } catch (RejectedExecutionException e) {
            releaseBody();
            s.reporter().rejected("Busy", remote(ctx));
            finish(ctx, busy());
        }
    }

    /**
     * JSON, the fallback for fields the binary framing cannot carry: parsing up to 1 MiB of it
     * takes milliseconds, so it runs on the handler pool, never on a loop.
     */
    private void parseJson(ChannelHandlerContext ctx, byte[] array, int offset, int length) {
        EgressRequest parsed;
        try {
            parsed = EgressJson.readRequest(array, offset, length);
        } catch (IOException e) {
            parsed = null;
        } catch (RuntimeException e) {
            LOG.error("egress-request-failed", e);
            onLoop(ctx, internalError());
            return;
        }
        if (parsed == null) {
            s.reporter().rejected("BadRequest", remote(ctx));
            onLoop(ctx, response(HttpResponseStatus.BAD_REQUEST, "{\"Error\":\"MalformedRequest\"}"));
            return;
        }
        EgressRequest request = parsed;
        ctx.executor().execute(() -> {
            releaseBody();
            dispatch(ctx, request);
        });
    }

    /**
     * The binary framing is cheap to parse (BENCHMARKS.md, egress API cost): on the loop, like the HMAC, so an
     * authenticated batch crosses threads only to the Listener's loop and back. Its payloads are
     * sent straight from the body buffer, which is held until the last datagram has settled.
     */
    private void dispatchBinary(ChannelHandlerContext ctx, byte[] array, int offset, int length) {
        BinaryBatch batch = new BinaryBatch(s.service());
        try {
            EgressBinary.readRequest(array, offset, length, batch);
        } catch (IOException e) {
            releaseBody();
            s.reporter().rejected("BadRequest", remote(ctx));
            finish(ctx, response(HttpResponseStatus.BAD_REQUEST, "{\"Error\":\"MalformedRequest\"}"));
            return;
        }
        if (batch.unknownListener()) {
            releaseBody();
            finish(ctx, unknownListener());
            return;
        }
        if (!batch.get().identityWellFormed()) {
            releaseBody();
            s.reporter().rejected("BadRequest", remote(ctx));
            finish(ctx, response(HttpResponseStatus.BAD_REQUEST, "{\"Error\":\"MalformedRequest\"}"));
            return;
        }
        // The body now belongs to the batch: a next request on this connection gets its own. It
        // is freed only when no datagram can read it any more; should submit fail by a bug, the
        // buffer leaks rather than let a queued datagram read memory handed to someone else.
        ByteBuf held = body;
        long heldBytes = reserved;
        body = null;
        reserved = 0;
        CompletableFuture<EgressResponse> sent;
        try {
            sent = batch.get().submit(signedTimestamp(), s.clock().getAsLong());
        } catch (EgressService.PastDeadlineException e) {
            release(held, heldBytes); // refused before anything was queued
            finish(ctx, pastDeadline(ctx, e));
            return;
        } catch (RuntimeException e) {
            LOG.error("egress-request-failed", e);
            finish(ctx, internalError());
            return;
        }
        // Only now: the packets are queued at submit, so what they read is known from here on.
        batch.get().payloadsReleased().whenComplete((x, e) -> release(held, heldBytes));
        answerWhenSent(ctx, sent, true);
    }

    /** On the loop: queue a JSON request's packets; answered when the last datagram settled. */
    private void dispatch(ChannelHandlerContext ctx, EgressRequest parsed) {
        CompletableFuture<EgressResponse> sent;
        try {
            sent = s.service().sendAsync(parsed, signedTimestamp(), s.clock().getAsLong());
        } catch (EgressService.UnknownListenerException e) {
            finish(ctx, unknownListener());
            return;
        } catch (EgressService.PastDeadlineException e) {
            finish(ctx, pastDeadline(ctx, e));
            return;
        } catch (RuntimeException e) {
            LOG.error("egress-request-failed", e);
            finish(ctx, internalError());
            return;
        }
        answerWhenSent(ctx, sent, false);
    }

    private void answerWhenSent(ChannelHandlerContext ctx, CompletableFuture<EgressResponse> sent, boolean binary) {
        // Completes on the Listener's loop; the answer is built and written on this connection's
        // loop, so the Listener's loop does no HTTP work.
        sent.whenComplete((response, error) -> {
            Runnable answer = () -> {
                if (error != null) LOG.error("egress-request-failed", error);
                finish(ctx, error == null ? ok(response, binary) : internalError());
            };
            if (ctx.executor().inEventLoop()) {
                answer.run();
            } else {
                ctx.executor().execute(answer);
            }
        });
    }

    /** From the handler pool: release the body and answer on the connection's loop. */
    private void onLoop(ChannelHandlerContext ctx, FullHttpResponse a) {
        ctx.executor().execute(() -> {
            releaseBody();
            finish(ctx, a);
        });
    }

    private static FullHttpResponse ok(EgressResponse response, boolean binary) {
        if (binary) {
            FullHttpResponse r = response(HttpResponseStatus.OK, Unpooled.wrappedBuffer(EgressBinary.writeResponse(response)));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, EgressBinary.RESPONSE_TYPE);
            return r;
        }
        return response(HttpResponseStatus.OK, Unpooled.wrappedBuffer(EgressJson.writeResponse(response)));
    }

    private void finish(ChannelHandlerContext ctx, FullHttpResponse answer) {
        uncount();
        boolean keep = keepAlive && answer.status().code() < 500 && !s.closing();
        answer(ctx, answer, keep);
    }

    private void answer(ChannelHandlerContext ctx, FullHttpResponse answer, boolean keep) {
        if (!keep) answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ChannelFuture f = ctx.writeAndFlush(answer);
        if (!keep) {
            f.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        request = null;
        verifying = null;
        binary = false;
        discarded = 0;
        phase = Phase.HEADERS;
        deadline.idle();
        ctx.channel().config().setAutoRead(true);
    }

    /**
     * Answers at once and drops whatever body follows (up to the drain limit, so a client still
     * sending sees the answer rather than a reset); the connection then closes.
     */
    private void refuse(ChannelHandlerContext ctx, HeaderChecks.Refusal refusal) {
        refuse(ctx, refusal.status, refusal.reason, refusal.error);
    }

    private void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String reason, String error) {
        s.reporter().rejected(reason, remote(ctx));
        FullHttpResponse r = response(status, "{\"Error\":\"" + error + "\"}");
        respondEarly(ctx, r);
    }

    private void unauthorized(ChannelHandlerContext ctx, Verdict v) {
        s.reporter().unauthorized(v.name(), remote(ctx));
        respondEarly(ctx, unauthorizedResponse());
    }

    private void respondEarly(ChannelHandlerContext ctx, FullHttpResponse r) {
        releaseBody();
        uncount();
        if (status(r) == 405) r.headers().set(HttpHeaderNames.ALLOW, "POST");
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        refusal = ctx.writeAndFlush(r);
        phase = Phase.DISCARD;
        deadline.body(); // the decoder always ends a request with a LastHttpContent, body or not
    }

    private static int status(FullHttpResponse r) {
        return r.status().code();
    }

    private void uncount() {
        if (counted) {
            counted = false;
            s.inFlight().decrementAndGet();
        }
    }

    private void releaseBody() {
        release(body, reserved);
        body = null;
        reserved = 0;
    }

    /** Any thread: the buffer goes back to its pool and its bytes to the server's budget. */
    private void release(ByteBuf buffer, long bytes) {
        if (buffer != null) buffer.release();
        if (bytes > 0) s.buffered().addAndGet(-bytes);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (phase != Phase.WORKING) { // a worker still reads the buffer; its continuation releases it
            releaseBody();
            uncount();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Connection resets and the like: nothing to answer, nothing worth a line per event.
        ctx.close();
    }

    /** The verified request's X-PS-Timestamp (the verifier accepted it as a decimal number). */
    private long signedTimestamp() {
        return Long.parseLong(request.headers().get(EgressApi.HEADER_TIMESTAMP));
    }

    /**
     * A request its client stopped waiting for is not sent (408: the client, if it still exists,
     * retries with a new deadline); a deadline outside the signature window is malformed (400).
     */
    private FullHttpResponse pastDeadline(ChannelHandlerContext ctx, EgressService.PastDeadlineException e) {
        s.reporter().rejected(e.malformed() ? "BadRequest" : "PastDeadline", remote(ctx));
        return e.malformed() ? response(HttpResponseStatus.BAD_REQUEST, "{\"Error\":\"MalformedRequest\"}")
                : response(HttpResponseStatus.REQUEST_TIMEOUT, "{\"Error\":\"PastDeadline\"}");
    }

    private static FullHttpResponse unknownListener() {
        return response(HttpResponseStatus.NOT_FOUND, "{\"Error\":\"UnknownListener\"}");
    }

    private static FullHttpResponse internalError() {
        return response(HttpResponseStatus.INTERNAL_SERVER_ERROR, "{\"Error\":\"Internal\"}");
    }

    private static FullHttpResponse unauthorizedResponse() {
        return response(HttpResponseStatus.UNAUTHORIZED, "{\"Error\":\"Unauthorized\"}");
    }

    private static FullHttpResponse busy() {
        FullHttpResponse r = response(HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"Error\":\"Busy\"}");
        r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        return r;
    }

    private static FullHttpResponse response(HttpResponseStatus status, String json) {
        return response(status, Unpooled.wrappedBuffer(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static FullHttpResponse response(HttpResponseStatus status, ByteBuf content) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, EgressApi.CONTENT_TYPE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return r;
    }

    private static InetAddress remote(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }
}
