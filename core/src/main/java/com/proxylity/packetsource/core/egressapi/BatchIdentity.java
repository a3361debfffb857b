package com.proxylity.packetsource.core.egressapi;

import com.proxylity.packetsource.core.pipeline.EntryId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The identity of each record's share of an egress batch (a segment): a digest of the Listener
 * and of every packet of the segment in order (its Id, which names the SQS record and the
 * entry, its destination, key and payload). It depends on nothing an attempt, an execution or an
 * SQS redelivery changes, so every attempt to send the same packets of the same record names
 * them the same way, whichever batch they travel in. Rule and horizon:
 * docs/architecture.md#egress-api ("Batch identity").
 */
public final class BatchIdentity {
    /** 128 bits of SHA-256: collisions are out of reach for any number of batches a sender sees. */
    public static final int SEGMENT_ID_BYTES = 16;
    /** Length of a segment id in unpadded base64url. */
    public static final int SEGMENT_ID_CHARS = 22;

    private BatchIdentity() {}

    /** The segments of {@code packets} for {@code listener}: each maximal run of one SQS record's packets. */
    public static List<EgressSegment> segments(String listener, List<EgressPacket> packets) {
        List<EgressSegment> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= packets.size(); i++) {
            if (i == packets.size() || !record(packets.get(i)).equals(record(packets.get(start)))) {
                out.add(new EgressSegment(id(listener, packets.subList(start, i)), i - start));
                start = i;
            }
        }
        return out;
    }

    private static String record(EgressPacket p) {
        return p.id() == null ? "" : EntryId.messageIdOf(p.id());
    }

    static String id(String listener, List<EgressPacket> run) {
        MessageDigest d = sha256();
        text(d, listener);
        for (EgressPacket p : run) {
            text(d, p.id());
            text(d, p.address());
            d.update(ByteBuffer.allocate(4).putInt(p.port()).array());
            text(d, p.peerKey());
            byte[] payload = p.payload() == null ? new byte[0] : p.payload();
            d.update(ByteBuffer.allocate(4).putInt(payload.length).array());
            d.update(payload);
        }
        byte[] digest = d.digest();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, SEGMENT_ID_BYTES));
    }

    /** Whether {@code id} has the shape of a segment id (the sender checks before remembering it). */
    public static boolean wellFormedId(String id) {
        if (id == null || id.length() != SEGMENT_ID_CHARS) return false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) return false;
        }
        return true;
    }

    /** Length-prefixed, so no two different field sequences hash the same bytes. */
    private static void text(MessageDigest d, String s) {
        byte[] b = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
        d.update(ByteBuffer.allocate(5).put((byte) (s == null ? 0 : 1)).putInt(b.length).array());
        d.update(b);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks SHA-256", e);
        }
    }
}
