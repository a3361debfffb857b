package com.proxylity.packetsource.core.session;

import com.proxylity.packetsource.core.egresspolicy.IpLiteral;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Which sender task must send a plain UDP packet when a Listener runs on more than one task.
 * The NLB hashes each client flow to one task, and only that task's packets leave through the
 * flow (as the Listener's address). So the task that last heard from a remote records a flow
 * record in the session directory — like a WireGuard session, keyed {@link #flowKey}, with the
 * NLB's 120 s idle timeout as expiry — and a packet for that remote goes to the record's owner.
 * Without a live record (nobody heard the remote within the window, or its task is gone) there
 * is no owner: no task holds a flow, so a packet sent anyway would leave from a task's own
 * address and die in the VPC. The pipeline discards it as {@code NoFlow} instead of counting it
 * delivered (docs/architecture.md#owner-routing).
 */
public final class PlainUdpRouting {
    /** Prefix of flow records' keys: cannot collide with a WireGuard peer key (base64). */
    public static final String KEY_PREFIX = "udp:";
    /** The NLB's idle timeout for UDP flows: a flow record lives this long after the last datagram. */
    public static final long FLOW_SECONDS = 120;

    private PlainUdpRouting() {}

    /**
     * {@code udp:<address>:<port>}, the address in one canonical form ({@code [v6]} in full), so
     * the sender (which sees socket addresses) and the pipeline (which reads literals) agree.
     */
    public static String flowKey(InetAddress address, int port) {
        String a = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        return KEY_PREFIX + a + ":" + port;
    }

    /** The key for a message's Remote.Address literal; empty for a non-literal (host names are never resolved). */
    public static Optional<String> flowKey(String addressLiteral, int port) {
        return IpLiteral.parse(addressLiteral).map(a -> flowKey(a, port));
    }

    /** The record a task writes when it hears from a remote. */
    public static SessionRecord flowRecord(String listener, InetAddress address, int port, String owner, Instant heardAt) {
        String endpoint = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]:" + port
                : address.getHostAddress() + ":" + port;
        return new SessionRecord(listener, flowKey(address, port), endpoint, owner, heardAt,
                heardAt.plusSeconds(FLOW_SECONDS));
    }

    /**
     * The sender that holds the flow: the owner of a live flow record if that task is among
     * {@code liveSenders}; empty when no task can send through a live flow.
     *
     * @param flow the directory's record for (Listener, remote), if any
     * @param liveSenders the Listener's running tasks (sender ids)
     */
    public static Optional<String> owner(Optional<SessionRecord> flow, Instant now, List<String> liveSenders) {
        return flow.filter(f -> f.liveAt(now) && liveSenders.contains(f.owner())).map(SessionRecord::owner);
    }

    /**
     * The task that holds the flow among a Listener's heartbeats: the owner of a live flow
     * record while that task is live (also while it drains: the flow is still its own); empty
     * when there is none.
     */
    public static Optional<SenderTask> owner(Optional<SessionRecord> flow, Instant now, LiveTasks tasks) {
        return flow.filter(f -> f.liveAt(now)).flatMap(f -> tasks.owner(f.owner()));
    }
}
