package com.proxylity.packetsource.sender.api;

/**
 * Stage 3 of the send path (package comment of {@code com.proxylity.packetsource.sender}): one
 * packet as the request is parsed, filled field by field and then {@link #add() added} to its
 * {@link EgressService.Batch}. One per batch, reused for every packet ({@code Batch.packet()}
 * clears it), so a packet costs no object of its own; a field not set is absent.
 */
public final class BatchPacket {
    private final EgressService.Batch batch;
    private String id;
    private String address;
    private int port;
    private String peerKey;
    private byte[] payload;
    private int offset;
    private int length;

    BatchPacket(EgressService.Batch batch) {
        this.batch = batch;
    }

    public BatchPacket id(String v) {
        id = v;
        return this;
    }

    /** {@code Remote.Address} (an IP literal, parsed once, never resolved) and port. */
    public BatchPacket remote(String addressLiteral, int remotePort) {
        address = addressLiteral;
        port = remotePort;
        return this;
    }

    public BatchPacket peerKey(String v) {
        peerKey = v;
        return this;
    }

    /** The whole of {@code bytes}; null: no payload. */
    public BatchPacket payload(byte[] bytes) {
        return payload(bytes, 0, bytes == null ? 0 : bytes.length);
    }

    /** {@code array[from, from+bytes)}, kept unchanged by the caller until the batch's payloads are released. */
    public BatchPacket payload(byte[] array, int from, int bytes) {
        payload = array;
        offset = from;
        length = bytes;
        return this;
    }

    /** Hands the packet to the batch, which checks it (stage 4) and keeps it or its refusal. */
    public void add() {
        batch.add(this);
    }

    BatchPacket clear() {
        id = null;
        address = null;
        port = 0;
        peerKey = null;
        payload = null;
        offset = 0;
        length = 0;
        return this;
    }

    String id() { return id; }

    String address() { return address; }

    int port() { return port; }

    String peerKey() { return peerKey; }

    byte[] payload() { return payload; }

    int offset() { return offset; }

    int length() { return length; }
}
