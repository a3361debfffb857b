package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.egresspolicy.IpLiteral;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResponse;
import com.proxylity.packetsource.core.egressapi.EgressResult;
import com.proxylity.packetsource.sender.metrics.SenderMetrics;
import com.proxylity.packetsource.sender.net.ListenerSocket;
import com.proxylity.packetsource.sender.net.Outbound;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Turns one authenticated egress request into datagrams on one Listener and reports a result
 * per packet, in request order. Each packet is checked on its own: a bad one never stops its
 * siblings. The pipeline already validated and formatted everything (contract 1); these checks
 * are the sender's own guard, so a buggy or compromised caller still cannot make it send
 * malformed or oversized datagrams.
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
    private final EgressPolicy policy;
    private final Duration sendTimeout;

    public EgressService(Map<String, ListenerSocket> sockets, Map<String, SenderMetrics> metrics,
                         EgressPolicy policy, Duration sendTimeout) {
        this.sockets = sockets;
        this.metrics = metrics;
        this.policy = policy;
        this.sendTimeout = sendTimeout;
    }

    /**
     * Checks every packet and queues those that pass, on the calling thread, without waiting:
     * the answer completes when the kernel has taken or refused the last queued datagram (on
     * the Listener's loop), or after the send timeout with what is still open as SendError. The
     * egress API calls this from its own event loop, so a request crosses threads only to the
     * Listener's loop and back — no handler thread to wake twice per request.
     */
    public CompletableFuture<EgressResponse> sendAsync(EgressRequest request) throws UnknownListenerException {
        Batch b = batch(request.listener(), request.packets().size());
        for (EgressPacket p : request.packets()) {
            if (p == null) {
                b.add(null, null, 0, null, null, 0, 0);
            } else {
                byte[] payload = p.payload();
                b.add(p.id(), p.address(), p.port(), p.peerKey(), payload, 0, payload == null ? 0 : payload.length);
            }
        }
        return b.submit();
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
        private int n;

        private Batch(ListenerSocket socket, SenderMetrics m, int capacity) {
            this.socket = socket;
            this.m = m;
            this.type = socket.config().type();
            ids = new String[capacity];
            refused = new DiscardReason[capacity];
            slotOf = new int[capacity];
            out = new Outbound(capacity);
            out.endpointPolicy(policy);
        }

        /** Adds one packet; {@code payload} null means none (MalformedMessage). */
        public void add(String id, String address, int port, String peerKey, byte[] payload, int offset, int length) {
            int i = n++;
            ids[i] = id;
            slotOf[i] = -1;
            InetAddress addr = address == null ? null : IpLiteral.parse(address).orElse(null); // parsed once
            DiscardReason reason = check(id, payload, length, port, addr, peerKey, type);
            if (reason == null) {
                if (policy != null && !policy.permits(addr)) {
                    reason = DiscardReason.EgressDenied;
                } else if (!socket.families().reaches(addr)) {
                    // Checked explicitly (ListenerSocket checks again per datagram): a socket is
                    // never handed an address of another family.
                    reason = DiscardReason.AddressFamilyUnreachable;
                }
            }
            if (reason != null) {
                refused[i] = reason;
            } else {
                InetSocketAddress dest = type.isWireGuard() ? null : new InetSocketAddress(addr, port);
                slotOf[i] = out.add(dest, peerKey, payload, offset, length);
            }
        }

        /** Counts the refusals, queues the rest; the answer as {@link #sendAsync} describes. */
        public CompletableFuture<EgressResponse> submit() {
            for (int i = 0; i < n; i++) if (refused[i] != null) m.discarded(refused[i]);
            if (out.size() == 0) return CompletableFuture.completedFuture(answer());
            socket.submit(out);
            // On a copy: the timeout must not complete the Outbound's own future.
            return out.done().copy()
                    .completeOnTimeout(null, sendTimeout.toNanos(), TimeUnit.NANOSECONDS)
                    .thenApply(x -> {
                        // Not expected (the kernel takes or refuses datagrams quickly): what is
                        // still unsettled is reported as SendError rather than holding the caller.
                        if (!out.done().isDone()) out.expireOpen();
                        return answer();
                    });
        }

        /**
         * Completes once no payload is read any more: every queued datagram is in the kernel or
         * failed. Later than the answer when the send timeout answered first.
         */
        public CompletableFuture<Void> payloadsReleased() {
            return out.size() == 0 ? CompletableFuture.completedFuture(null) : out.done().copy();
        }

        private EgressResponse answer() {
            EgressResult[] results = new EgressResult[n];
            int sent = 0;
            for (int i = 0; i < n; i++) {
                DiscardReason r = slotOf[i] < 0 ? refused[i] : out.outcome(slotOf[i]);
                if (r == null) {
                    results[i] = EgressResult.sent(ids[i]);
                    sent++;
                } else {
                    results[i] = EgressResult.discarded(ids[i], r);
                    if (slotOf[i] >= 0) m.discarded(r);
                }
            }
            m.sent(sent);
            return new EgressResponse(Arrays.asList(results));
        }
    }

    private static DiscardReason check(String id, byte[] payload, int length, int port, InetAddress addr,
                                       String peerKey, ListenerType type) {
        if (id == null || payload == null) return DiscardReason.MalformedMessage;
        if (port < 1 || port > 65_535 || addr == null) {
            return DiscardReason.MalformedRemote;
        }
        if (length > type.maxInnerPacket()) return DiscardReason.TooLarge;
        if (type.isWireGuard() && (peerKey == null || peerKey.isEmpty())) {
            return DiscardReason.MalformedRemote;
        }
        return null;
    }
}
