package com.proxylity.packetsource.sender.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** How a request body's buffer grows: by two, never past the claimed length or the API's limit. */
class EgressBodyGrowthTest {
    private static final int K = 1024;

    private static ByteBuf full(int capacity) {
        return Unpooled.buffer(capacity, EgressApi.MAX_BODY_BYTES).writerIndex(capacity);
    }

    @Test
    void growsTwofoldUpToWhatTheClientClaimed() {
        assertEquals(128 * K, EgressRequestHandler.grown(full(64 * K), 64 * K, 710 * K));
        assertEquals(710 * K, EgressRequestHandler.grown(full(512 * K), 64 * K, 710 * K));
        assertEquals(100 * K, EgressRequestHandler.grown(full(64 * K), 36 * K, 100 * K));
    }

    @Test
    void withoutAClaimItGrowsTwofoldToTheLimit() {
        assertEquals(128 * K, EgressRequestHandler.grown(full(64 * K), 1, -1));
        assertEquals(EgressApi.MAX_BODY_BYTES, EgressRequestHandler.grown(full(512 * K), 1, -1));
    }

    @Test
    void aChunkLargerThanTwiceTheBufferGetsRoomForItself() {
        assertEquals(300 * K, EgressRequestHandler.grown(full(256), 300 * K - 256, 300 * K));
        assertEquals(300 * K, EgressRequestHandler.grown(full(256), 300 * K - 256, -1));
    }

    @Test
    void aClaimShorterThanWhatArrivedIsNotBelieved() {
        // The codec frames the body by its Content-Length, so this cannot happen; if it did, the bytes still fit.
        assertEquals(128 * K, EgressRequestHandler.grown(full(64 * K), 64 * K, 80 * K));
    }
}
