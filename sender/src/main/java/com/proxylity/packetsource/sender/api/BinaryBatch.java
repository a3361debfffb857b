package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressSegment;
import java.util.List;

/**
 * Stage 3 of the send path (package comment of {@code com.proxylity.packetsource.sender}).
 * A request in the binary framing read straight into an {@link EgressService.Batch}: no
 * intermediate request object, and each payload stays a range of the body. The batch is only
 * submitted once the whole body has been read as well-formed ({@link EgressBinary#readRequest}
 * returned); a Listener this sender does not have leaves no batch, and its packets are skipped.
 */
final class BinaryBatch implements EgressBinary.RequestSink {
    private final EgressService service;
    private EgressService.Batch batch;
    private boolean unknown;

    BinaryBatch(EgressService service) {
        this.service = service;
    }

    @Override
    public void listener(String name, int packets) {
        try {
            batch = service.batch(name, packets);
        } catch (EgressService.UnknownListenerException e) {
            unknown = true;
        }
    }

    @Override
    public void identity(Long deadline, String run, List<EgressSegment> segments) {
        if (batch != null) batch.identity(deadline, run, segments);
    }

    @Override
    public void packet(String id, String address, int port, String peerKey, byte[] body, int payloadOffset,
                       int payloadLength) {
        if (batch != null) {
            batch.packet().id(id).remote(address, port).peerKey(peerKey).payload(body, payloadOffset, payloadLength).add();
        }
    }

    boolean unknownListener() {
        return unknown;
    }

    EgressService.Batch get() {
        return batch;
    }
}
