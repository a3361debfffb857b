package com.proxylity.packetsource.core.egressapi;

import com.proxylity.packetsource.core.contract.DiscardReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The binary framing of an egress batch, version 1 ({@link #REQUEST_TYPE}): the same request and
 * answer as the JSON form, without base64 or a text parser in the per-packet path. All integers
 * are big-endian and unsigned; strings are length-prefixed. The signature covers these exact
 * bytes, as for JSON. See docs/sender.md, "Binary batch framing".
 *
 * <pre>
 * request  := "PSEB" version u8 (1 or 2)  listenerLen u8  listener[listenerLen] (UTF-8, 1..255 bytes)
 *             [identity, version 2 only]  count u16  packet[count]   -- nothing may follow the last packet
 * identity := deadline u64 (epoch millis)  runLen u8 (0 = none, else 1..64) run (ASCII)
 *             segCount u16  segment[segCount]
 * segment  := idLen u8 (22) id (ASCII base64url)  packets u16 (1..)   -- the segments cover the packets
 * packet   := idLen u8 (1..255)  id (UTF-8)
 *             addrLen u8 (0..45) address (ASCII IP literal, checked by the sender per packet)
 *             port u16
 *             keyLen u8 (0 = none, else 1..64) peerKey (ASCII base64; WireGuard only)
 *             payloadLen u16  payload
 * response := "PSER" version u8 (1 or 2)  count u16  code u8 [count]   -- in request order;
 *             code 0 = Sent, else the DiscardReason with that code (see {@link #code})
 *             [version 2 only: repeatedCount u16  segmentIndex u16 [repeatedCount]]
 * </pre>
 *
 * <p>Text fields stay text so a packet is judged exactly as its JSON twin is (the same
 * MalformedRemote rules). Every length is checked against what remains before anything is
 * allocated; a body that is not exactly one well-formed request is refused as a whole.
 */
public final class EgressBinary {
    public static final String REQUEST_TYPE = "application/vnd.proxylity.egress-batch.v1";
    public static final String RESPONSE_TYPE = "application/vnd.proxylity.egress-results.v1";
    public static final int VERSION = 1;
    /** The version with a deadline and batch identity (written whenever a request carries them). */
    public static final int VERSION_IDENTITY = 2;
    public static final int MAX_RUN_BYTES = 64;
    private static final int REQUEST_MAGIC = 0x50534542; // "PSEB"
    private static final int RESPONSE_MAGIC = 0x50534552; // "PSER"
    public static final int MAX_ADDRESS_BYTES = 45; // longest IPv6 literal with an embedded IPv4 tail
    public static final int MAX_KEY_BYTES = 64;
    /** idLen + id(1) + addrLen + port + keyLen + payloadLen: the smallest packet. */
    private static final int MIN_PACKET_BYTES = 1 + 1 + 1 + 2 + 1 + 2;

    /**
     * Wire codes of the discard reasons: position + 1. Append only, never reorder (the codes
     * are the contract, not the enum's order).
     */
    private static final DiscardReason[] CODES = {
        DiscardReason.MalformedMessage, DiscardReason.UnknownTopic, DiscardReason.SourceDisabled,
        DiscardReason.BadFormatter, DiscardReason.DecodeError, DiscardReason.MalformedRemote,
        DiscardReason.EgressDenied, DiscardReason.AddressFamilyUnreachable, DiscardReason.TooLarge,
        DiscardReason.NoSession, DiscardReason.SessionExpired, DiscardReason.MissingInner,
        DiscardReason.RateLimited, DiscardReason.Stale, DiscardReason.SendError, DiscardReason.BadSignature,
        DiscardReason.NoFlow,
    };

    private EgressBinary() {}

    /** Thrown for a body that is not one well-formed version-1 request (the sender answers 400). */
    public static final class MalformedBatchException extends IOException {
        MalformedBatchException(String why) {
            super(why);
        }
    }

    /** Whether a Content-Type (parameters ignored, any case) names this framing. */
    public static boolean isRequestType(String contentType) {
        return mediaType(contentType, REQUEST_TYPE);
    }

    static boolean mediaType(String contentType, String expected) {
        if (contentType == null) return false;
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().equalsIgnoreCase(expected);
    }

    /**
     * Sized exactly before writing (texts encoded once, every bound checked first), so the body
     * is written once into its final array: at 500 × 1,420 B the growing stream this replaced
     * copied the body twice more.
     */
    public static byte[] writeRequest(EgressRequest request) {
        SizedRequest sized = size(request);
        byte[] body = new byte[sized.size()];
        sized.writeTo(body, 0);
        return body;
    }

    /**
     * A request measured and checked against every bound, ready to be written where the caller
     * wants it: the Egress client writes it into the buffer its HTTP request leaves from, so the
     * body is written once and never copied on the way to the socket.
     *
     * @throws IllegalArgumentException when a field does not fit its bound (the caller sends JSON)
     */
    public static SizedRequest size(EgressRequest request) {
        List<EgressPacket> packets = request.packets();
        if (packets.size() > 0xFFFF) throw new IllegalArgumentException("more than 65535 packets");
        byte[] listener = text(request.listener(), 1, 255, "listener");
        byte[][] texts = new byte[packets.size() * 3][];
        long size = 4 + 1 + 1 + listener.length + 2;
        String lastAddress = null;
        String lastKey = null;
        byte[] address = null;
        byte[] key = null;
        for (int i = 0; i < packets.size(); i++) {
            EgressPacket p = packets.get(i);
            byte[] id = texts[3 * i] = text(p.id(), 1, 255, "id");
            // A batch is mostly many packets to a few remotes: the previous packet's encoding is reused.
            if (address == null || !Objects.equals(p.address(), lastAddress)) {
                address = text(p.address(), 0, MAX_ADDRESS_BYTES, "address");
                lastAddress = p.address();
            }
            texts[3 * i + 1] = address;
            if (p.port() < 0 || p.port() > 0xFFFF) throw new IllegalArgumentException("port out of range");
            if (key == null || !Objects.equals(p.peerKey(), lastKey)) {
                key = text(p.peerKey(), 0, MAX_KEY_BYTES, "peer key");
                lastKey = p.peerKey();
            }
            texts[3 * i + 2] = key;
            byte[] payload = p.payload();
            if (payload == null || payload.length > 0xFFFF) throw new IllegalArgumentException("payload missing or over 65535 bytes");
            size += 1 + id.length + 1 + address.length + 2 + 1 + key.length + 2 + payload.length;
        }
        boolean identity = request.deadline() != null || request.run() != null || !request.segments().isEmpty();
        byte[] run = text(request.run(), 0, MAX_RUN_BYTES, "run");
        byte[][] segIds = new byte[request.segments().size()][];
        if (identity) {
            if (segIds.length > 0xFFFF) throw new IllegalArgumentException("more than 65535 segments");
            size += 8 + 1 + run.length + 2;
            for (int i = 0; i < segIds.length; i++) {
                EgressSegment seg = request.segments().get(i);
                segIds[i] = text(seg.id(), 1, 255, "segment id");
                if (seg.packets() < 1 || seg.packets() > 0xFFFF) throw new IllegalArgumentException("segment size out of range");
                size += 1 + segIds[i].length + 2;
            }
        }
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("batch too large for one body");
        return new SizedRequest(request, (int) size, identity, listener, texts, run, segIds);
    }

    /** See {@link #size(EgressRequest)}. */
    public static final class SizedRequest {
        private final EgressRequest request;
        private final int size;
        private final boolean identity;
        private final byte[] listener;
        private final byte[][] texts;
        private final byte[] run;
        private final byte[][] segIds;

        private SizedRequest(EgressRequest request, int size, boolean identity, byte[] listener, byte[][] texts,
                             byte[] run, byte[][] segIds) {
            this.request = request;
            this.size = size;
            this.identity = identity;
            this.listener = listener;
            this.texts = texts;
            this.run = run;
            this.segIds = segIds;
        }

        /** The body's length in bytes. */
        public int size() {
            return size;
        }

        /** Writes the body into {@code dst} from {@code offset}; {@link #size()} bytes must fit there. */
        public void writeTo(byte[] dst, int offset) {
            List<EgressPacket> packets = request.packets();
            ByteBuffer out = ByteBuffer.wrap(dst, offset, size);
            out.putInt(REQUEST_MAGIC).put((byte) (identity ? VERSION_IDENTITY : VERSION)).put((byte) listener.length).put(listener);
            if (identity) {
                out.putLong(request.deadline() == null ? 0 : request.deadline()).put((byte) run.length).put(run)
                        .putShort((short) segIds.length);
                for (int i = 0; i < segIds.length; i++) {
                    out.put((byte) segIds[i].length).put(segIds[i]).putShort((short) request.segments().get(i).packets());
                }
            }
            out.putShort((short) packets.size());
            for (int i = 0; i < packets.size(); i++) {
                EgressPacket p = packets.get(i);
                out.put((byte) texts[3 * i].length).put(texts[3 * i])
                        .put((byte) texts[3 * i + 1].length).put(texts[3 * i + 1])
                        .putShort((short) p.port())
                        .put((byte) texts[3 * i + 2].length).put(texts[3 * i + 2])
                        .putShort((short) p.payload().length).put(p.payload());
            }
        }
    }

    /**
     * Takes a request's fields as they are read, each payload as a range of the body rather than
     * a copy (the sender sends straight from its receive buffer: one copy of every payload less
     * per packet). Nothing handed over is final until {@link #readRequest(byte[], int, int,
     * RequestSink)} returns: a body found malformed further on throws after some packets were
     * given, so a sink acts only then. A sink that keeps a payload range keeps the body.
     */
    public interface RequestSink {
        /** First, once: the Listener and how many packets follow (bounded by the body's length). */
        void listener(String name, int packets);

        /**
         * Version 2 only, after {@link #listener} and before the packets: the deadline (null when
         * 0), the run (null when absent) and the segments as sent (checked by
         * {@link EgressRequest#identityWellFormed} on the whole request, not here).
         */
        default void identity(Long deadline, String run, List<EgressSegment> segments) { }

        /** Each packet in order; {@code peerKey} is null when absent. */
        void packet(String id, String address, int port, String peerKey, byte[] body, int payloadOffset,
                    int payloadLength);
    }

    public static EgressRequest readRequest(byte[] body) throws MalformedBatchException {
        return readRequest(body, 0, body.length);
    }

    /** Reads {@code body[offset, offset+length)}: exactly one request, nothing after it. */
    public static EgressRequest readRequest(byte[] body, int offset, int length) throws MalformedBatchException {
        String[] listener = new String[1];
        ArrayList<EgressPacket> packets = new ArrayList<>();
        Object[] identity = new Object[3];
        readRequest(body, offset, length, new RequestSink() {
            @Override
            public void listener(String name, int count) {
                listener[0] = name;
                packets.ensureCapacity(count);
            }

            @Override
            public void identity(Long deadline, String run, List<EgressSegment> segments) {
                identity[0] = deadline;
                identity[1] = run;
                identity[2] = segments;
            }

            @Override
            public void packet(String id, String address, int port, String peerKey, byte[] b, int off, int len) {
                packets.add(new EgressPacket(id, address, port, peerKey, Arrays.copyOfRange(b, off, off + len)));
            }
        });
        @SuppressWarnings("unchecked")
        List<EgressSegment> segments = (List<EgressSegment>) identity[2];
        return new EgressRequest(listener[0], packets, (Long) identity[0], (String) identity[1], segments);
    }

    /** Reads {@code body[offset, offset+length)} into {@code sink}: exactly one request, nothing after it. */
    public static void readRequest(byte[] body, int offset, int length, RequestSink sink) throws MalformedBatchException {
        Reader r = new Reader(body, offset, length);
        if (r.u32() != REQUEST_MAGIC) throw new MalformedBatchException("not an egress batch");
        int version = r.u8();
        if (version != VERSION && version != VERSION_IDENTITY) throw new MalformedBatchException("unsupported version");
        String listener = r.utf8(r.u8(), 1);
        Long deadline = null;
        String run = null;
        List<EgressSegment> segments = List.of();
        if (version == VERSION_IDENTITY) {
            long d = r.u64();
            deadline = d == 0 ? null : d;
            String runText = r.ascii(r.u8(), MAX_RUN_BYTES);
            run = runText.isEmpty() ? null : runText;
            int segCount = r.u16();
            if ((long) segCount * 4 > r.remaining()) throw new MalformedBatchException("truncated");
            List<EgressSegment> segs = new ArrayList<>(segCount);
            for (int i = 0; i < segCount; i++) {
                int idLen = r.u8();
                // What the writer writes, nothing else: an id of its one length, at least one packet.
                if (idLen != BatchIdentity.SEGMENT_ID_CHARS) throw new MalformedBatchException("segment id length");
                String id = r.ascii(idLen, BatchIdentity.SEGMENT_ID_CHARS);
                int packets = r.u16();
                if (packets < 1) throw new MalformedBatchException("empty segment");
                segs.add(new EgressSegment(id, packets));
            }
            segments = segs;
            // Version 2 is written only for a request that carries some identity: one without
            // any has its one encoding in version 1, and a body is accepted in its one encoding only.
            if (deadline == null && run == null && segs.isEmpty()) throw new MalformedBatchException("version 2 without identity");
        }
        int count = r.u16();
        if ((long) count * MIN_PACKET_BYTES > r.remaining()) throw new MalformedBatchException("truncated");
        sink.listener(listener, count);
        if (version == VERSION_IDENTITY) sink.identity(deadline, run, segments);
        Reader.Field address = new Reader.Field();
        Reader.Field key = new Reader.Field();
        for (int i = 0; i < count; i++) {
            String id = r.utf8(r.u8(), 1);
            String remote = r.ascii(r.u8(), MAX_ADDRESS_BYTES, address);
            int port = r.u16();
            String peerKey = r.ascii(r.u8(), MAX_KEY_BYTES, key);
            int n = r.u16();
            int at = r.skip(n);
            sink.packet(id, remote, port, peerKey.isEmpty() ? null : peerKey, body, at, n);
        }
        if (r.remaining() != 0) throw new MalformedBatchException("bytes after the last packet");
    }

    /** Version 1, or version 2 when some segment was answered as a repeat (only ever to a version-2 request). */
    public static byte[] writeResponse(EgressResponse response) {
        int n = response.results().size();
        List<Integer> repeated = response.repeated();
        boolean v2 = !repeated.isEmpty();
        byte[] out = new byte[7 + n + (v2 ? 2 + 2 * repeated.size() : 0)];
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putInt(RESPONSE_MAGIC).put((byte) (v2 ? VERSION_IDENTITY : VERSION)).putShort((short) n);
        for (EgressResult r : response.results()) b.put((byte) code(r.reason()));
        if (v2) {
            b.putShort((short) repeated.size());
            for (int i : repeated) b.putShort((short) i);
        }
        return out;
    }

    /** Reads an answer to {@code request}: its ids, in its order, with the answer's outcomes. */
    public static EgressResponse readResponse(byte[] body, EgressRequest request) throws MalformedBatchException {
        Reader r = new Reader(body, 0, body.length);
        if (r.u32() != RESPONSE_MAGIC) throw new MalformedBatchException("not an egress answer");
        int version = r.u8();
        if (version != VERSION && version != VERSION_IDENTITY) throw new MalformedBatchException("not an egress answer");
        int n = r.u16();
        if (n != request.packets().size() || (version == VERSION ? r.remaining() != n : r.remaining() < n + 2)) {
            throw new MalformedBatchException("answer does not match the request");
        }
        List<EgressResult> results = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int c = r.u8();
            String id = request.packets().get(i).id();
            if (c == 0) {
                results.add(EgressResult.sent(id));
            } else if (c <= CODES.length) {
                results.add(EgressResult.discarded(id, CODES[c - 1]));
            } else {
                throw new MalformedBatchException("unknown outcome code");
            }
        }
        List<Integer> repeated = new ArrayList<>();
        if (version == VERSION_IDENTITY) {
            int m = r.u16();
            if (r.remaining() != 2 * m) throw new MalformedBatchException("answer does not match the request");
            for (int i = 0; i < m; i++) {
                int seg = r.u16();
                if (seg >= request.segments().size()) throw new MalformedBatchException("answer names no segment of the request");
                repeated.add(seg);
            }
        }
        return new EgressResponse(results, repeated);
    }

    /** The wire code of an outcome: 0 for Sent (null reason). */
    public static int code(DiscardReason reason) {
        if (reason == null) return 0;
        for (int i = 0; i < CODES.length; i++) if (CODES[i] == reason) return i + 1;
        throw new IllegalStateException("no wire code for " + reason);
    }

    /** A text field's UTF-8 bytes (null is empty), its length checked against the field's bounds. */
    private static byte[] text(String s, int min, int max, String what) {
        byte[] b = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
        if (b.length < min || b.length > max) throw new IllegalArgumentException(what + " must be " + min + ".." + max + " bytes");
        return b;
    }

    /** Bounds-checked reads; every failure is a {@link MalformedBatchException}. */
    private static final class Reader {
        private final byte[] b;
        private int pos;
        private final int end;

        Reader(byte[] b, int offset, int length) throws MalformedBatchException {
            if (offset < 0 || length < 0 || offset + length > b.length) throw new MalformedBatchException("bad range");
            this.b = b;
            this.pos = offset;
            this.end = offset + length;
        }

        int remaining() {
            return end - pos;
        }

        private void need(int n) throws MalformedBatchException {
            if (n > end - pos) throw new MalformedBatchException("truncated");
        }

        int u8() throws MalformedBatchException {
            need(1);
            return b[pos++] & 0xFF;
        }

        int u16() throws MalformedBatchException {
            need(2);
            int v = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
            pos += 2;
            return v;
        }

        long u64() throws MalformedBatchException {
            need(8);
            long v = ByteBuffer.wrap(b, pos, 8).getLong();
            pos += 8;
            if (v < 0) throw new MalformedBatchException("deadline out of range");
            return v;
        }

        int u32() throws MalformedBatchException {
            need(4);
            int v = ByteBuffer.wrap(b, pos, 4).getInt();
            pos += 4;
            return v;
        }

        /** Passes over {@code n} bytes; returns where they start. */
        int skip(int n) throws MalformedBatchException {
            need(n);
            int at = pos;
            pos += n;
            return at;
        }

        String utf8(int n, int min) throws MalformedBatchException {
            if (n < min) throw new MalformedBatchException("empty field");
            need(n);
            // Ids are ASCII in practice: take that path without a decoder per field.
            boolean ascii = true;
            for (int i = pos; i < pos + n && ascii; i++) ascii = b[i] >= 0;
            if (ascii) {
                String s = new String(b, pos, n, StandardCharsets.US_ASCII);
                pos += n;
                return s;
            }
            CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            try {
                CharBuffer c = d.decode(ByteBuffer.wrap(b, pos, n));
                pos += n;
                return c.toString();
            } catch (CharacterCodingException e) {
                throw new MalformedBatchException("field is not UTF-8");
            }
        }

        /** The last value of a field repeated packet by packet, and where its bytes are. */
        static final class Field {
            private String value;
            private int at;
            private int length = -1;
        }

        /**
         * As {@link #ascii(int, int)}; bytes equal to the field's previous value give that same
         * String: a batch is mostly many packets to a few remotes.
         */
        String ascii(int n, int max, Field last) throws MalformedBatchException {
            if (n == last.length && n <= end - pos && Arrays.equals(b, pos, pos + n, b, last.at, last.at + n)) {
                pos += n;
                return last.value;
            }
            int at = pos;
            String s = ascii(n, max);
            last.value = s;
            last.at = at;
            last.length = n;
            return s;
        }

        /** Printable ASCII only (IP literals and base64 keys have nothing else). */
        String ascii(int n, int max) throws MalformedBatchException {
            if (n > max) throw new MalformedBatchException("field too long");
            need(n);
            for (int i = pos; i < pos + n; i++) {
                if (b[i] < 0x21 || b[i] > 0x7E) throw new MalformedBatchException("field is not printable ASCII");
            }
            String s = new String(b, pos, n, StandardCharsets.US_ASCII);
            pos += n;
            return s;
        }
    }
}
