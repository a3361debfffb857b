package com.proxylity.packetsource.sender.net;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Part of stage 8 of the send path (package comment of {@code com.proxylity.packetsource.sender}):
 * UDP generic segmentation offload. Datagrams of one batch that go to one destination, lie back
 * to back in the batch's buffer and share one size (the last may be shorter) leave in one send
 * with a {@code UDP_SEGMENT} size: the kernel walks its stack once for the run and cuts it into
 * the same datagrams, each with its own UDP and IP header, before the device or the receiving
 * socket sees them. Every packet for a WireGuard session goes to that session's endpoint, and a
 * customer's burst to one remote goes to one address, so both form runs. The wire is unchanged:
 * the same datagrams, in the same order; the per-packet outcomes are the run's outcome.
 *
 * <p>A run is only formed where the kernel cannot refuse it for its shape: segments that fit a
 * 1,500-byte MTU behind an IPv6 header, at most {@link #MAX_SEGMENTS} of them, one UDP payload in
 * all. A kernel, device or route that refuses a segmented send anyway refuses all of it before any
 * of it leaves; the run is then sent again datagram by datagram, and what was refused is
 * remembered ({@link SegmentRefusals}): a remote's path MTU ends runs of that size to it, a device
 * without checksum offload ends them for the Listener.
 *
 * <p>One per batch being written, on the socket's event loop; not shared.
 */
public final class SegmentRun {
    private static final JsonLog LOG = JsonLog.of(ListenerSocket.class);
    /** {@code UDP_MAX_SEGMENTS} of the kernels a task may run on (raised to 128 only in later ones). */
    static final int MAX_SEGMENTS = 64;
    /** The largest datagram that fits a 1,500-byte MTU behind IPv6 and UDP headers (1500 - 40 - 8). */
    static final int MAX_SEGMENT_BYTES = 1452;
    /** One UDP payload: a segmented send is a single datagram to the socket layer (65535 - 20 - 8). */
    static final int MAX_RUN_BYTES = 65_507;

    /** Datagrams of {@code datagramBytes} one segmented send may carry: 1 where they go alone. */
    public static int maxRun(int datagramBytes) {
        if (datagramBytes < 1 || datagramBytes > MAX_SEGMENT_BYTES) return 1;
        return Math.min(MAX_SEGMENTS, MAX_RUN_BYTES / datagramBytes);
    }

    private final String listener;
    /** The Listener's memory of refused segmented sends, shared by its sockets. */
    private final SegmentRefusals refusals;
    private final SendCompletion done;
    private final ByteBuf batch;
    private final SenderMetrics metrics;
    private final int maxSegments;

    private InetSocketAddress dest;
    private ByteBuf first;
    private int firstSlot;
    private int start;
    private int segment;
    private int bytes;
    private int count;
    private boolean closed;

    SegmentRun(String listener, SegmentRefusals refusals, SendCompletion done, ByteBuf batch, SenderMetrics metrics) {
        this(listener, refusals, done, batch, metrics, MAX_SEGMENTS);
    }

    /** With another segment limit: tests make the kernel refuse a run this way. */
    SegmentRun(String listener, SegmentRefusals refusals, SendCompletion done, ByteBuf batch, SenderMetrics metrics,
               int maxSegments) {
        this.maxSegments = maxSegments;
        this.listener = listener;
        this.metrics = metrics;
        this.refusals = refusals;
        this.done = done;
        this.batch = batch;
    }

    /** Whether {@code ch} can take a segmented send at all. */
    static boolean supported(Channel ch) {
        return ch instanceof EpollDatagramChannel && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
    }

    /**
     * Sends slot {@code slot}'s datagram, {@code buf} (a retained slice of the batch at
     * {@code offset}), to {@code dest}: as part of the pending run when it continues it, else
     * after writing the pending run out. Ownership of {@code buf} passes here.
     */
    void add(Channel ch, int slot, InetSocketAddress dest, ByteBuf buf, int offset) {
        int len = buf.readableBytes();
        if (count > 0 && continues(dest, offset, len)) {
            buf.release(); // the run goes as one slice of the batch
            bytes += len;
            count++;
            if (len < segment) closed = true;
            return;
        }
        flush(ch);
        if (len > MAX_SEGMENT_BYTES || len == 0 || !refusals.allows(dest, len)) {
            writeOne(ch, slot, buf, dest);
            return;
        }
        this.dest = dest;
        this.first = buf;
        this.firstSlot = slot;
        this.start = offset;
        this.segment = len;
        this.bytes = len;
        this.count = 1;
        this.closed = false;
    }

    private boolean continues(InetSocketAddress to, int offset, int len) {
        return !closed && count < maxSegments && offset == start + bytes && len <= segment
                && bytes + len <= MAX_RUN_BYTES && dest.equals(to);
    }

    /** Writes the pending run, if any (not flushed to the kernel: the batch's one flush does that). */
    void flush(Channel ch) {
        if (count == 0) return;
        int n = count;
        count = 0;
        ByteBuf head = first;
        first = null;
        if (n == 1) {
            writeOne(ch, firstSlot, head, dest);
            return;
        }
        head.release();
        ByteBuf run = batch.retainedSlice(start, bytes);
        run.retain(); // kept for a datagram-by-datagram resend if the kernel refuses the run
        RunPromise p = new RunPromise(ch, firstSlot, n, segment, dest, run);
        p.addListener(f -> settled((RunPromise) f));
        ch.write(new SegmentedDatagramPacket(run, segment, dest), p);
    }

    private void writeOne(Channel ch, int slot, ByteBuf buf, InetSocketAddress to) {
        SlotPromise promise = new SlotPromise(ch, ch.eventLoop(), slot);
        promise.addListener(done);
        ch.write(new DatagramPacket(buf, to), promise);
    }

    /** The write promise of one run: settles every slot of it, or sends them one by one. */
    private static final class RunPromise extends DefaultChannelPromise {
        private final int firstSlot;
        private final int count;
        private final int segment;
        private final InetSocketAddress dest;
        private final ByteBuf run;

        RunPromise(Channel ch, int firstSlot, int count, int segment, InetSocketAddress dest, ByteBuf run) {
            super(ch, ch.eventLoop());
            this.firstSlot = firstSlot;
            this.count = count;
            this.segment = segment;
            this.dest = dest;
            this.run = run;
        }
    }

    private void settled(RunPromise p) {
        try {
            if (p.isSuccess()) {
                metrics.sentSegmented(p.count);
                for (int k = 0; k < p.count; k++) done.settle(p.firstSlot + k, null);
                return;
            }
            Channel ch = p.channel();
            int err = errno(p.cause());
            if (err == EIO && refusals.disable()) {
                LOG.warn("udp-segmentation-refused", "listener", listener, "error", String.valueOf(p.cause().getMessage()),
                        "then", "datagram by datagram");
            } else if ((err == EMSGSIZE || err == EINVAL) && refusals.refusedSize(p.dest, p.segment)) {
                LOG.info("udp-segment-size-refused", "listener", listener, "segment", p.segment,
                        "then", "this remote's datagrams of that size one by one");
            }
            if (err != EIO && err != EMSGSIZE && err != EINVAL) {
                // Not a refusal of the run's shape (a closed socket, an unreachable network): each
                // datagram alone would meet the same error, and one raised after the kernel cut the
                // run could make a resend a duplicate. Every packet of the run is SendError, once.
                for (int k = 0; k < p.count; k++) done.settle(p.firstSlot + k, DiscardReason.SendError);
                return;
            }
            // Nothing of a refused segmented send left (the kernel checks EIO, EINVAL and EMSGSIZE
            // before it cuts the run): each datagram goes again on its own and gets its own outcome.
            // Only an EMSGSIZE raised after the cut (rare: a path MTU lowered between the kernel's
            // checks) could make that resend repeat a datagram.
            int len = p.run.readableBytes();
            int k = ch.isOpen() && ch instanceof EpollDatagramChannel e ? sendInPlace(e, p, len) : 0;
            for (; k < p.count; k++) {
                int off = k * p.segment;
                writeOne(ch, p.firstSlot + k, p.run.retainedSlice(p.run.readerIndex() + off, Math.min(p.segment, len - off)), p.dest);
            }
            ch.flush();
        } finally {
            p.run.release();
        }
    }

    /**
     * Sends the refused run's datagrams at once, from the kernel's refusal inside the channel's
     * write: what followed the run in the batch is still queued behind it, so the batch keeps its
     * order (written again through the channel they would leave after it). Returns how many were
     * settled; a full socket buffer leaves the rest to the channel.
     */
    private int sendInPlace(EpollDatagramChannel ch, RunPromise p, int len) {
        Socket fd = (Socket) ch.fd();
        for (int k = 0; k < p.count; k++) {
            int off = k * p.segment;
            ByteBuffer datagram = p.run.nioBuffer(p.run.readerIndex() + off, Math.min(p.segment, len - off));
            DiscardReason outcome = null;
            try {
                if (fd.sendTo(datagram, datagram.position(), datagram.limit(), p.dest.getAddress(), p.dest.getPort()) == 0) {
                    return k;
                }
            } catch (IOException e) {
                outcome = DiscardReason.SendError;
            }
            done.settle(p.firstSlot + k, outcome);
        }
        return p.count;
    }

    private static final int EIO = 5;
    private static final int EINVAL = 22;
    private static final int EMSGSIZE = 90;

    /**
     * The errno of a refused send, or 0. EIO: the route's device takes no segmented send (no
     * checksum offload); EMSGSIZE (EINVAL before 6.x kernels): a segment and its headers exceed the
     * route's path MTU.
     */
    private static int errno(Throwable cause) {
        return cause instanceof Errors.NativeIoException e ? Math.abs(e.expectedErr()) : 0;
    }
}
