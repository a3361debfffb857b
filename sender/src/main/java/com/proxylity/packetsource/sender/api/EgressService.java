package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.egresspolicy.IpLiteral;
import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressDeadline;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressSegment;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import com.proxylity.packetsource.sender.net.ListenerSocket;
import com.proxylity.packetsource.sender.net.Outbound;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Stages 3–5 of the send path (package comment of {@code com.proxylity.packetsource.sender}):
 * the batch a request is parsed into, each packet checked as it is added ({@link PacketCheck}),
 * then the batch admitted: its deadline, its segments ({@link BatchMemory}), room in the
 * Listener's queue. Turns one authenticated egress request into datagrams on one Listener and
 * reports a result per packet, in request order.
 */
public final class EgressService {
    /** Thrown when the request names a Listener this sender does not own. */
    public static final class UnknownListenerException extends Exception {
        UnknownListenerException(String name) {
            super("unknown listener");
        }
    }

    private final Map<String, ListenerSocket> sockets;
    private final Map<String, SenderMetrics> metrics;
    private final PacketCheck check;
    private final Duration sendTimeout;
    private final BatchMemory memory;

    /** Thrown when a request arrives past its deadline (nothing is sent) or its deadline breaks the rule. */
    public static final class PastDeadlineException extends Exception {
        private final boolean malformed;

        PastDeadlineException(boolean malformed) {
            super(malformed ? "deadline outside the signature window" : "past its deadline");
            this.malformed = malformed;
        }

        public boolean malformed() { return malformed; }
    }

    public EgressService(Map<String, ListenerSocket> sockets, Map<String, SenderMetrics> metrics,
                         EgressPolicy policy, Duration sendTimeout) {
        this(sockets, metrics, policy, sendTimeout, new BatchMemory());
    }

    EgressService(Map<String, ListenerSocket> sockets, Map<String, SenderMetrics> metrics,
                  EgressPolicy policy, Duration sendTimeout, BatchMemory memory) {
        this.sockets = sockets;
        this.metrics = metrics;
        this.check = new PacketCheck(policy);
        this.sendTimeout = sendTimeout;
        this.memory = memory;
    }

    /**
     * Checks every packet and queues those that pass, on the calling thread, without waiting:
     * the answer completes when the kernel has taken or refused the last queued datagram (on
     * the Listener's loop), or after the send timeout with what is still open as SendError. The
     * egress API calls this from its own event loop, so a request crosses threads only to the
     * Listener's loop and back — no handler thread to wake twice per request.
     */
    public CompletableFuture<EgressResponse> sendAsync(EgressRequest request) throws UnknownListenerException {
        try {
            return sendAsync(request, Long.MIN_VALUE, 0);
        } catch (PastDeadlineException e) {
            throw new IllegalStateException(e); // no timestamp: the deadline is not checked
        }
    }

    /**
     * As {@link #sendAsync(EgressRequest)}, refusing a request whose deadline is past at
     * {@code nowMillis} (judged with the request's verified {@code timestampMillis};
     * {@code Long.MIN_VALUE}: not checked) before anything is remembered, counted or sent.
     */
    public CompletableFuture<EgressResponse> sendAsync(EgressRequest request, long timestampMillis, long nowMillis)
            throws UnknownListenerException, PastDeadlineException {
        Batch b = batch(request.listener(), request.packets().size());
        b.identity(request.deadline(), request.run(), request.segments());
        for (EgressPacket p : request.packets()) {
            BatchPacket next = b.packet();
            if (p != null) next.id(p.id()).remote(p.address(), p.port()).peerKey(p.peerKey()).payload(p.payload());
            next.add();
        }
        return b.submit(timestampMillis, nowMillis);
    }

    /** A batch for {@code listener} of up to {@code packets} packets, filled with {@link Batch#add}. */
    public Batch batch(String listener, int packets) throws UnknownListenerException {
        ListenerSocket socket = listener == null ? null : sockets.get(listener);
        if (socket == null) throw new UnknownListenerException(listener);
        return new Batch(socket, metrics.get(listener), packets);
    }

    /**
     * One request's packets, each checked as it is added (nothing is counted or sent before
     * {@link #submit}), then queued on the Listener in one go. Payloads are ranges of arrays the
     * caller keeps unchanged until {@link #payloadsReleased()} completes: the binary framing's
     * payloads are read straight from the request body.
     */
    public final class Batch {
        private final ListenerSocket socket;
        private final SenderMetrics m;
        private final ListenerType type;
        private final String[] ids;
        /** Per packet: the reason it was refused before queueing, or null when queued. */
        private final DiscardReason[] refused;
        private final int[] slotOf;
        private final Outbound out;
        /** Per packet that passed the checks: where and what to send, queued only at submit. */
        private final InetSocketAddress[] dest;
        private final String[] keys;
        private final byte[][] payloads;
        private final int[] offsets;
        private final int[] lengths;
        private final BatchPacket packet;
        private int n;
        private Long deadline;
        private String run;
        private List<EgressSegment> segments = List.of();

