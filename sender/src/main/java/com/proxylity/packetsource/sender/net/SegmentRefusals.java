package com.proxylity.packetsource.sender.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Part of stage 8 of the send path (package comment of {@code com.proxylity.packetsource.sender}):
 * what the kernel refused of a Listener's segmented sends ({@link SegmentRun}), shared by the
 * Listener's sockets. A device that cannot take segmented sends at all (EIO) ends them for the
 * Listener. A route that cannot take a segment size (EMSGSIZE; EINVAL on 5.x kernels: a path
 * MTU below the segment and its headers, one remote behind a tunnel or an ICMP "fragmentation
 * needed") ends runs of that size to that remote only: its datagrams go one by one, fragmented
 * as before, and no other remote loses segmentation because of it. A path MTU belongs to an
 * address, not a port: remembered by address, so one remote's many ports count once. At most
 * {@link #MAX_DESTINATIONS} addresses are remembered; beyond that the Listener stops segmenting.
 */
final class SegmentRefusals {
    static final int MAX_DESTINATIONS = 4096;
    /** For sockets that cannot segment at all: never enabled, remembers nothing. */
    static final SegmentRefusals NONE = new SegmentRefusals(false);

    private final AtomicBoolean enabled;
    /** The smallest segment size refused per remote address. */
    private final ConcurrentHashMap<InetAddress, Integer> tooLarge = new ConcurrentHashMap<>();

    SegmentRefusals(boolean enabled) {
        this.enabled = new AtomicBoolean(enabled);
    }

    boolean enabled() {
        return enabled.get();
    }

    /** Whether a run of {@code segment}-byte datagrams to {@code dest} may be formed. */
    boolean allows(InetSocketAddress dest, int segment) {
        if (!enabled.get()) return false;
        if (tooLarge.isEmpty()) return true;
        Integer refused = tooLarge.get(dest.getAddress());
        return refused == null || segment < refused;
    }

    /** Ends segmentation for the Listener; true for the call that ended it. */
    boolean disable() {
        return enabled.compareAndSet(true, false);
    }

    /** Runs of {@code segment} bytes or more to {@code dest} are no longer formed; true when newly learned. */
    boolean refusedSize(InetSocketAddress dest, int segment) {
        if (!enabled.get()) return false;
        InetAddress to = dest.getAddress();
        if (tooLarge.size() >= MAX_DESTINATIONS && !tooLarge.containsKey(to)) {
            disable();
            return false;
        }
        Integer before = tooLarge.get(to);
        tooLarge.merge(to, segment, Math::min);
        return before == null || segment < before;
    }
}
