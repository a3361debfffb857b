package com.proxylity.packetsource.core.egressapi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Arrays;

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
        MessageDigest d = sha256();
        Scratch scratch = new Scratch();
        int start = 0;
        for (int i = 1; i <= packets.size(); i++) {
            if (i == packets.size() || !sameRecord(packets.get(i).id(), packets.get(start).id())) {
                out.add(new EgressSegment(id(d, scratch, listener, packets.subList(start, i)), i - start));
                start = i;
            }
        }
        return out;
    }

    /** Whether two entry Ids name the same SQS record, without cutting either. */
    private static boolean sameRecord(String a, String b) {
        if (a == null || b == null) return a == b;
        int sa = a.lastIndexOf('/');
        int sb = b.lastIndexOf('/');
        int la = sa < 0 ? a.length() : sa;
        int lb = sb < 0 ? b.length() : sb;
        return la == lb && a.regionMatches(0, b, 0, la);
    }

    static String id(MessageDigest d, Scratch scratch, String listener, List<EgressPacket> run) {
        d.reset();
        scratch.text(d, listener);
        for (EgressPacket p : run) {
            scratch.text(d, p.id());
            scratch.text(d, p.address());
            scratch.integer(d, p.port());
            scratch.text(d, p.peerKey());
            byte[] payload = p.payload() == null ? new byte[0] : p.payload();
            scratch.integer(d, payload.length);
            d.update(payload);
        }
        byte[] digest = d.digest();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, SEGMENT_ID_BYTES));
    }

    /**
     * Fields into the digest through one reused buffer, each length-prefixed (and a null told from
     * an empty text), so no two different field sequences hash the same bytes.
     */
    static final class Scratch {
        private final byte[] buf = new byte[256];

        void integer(MessageDigest d, int v) {
            buf[0] = (byte) (v >>> 24);
            buf[1] = (byte) (v >>> 16);
            buf[2] = (byte) (v >>> 8);
            buf[3] = (byte) v;
            d.update(buf, 0, 4);
        }

        void text(MessageDigest d, String s) {
            d.update((byte) (s == null ? 0 : 1));
            if (s == null) {
                integer(d, 0);
                return;
            }
            int n = s.length();
            boolean ascii = n <= buf.length;
            for (int i = 0; i < n && ascii; i++) ascii = s.charAt(i) < 0x80;
            if (ascii) {
                integer(d, n);
                for (int i = 0; i < n; i++) buf[i] = (byte) s.charAt(i);
                d.update(buf, 0, n);
            } else {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                integer(d, b.length);
                d.update(b);
            }
        }
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

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks SHA-256", e);
        }
    }
}
