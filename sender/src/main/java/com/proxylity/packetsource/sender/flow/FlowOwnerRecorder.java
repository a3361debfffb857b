package com.proxylity.packetsource.sender.flow;

import com.proxylity.packetsource.core.session.PlainUdpRouting;
import com.proxylity.packetsource.sender.wg.SessionPublisher;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records in the session directory that this task holds a plain UDP client's flow
 * ({@link PlainUdpRouting}), so packets for that client are routed here. Writes go through the
 * {@link SessionPublisher} (off the event loop, bounded). A chatty client costs at most one
 * write per {@link #REFRESH_SECONDS}: the record lives {@value PlainUdpRouting#FLOW_SECONDS} s,
 * so refreshing at a quarter of that keeps it live while the client talks. The map of last
 * writes is bounded; a remote beyond it is written every time it is heard (correct, just dearer).
 * At most {@value #MAX_WRITES_PER_SECOND} writes per second: a flood of (spoofed) sources must
 * not turn into a flood of directory writes; a remote skipped now is written when heard again.
 *
 * <p>Only needed with more than one task per Listener (one write per talking client every 30 s
 * costs DynamoDB writes): off unless the sender is started with it ({@code PS_FLOW_OWNERS=on}).
 */
public final class FlowOwnerRecorder {
    public static final long REFRESH_SECONDS = 30;
    private static final int CAPACITY = 262_144;
    public static final int MAX_WRITES_PER_SECOND = 200;

    private final String owner;
    private final SessionPublisher publisher;
    private final Clock clock;
    private final ConcurrentHashMap<String, Instant> lastWritten = new ConcurrentHashMap<>();
    private long second = Long.MIN_VALUE;
    private int writesThisSecond;

    public FlowOwnerRecorder(String owner, SessionPublisher publisher, Clock clock) {
        this.owner = owner;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** A datagram from {@code remote} arrived on plain UDP Listener {@code listener}. */
    public void heard(String listener, InetSocketAddress remote) {
        Instant now = clock.instant();
        String key = listener + "|" + PlainUdpRouting.flowKey(remote.getAddress(), remote.getPort());
        Instant last = lastWritten.get(key);
        if (last != null && now.isBefore(last.plusSeconds(REFRESH_SECONDS))) return;
        if (!takeWrite(now.getEpochSecond())) return;
        if (lastWritten.size() >= CAPACITY) {
            lastWritten.values().removeIf(t -> !now.isBefore(t.plusSeconds(PlainUdpRouting.FLOW_SECONDS)));
        }
        if (lastWritten.size() < CAPACITY) lastWritten.put(key, now);
        publisher.publish(PlainUdpRouting.flowRecord(listener, remote.getAddress(), remote.getPort(), owner, now));
    }

    private synchronized boolean takeWrite(long epochSecond) {
        if (epochSecond != second) {
            second = epochSecond;
            writesThisSecond = 0;
        }
        if (writesThisSecond >= MAX_WRITES_PER_SECOND) return false;
        writesThisSecond++;
        return true;
    }
}
