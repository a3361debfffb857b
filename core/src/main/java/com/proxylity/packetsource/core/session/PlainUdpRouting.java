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
 * Without a live record (nobody heard the remote within the window, or its task is gone) any
 * live task may send: no task holds a flow, so the packet has no fixed-address path anyway (and
 * the sender counts it as outside the flow window). The fallback is stable per remote, so one
 * remote's packets are not spread over tasks.
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
     * The sender for a packet to {@code remoteKey}: the owner of a live flow record if that task
     * is among {@code liveSenders}, else a stable choice among them.
     *
     * @param flow the directory's record for ({@code listener}, {@code remoteKey}), if any
     * @param liveSenders the Listener's running tasks (sender ids), in a stable order
     */
    public static String route(String remoteKey, Optional<SessionRecord> flow, Instant now, List<String> liveSenders) {
        if (liveSenders.isEmpty()) throw new IllegalArgumentException("no live sender");
        if (flow.isPresent() && flow.get().liveAt(now) && liveSenders.contains(flow.get().owner())) {
            return flow.get().owner();
        }
        return liveSenders.get(Math.floorMod(remoteKey.hashCode(), liveSenders.size()));
    }

    /**
     * The task for a packet to {@code remoteKey} among a Listener's heartbeats: the owner of a
     * live flow record while that task is live (also while it drains: the flow is still its
     * own), else a stable choice among the tasks that take new flows.
     */
    public static SenderTask route(String remoteKey, Optional<SessionRecord> flow, Instant now, LiveTasks tasks) {
        if (flow.isPresent() && flow.get().liveAt(now)) {
            Optional<SenderTask> owner = tasks.owner(flow.get().owner());
            if (owner.isPresent()) return owner.get();
        }
        return tasks.forNew(remoteKey);
    }
}
