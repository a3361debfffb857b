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
        ListenerSocket socket = request.listener() == null ? null : sockets.get(request.listener());
        if (socket == null) throw new UnknownListenerException(request.listener());
        SenderMetrics m = metrics.get(request.listener());
        ListenerType type = socket.config().type();
        int n = request.packets().size();
        EgressResult[] results = new EgressResult[n];
        int[] slotOf = new int[n];
        Arrays.fill(slotOf, -1);
        Outbound out = new Outbound(n);
        out.endpointPolicy(policy);
        for (int i = 0; i < n; i++) {
            EgressPacket p = request.packets().get(i);
            InetAddress addr = p == null ? null : IpLiteral.parse(p.address()).orElse(null); // parsed once
            DiscardReason reason = check(p, addr, type);
            InetSocketAddress dest = null;
            if (reason == null) {
                if (policy != null && !policy.permits(addr)) {
                    reason = DiscardReason.EgressDenied;
                } else if (!socket.families().reaches(addr)) {
                    // Checked explicitly (ListenerSocket checks again per datagram): a socket is
                    // never handed an address of another family.
                    reason = DiscardReason.AddressFamilyUnreachable;
                } else {
                    dest = new InetSocketAddress(addr, p.port());
                }
            }
            if (reason != null) {
                results[i] = EgressResult.discarded(p.id(), reason);
                m.discarded(reason);
            } else {
                slotOf[i] = out.add(type.isWireGuard() ? null : dest, p.peerKey(), p.payload());
            }
        }
        if (out.size() == 0) return CompletableFuture.completedFuture(answer(request, results, slotOf, out, m));
        socket.submit(out);
        // On a copy: the timeout must not complete the Outbound's own future.
        return out.done().copy()
                .completeOnTimeout(null, sendTimeout.toNanos(), TimeUnit.NANOSECONDS)
                .thenApply(x -> {
                    // Not expected (the kernel takes or refuses datagrams quickly): what is still
                    // unsettled is reported as SendError rather than holding the caller forever.
                    if (!out.done().isDone()) out.expireOpen();
                    return answer(request, results, slotOf, out, m);
                });
    }

    private static EgressResponse answer(EgressRequest request, EgressResult[] results, int[] slotOf, Outbound out,
                                         SenderMetrics m) {
        int sent = 0;
        for (int i = 0; i < results.length; i++) {
            if (slotOf[i] < 0) continue;
            String id = request.packets().get(i).id();
            DiscardReason r = out.outcome(slotOf[i]);
            if (r == null) {
                results[i] = EgressResult.sent(id);
                sent++;
            } else {
                results[i] = EgressResult.discarded(id, r);
                m.discarded(r);
            }
        }
        m.sent(sent);
        return new EgressResponse(Arrays.asList(results));
    }

    private static DiscardReason check(EgressPacket p, InetAddress addr, ListenerType type) {
        if (p == null || p.id() == null || p.payload() == null) return DiscardReason.MalformedMessage;
        if (p.port() < 1 || p.port() > 65_535 || addr == null) {
            return DiscardReason.MalformedRemote;
        }
        if (p.payload().length > type.maxInnerPacket()) return DiscardReason.TooLarge;
        if (type.isWireGuard() && (p.peerKey() == null || p.peerKey().isEmpty())) {
            return DiscardReason.MalformedRemote;
        }
        return null;
    }
}