        private Batch(ListenerSocket socket, SenderMetrics m, int capacity) {
            this.socket = socket;
            this.m = m;
            this.type = socket.config().type();
            ids = new String[capacity];
            refused = new DiscardReason[capacity];
            slotOf = new int[capacity];
            out = new Outbound(capacity);
            packet = new BatchPacket(this);
            dest = new InetSocketAddress[capacity];
            keys = new String[capacity];
            payloads = new byte[capacity][];
            offsets = new int[capacity];
            lengths = new int[capacity];
        }

        /** The request's deadline, run and segments (docs/architecture.md#egress-api), before the packets. */
        public void identity(Long deadline, String run, List<EgressSegment> segments) {
            this.deadline = deadline;
            this.run = run;
            this.segments = segments == null ? List.of() : segments;
        }

        /** The identity fields as {@link EgressRequest#identityWellFormed} judges them, once every packet is added. */
        public boolean identityWellFormed() {
            return EgressRequest.identityWellFormed(n, run, segments);
        }

        /**
         * The next packet, to fill and {@link BatchPacket#add()}: one reused builder per batch, so a
         * packet costs no object of its own. A field left unset is absent (no payload is
         * MalformedMessage).
         */
        public BatchPacket packet() {
            return packet.clear();
        }

        private String lastLiteral;
        private InetAddress lastAddress;
        private InetSocketAddress lastDest;

        /** Stage 4: checked as it is added; kept to be queued at submit, or refused with its reason. */
        void add(BatchPacket p) {
            int i = n++;
            ids[i] = p.id();
            slotOf[i] = -1;
            String literal = p.address();
            // A batch is mostly many packets to a few remotes: the previous packet's parse is reused.
            if (literal == null || !literal.equals(lastLiteral)) {
                lastAddress = literal == null ? null : IpLiteral.parse(literal).orElse(null); // parsed once
                lastLiteral = literal;
                lastDest = null;
            }
            InetAddress addr = lastAddress;
            DiscardReason reason = check.judge(p, addr, type, socket.families());
            if (reason != null) {
                refused[i] = reason;
            } else {
                if (!type.isWireGuard() && (lastDest == null || lastDest.getPort() != p.port())) {
                    lastDest = new InetSocketAddress(addr, p.port());
                }
                dest[i] = type.isWireGuard() ? null : lastDest;
                keys[i] = p.peerKey();
                payloads[i] = p.payload();
                offsets[i] = p.offset();
                lengths[i] = p.length();
            }
        }

