package com.proxylity.packetsource.sender.net;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.wireguard.SealResult;
import com.proxylity.packetsource.sender.flow.FlowWindow;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/**
 * Stages 7 and 8 of the send path (package comment of {@code com.proxylity.packetsource.sender}):
 * on a socket's event loop, each queued packet is encoded by the Listener type's
 * {@link OutboundEncoder}, its destination passes the socket's family rule
 * ({@link SocketFamily}) and it is written; one flush at the end hands the batch to the kernel
 * ({@code sendmmsg} on epoll). Every outcome goes forward to the batch's {@link SendCompletion}.
 *
 * <p>One direct buffer for the whole batch, each datagram a slice of it: a pooled allocation
 * per datagram (arena lookup, pinned-memory accounting, its own recycled wrapper) showed in the
 * loop's profile (BENCHMARKS.md, sender decisions). The slices keep the buffer alive until the
 * kernel has the last of them; the batch's own reference is dropped here. Datagrams that lie back
 * to back for one destination leave as one segmented send ({@link SegmentRun}).
 */
final class BatchWriter {
    private static final JsonLog LOG = JsonLog.of(ListenerSocket.class);

    private final String listener;
    private final OutboundEncoder encoder;
    private final SocketFamily family;
    private final FlowWindow flows;
    private final SenderMetrics metrics;
    private final ByteBufAllocator alloc;
    /** Shared by the Listener's sockets: what the kernel refused of segmented sends ({@code NONE} where they cannot segment). */
    private final SegmentRefusals segmentation;

    BatchWriter(String listener, OutboundEncoder encoder, SocketFamily family, FlowWindow flows,
                SenderMetrics metrics, ByteBufAllocator alloc, boolean segmentation) {
        this.listener = listener;
        this.encoder = encoder;
        this.family = family;
        this.flows = flows;
        this.metrics = metrics;
        this.alloc = alloc;
        this.segmentation = segmentation ? new SegmentRefusals(true) : SegmentRefusals.NONE;
    }

    /** Writes the first {@code n} packets of {@code out} on {@code ch} (its own loop) and flushes once. */
    void write(Channel ch, Outbound out, int n, SendCompletion done) {
        long now = System.nanoTime();
        long total = 0;
        for (int i = 0; i < n; i++) total += encoder.datagramSize(out.payloadLength(i));
        ByteBuf batch = total == 0 ? null : alloc.directBuffer((int) Math.min(total, Integer.MAX_VALUE));
        SegmentRun run = new SegmentRun(listener, segmentation, done, batch, metrics);
        try {
            int offset = 0;
            for (int i = 0; i < n; i++) {
                int size = encoder.datagramSize(out.payloadLength(i));
                try {
                    writeOne(ch, out, i, now, batch, offset, size, done, run);
                } catch (RuntimeException e) {
                    // A bug in one packet's path must not strand the rest of the batch or leak
                    // queue room: the packet is SendError and the loop goes on.
                    LOG.error("send-path-failed", e, "listener", listener);
                    done.settle(i, DiscardReason.SendError);
                }
                offset += size;
            }
            run.flush(ch);
        } finally {
            if (batch != null) batch.release();
        }
        ch.flush();
    }

    private void writeOne(Channel ch, Outbound out, int i, long now, ByteBuf batch, int offset, int size,
                          SendCompletion done, SegmentRun run) {
        if (size == 0) {
            run.flush(ch); // before the empty datagram's own send, which flushes: the batch keeps its order
            countFlow(out.destination(i), now);
            InetSocketAddress dest = family.onSocket(out.destination(i));
            done.settle(i, dest == null ? DiscardReason.AddressFamilyUnreachable
                    : EmptyDatagrams.send(ch, dest, listener));
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
            done.settle(i, s.discard());
            return;
        }
        countFlow(s.endpoint(), now);
        // Every type's destination (the request's, or a session's endpoint) passes the same
        // family check: a socket is never handed an address it would misroute.
        InetSocketAddress dest = family.onSocket(s.endpoint());
        if (dest == null) {
            buf.release();
            done.settle(i, DiscardReason.AddressFamilyUnreachable);
            return;
        }
        run.add(ch, i, dest, buf, offset);
    }

    /** A packet to a remote not heard from within the NLB's UDP idle timeout most likely never leaves the VPC. */
    private void countFlow(InetSocketAddress dest, long now) {
        if (!flows.live(dest, now)) metrics.sentOutsideFlowWindow();
    }
}
