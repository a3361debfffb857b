package com.proxylity.packetsource.sender.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The Listener's memory of refused segmented sends: per remote address and size, bounded. */
class SegmentRefusalsTest {

    private static InetSocketAddress at(int host, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, (byte) (host >> 8), (byte) host}), port);
    }

    @Test
    void aRefusedSizeEndsRunsOfThatSizeOrMoreToThatAddressOnly() throws Exception {
        SegmentRefusals r = new SegmentRefusals(true);
        assertTrue(r.refusedSize(at(1, 500), 1452));
        assertFalse(r.allows(at(1, 500), 1452));
        assertFalse(r.allows(at(1, 501), 1452), "a path MTU is the address's, whatever the port");
        assertTrue(r.allows(at(1, 500), 1451), "a smaller segment may still fit the path");
        assertTrue(r.allows(at(2, 500), 1452), "another remote lost segmentation");
        assertTrue(r.enabled());
        assertFalse(r.refusedSize(at(1, 502), 1452), "learned twice");
        assertTrue(r.refusedSize(at(1, 500), 1000));
        assertFalse(r.allows(at(1, 500), 1200));
    }

    @Test
    void manyPortsOfOneRemoteCountOnceAndTooManyRemotesEndSegmentation() throws Exception {
        SegmentRefusals r = new SegmentRefusals(true);
        for (int port = 1; port <= SegmentRefusals.MAX_DESTINATIONS + 10; port++) r.refusedSize(at(1, port), 1452);
        assertTrue(r.enabled(), "one remote's ports ended segmentation for the Listener");
        for (int host = 2; host <= SegmentRefusals.MAX_DESTINATIONS; host++) r.refusedSize(at(host, 9), 1452);
        assertTrue(r.enabled());
        r.refusedSize(at(SegmentRefusals.MAX_DESTINATIONS + 1, 9), 1452);
        assertFalse(r.enabled(), "the memory grew past its bound");
        assertFalse(r.allows(at(60_000, 9), 100));
    }

    @Test
    void theSocketsThatCannotSegmentNeverLearnNorStart() throws Exception {
        assertFalse(SegmentRefusals.NONE.refusedSize(at(1, 1), 1452));
        assertFalse(SegmentRefusals.NONE.disable());
        assertFalse(SegmentRefusals.NONE.allows(at(2, 1), 100));
    }
}