        /** As {@link #submit(long, long)} without the deadline check. */
        public CompletableFuture<EgressResponse> submit() {
            try {
                return submit(Long.MIN_VALUE, 0);
            } catch (PastDeadlineException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * Refuses the whole request when it is past its deadline; else claims each segment
         * (one memory operation per segment), counts the refusals and queues the packets of the
         * segments claimed now. A segment taken before is neither queued nor counted again: its
         * packets get the outcome they got then, once that is settled. The answer as
         * {@link #sendAsync} describes.
         */
        public CompletableFuture<EgressResponse> submit(long timestampMillis, long nowMillis) throws PastDeadlineException {
            if (timestampMillis != Long.MIN_VALUE) {
                EgressDeadline.Verdict v = EgressDeadline.check(timestampMillis, deadline, nowMillis,
                        EgressApi.CLOCK_WINDOW.toMillis());
                if (v != EgressDeadline.Verdict.Ok) throw new PastDeadlineException(v == EgressDeadline.Verdict.Malformed);
            }
            int segs = segments.size();
            BatchMemory.Entry[] earlier = new BatchMemory.Entry[segs];
            BatchMemory.Entry[] mine = new BatchMemory.Entry[segs];
            int[] segOf = new int[n];
            int[] startOf = new int[segs];
            for (int s = 0, i = 0; s < segs; s++) {
                startOf[s] = i;
                for (int k = 0; k < segments.get(s).packets() && i < n; k++) segOf[i++] = s;
                earlier[s] = memory.claim(segments.get(s).id(), run, mine, s);
            }
            int suppressed = 0;
            try {
                for (int i = 0; i < n; i++) {
                    if (segs > 0 && earlier[segOf[i]] != null) {
                        suppressed++;
                    } else if (refused[i] != null) {
                        m.discarded(refused[i]);
                    } else {
                        slotOf[i] = out.add(dest[i], keys[i], payloads[i], offsets[i], lengths[i]);
                    }
                }
                if (out.size() > 0) socket.submit(out);
            } catch (RuntimeException e) {
                for (BatchMemory.Entry e2 : mine) if (e2 != null) memory.forget(e2);
                throw e;
            }
            if (suppressed > 0) m.repeatsSuppressed(suppressed);
            long forgotten = memory.takeEvictedEarly();
            if (forgotten > 0) m.segmentsForgottenEarly(forgotten);
            CompletableFuture<?> own = out.size() == 0 ? CompletableFuture.completedFuture(null)
                    // On a copy: the timeout must not complete the Outbound's own future.
                    : out.done().copy().completeOnTimeout(null, sendTimeout.toNanos(), TimeUnit.NANOSECONDS)
                            .thenRun(() -> {
                                // Not expected (the kernel takes or refuses datagrams quickly): what is
                                // still unsettled is reported as SendError rather than holding the caller.
                                if (!out.done().isDone()) out.expireOpen();
                            });
            // The segments claimed here are settled from this send alone, as soon as it is done: a
            // request waiting on them must never wait on one that waits on it (two requests that
            // each claimed a segment the other carries would otherwise hold each other forever).
            CompletableFuture<?> settled = own.handle((x, error) -> {
                try {
                    for (int s = 0; s < segs; s++) {
                        if (mine[s] == null) continue;
                        int from = startOf[s];
                        int to = Math.min(n, from + segments.get(s).packets());
                        DiscardReason[] first = new DiscardReason[to - from];
                        for (int i = from; i < to; i++) first[i - from] = ownOutcome(i);
                        BatchMemory.settle(mine[s], first);
                    }
                } catch (RuntimeException e) {
                    // Never leave a repeat waiting on a segment that will not settle.
                    for (BatchMemory.Entry e2 : mine) if (e2 != null) memory.forget(e2);
                    throw e;
                }
                return null;
            });
            List<CompletableFuture<?>> waits = new ArrayList<>();
            waits.add(settled);
            for (BatchMemory.Entry e : earlier) if (e != null) waits.add(e.outcomes);
            return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).handle((x, error) -> {
                DiscardReason[] outcome = outcomes(segOf, startOf, earlier);
                List<Integer> repeated = new ArrayList<>();
                for (int s = 0; s < segs; s++) {
                    // A repeat of this run's own earlier attempt is answered as new: that attempt's
                    // answer was lost (its Egress threw), so nothing counted it yet.
                    if (earlier[s] != null && !Objects.equals(earlier[s].run, run)) repeated.add(s);
                }
                return answer(outcome, repeated);
            });
        }

        /** Each packet's outcome: from this send, or from the earlier segment (SendError if that failed unsent). */
        private DiscardReason[] outcomes(int[] segOf, int[] startOf, BatchMemory.Entry[] earlier) {
            DiscardReason[] out2 = new DiscardReason[n];
            for (int i = 0; i < n; i++) {
                BatchMemory.Entry e = segments.isEmpty() ? null : earlier[segOf[i]];
                if (e != null) {
                    DiscardReason[] first = e.outcomes.isCompletedExceptionally() ? null : e.outcomes.getNow(null);
                    out2[i] = BatchMemory.outcome(first, i - startOf[segOf[i]]);
                } else {
                    out2[i] = ownOutcome(i);
                }
            }
            return out2;
        }

        /** Packet {@code i}'s outcome from this request's own send (refused before it, or the datagram's). */
        private DiscardReason ownOutcome(int i) {
            return slotOf[i] < 0 ? refused[i] : out.outcome(slotOf[i]);
        }

        /**
         * Completes once no payload is read any more: every queued datagram is in the kernel or
         * failed. Later than the answer when the send timeout answered first. Meaningful only after
         * {@link #submit}, which is when packets are queued.
         */
        public CompletableFuture<Void> payloadsReleased() {
            return out.size() == 0 ? CompletableFuture.completedFuture(null) : out.done().copy();
        }

        /** The end of stage 9: each packet's outcome, in request order, counted once. */
        private EgressResponse answer(DiscardReason[] outcome, List<Integer> repeated) {
            EgressResult[] results = new EgressResult[n];
            int sent = 0;
            for (int i = 0; i < n; i++) {
                DiscardReason r = outcome[i];
                results[i] = r == null ? EgressResult.sent(ids[i]) : EgressResult.discarded(ids[i], r);
                if (slotOf[i] >= 0) {
                    // Only what this request queued counts: the sender's Sent is datagrams that left.
                    if (r == null) {
                        sent++;
                    } else {
                        m.discarded(r);
                    }
                }
            }
            m.sent(sent);
            return new EgressResponse(Arrays.asList(results), repeated);
        }
    }
}
