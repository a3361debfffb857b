package com.proxylity.packetsource.core.wireguard;

/**
 * Sliding anti-replay window over received counters (RFC 6479 style, as the Linux kernel and
 * wireguard-go): a ring of 128 64-bit blocks (8192 bits). Blocks are cleared as the window moves,
 * so the newest counter is always accepted and one up to {@link #WINDOW_SIZE} behind it is accepted
 * once. Counters are unsigned 64-bit values. Not thread-safe: the owner synchronizes.
 */
final class ReplayWindow {
    private static final int BLOCK_BITS_LOG = 6;
    private static final int BLOCK_BITS = 1 << BLOCK_BITS_LOG;
    static final int RING_BLOCKS = 128;
    private static final int BLOCK_MASK = RING_BLOCKS - 1;
    /** One block is always being refilled, so the guaranteed window is 127 blocks. */
    static final long WINDOW_SIZE = (long) (RING_BLOCKS - 1) * BLOCK_BITS;

    private final long[] ring = new long[RING_BLOCKS];
    private long last;

    /** Accepts {@code counter} (and remembers it) unless it is a duplicate, too old or past RejectAfterMessages. */
    boolean accept(long counter) {
        if (Long.compareUnsigned(counter, WireGuardProtocol.REJECT_AFTER_MESSAGES) >= 0) return false;
        long block = counter >>> BLOCK_BITS_LOG;
        if (Long.compareUnsigned(counter, last) > 0) {
            long current = last >>> BLOCK_BITS_LOG;
            long diff = Math.min(block - current, RING_BLOCKS);
            for (long i = 1; i <= diff; i++) ring[(int) ((current + i) & BLOCK_MASK)] = 0;
            last = counter;
        } else if (last - counter > WINDOW_SIZE) {
            return false;
        }
        int idx = (int) (block & BLOCK_MASK);
        long bit = 1L << (counter & (BLOCK_BITS - 1));
        if ((ring[idx] & bit) != 0) return false;
        ring[idx] |= bit;
        return true;
    }
}
