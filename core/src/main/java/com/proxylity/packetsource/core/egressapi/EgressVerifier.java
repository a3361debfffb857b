package com.proxylity.packetsource.core.egressapi;

import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Server side of the egress API authentication (docs/architecture.md#egress-api). Thread-safe.
 *
 * <p>Order of checks, chosen so an unauthenticated caller can never grow state: header shape,
 * clock window, the MAC (either scheme of {@link EgressMacScheme}; constant-time compare), and only then the nonce cache. A nonce is
 * remembered until its timestamp leaves the window ({@code timestamp + window}), which is
 * exactly as long as a replay of it could otherwise be accepted. The cache is bounded: when it
 * is full of still-live nonces the request is refused ({@link Verdict#ReplayCacheFull}) rather
 * than forgetting a live nonce, which would re-open replay.
 *
 * <p>Keys: a request names the key that signed it ({@code X-PS-Key-Id}, inside the MAC) and is
 * checked against that one key of the {@link EgressKeySet} only, so accepting a rotation's old
 * and new key costs one MAC per request, not one per key. A request without a key id is checked
 * against the set's {@code unkeyed} key, and refused when it has none. One nonce cache serves
 * every key: a nonce is spent whichever key signed it.
 */
public final class EgressVerifier {
    /** Result of {@link #verify}; only {@link #Ok} lets a request through. */
    public enum Verdict {
        Ok,
        /** A header is missing or malformed. */
        MalformedHeaders,
        /** Timestamp more than the clock window away from now. */
        Stale,
        /** The MAC does not match. */
        BadSignature,
        /** The key id names no key of the set, or no key id and the set accepts none without. */
        UnknownKey,
        /** The nonce was already used within the window. */
        Replayed,
        /** Too many live nonces to remember another one; retry later (503, not 401). */
        ReplayCacheFull;

        public boolean ok() { return this == Ok; }
    }

    /**
     * Default bound: a nonce lives until its timestamp is a window old, so a task sustains this
     * many ÷ 30 s requests (10,000 a second; half while clients' clocks run a full window ahead)
     * before it answers 503. A two-vCPU sender fills 100,000 at 500 packets a request and 200 B
     * (docs/sender.md); a nonce costs ~190 B of heap, so ~57 MB at worst.
     */
    public static final int DEFAULT_MAX_NONCES = 300_000;

    private static final int MAX_NONCE_CHARS = 64;
    private static final int MAX_TIMESTAMP_CHARS = 19;
    private static final int MAX_SIGNATURE_CHARS = 128;

    private final Map<String, EgressMac> macs = new HashMap<>();
    private final EgressMac unkeyedMac;
    private final EgressKeySet keys;
    private final long windowMillis;
    private final int maxNonces;

    // nonce -> expiry, and the same entries ordered by expiry for eviction.
    private final Map<String, Long> seen = new HashMap<>();
    private final PriorityQueue<Map.Entry<String, Long>> order =
            new PriorityQueue<>(Map.Entry.comparingByValue());
    /** Nonces expiring before this were (or may have been) forgotten; only moves forward. */
    private long evictedBefore = Long.MIN_VALUE;

    /** One key, requests without a key id (a single-key secret). */
    public EgressVerifier(byte[] key) {
        this(EgressKeySet.single(key));
    }

    public EgressVerifier(byte[] key, long windowMillis, int maxNonces) {
        this(EgressKeySet.single(key), windowMillis, maxNonces);
    }

    public EgressVerifier(EgressKeySet keys) {
        this(keys, EgressApi.CLOCK_WINDOW.toMillis(), DEFAULT_MAX_NONCES);
    }

    public EgressVerifier(EgressKeySet keys, long windowMillis, int maxNonces) {
        if (windowMillis <= 0 || maxNonces <= 0) throw new IllegalArgumentException("window and cache must be > 0");
        for (String id : keys.ids()) macs.put(id, new EgressMac(keys.key(id)));
        this.unkeyedMac = keys.acceptsUnkeyed() ? new EgressMac(keys.key(null)) : null;
        this.keys = keys;
        this.windowMillis = windowMillis;
        this.maxNonces = maxNonces;
    }

    /** The key ids this verifier accepts (never the keys). */
    public EgressKeySet keys() { return keys; }

    /**
     * @param timestamp value of X-PS-Timestamp (may be null)
     * @param nonce value of X-PS-Nonce (may be null)
     * @param signature value of X-PS-Signature (may be null)
     * @param body the exact request body bytes
     * @param nowMillis the server's clock, epoch millis
     */
    public Verdict verify(String timestamp, String nonce, String signature, byte[] body, long nowMillis) {
        return verify(null, timestamp, nonce, signature, body, nowMillis);
    }

    /** As {@link #verify(String, String, String, byte[], long)} with the request's key id (X-PS-Key-Id, may be null). */
    public Verdict verify(String keyId, String timestamp, String nonce, String signature, byte[] body, long nowMillis) {
        if (body == null) return Verdict.MalformedHeaders;
        return verify(keyId, timestamp, nonce, signature, body, 0, body.length, nowMillis);
    }

    /**
     * As {@link #verify(String, String, String, byte[], long)} over {@code body[offset, offset+length)},
     * so a server can check its receive buffer without copying it.
     */
    public Verdict verify(String timestamp, String nonce, String signature, byte[] body, int offset, int length,
                          long nowMillis) {
        return verify(null, timestamp, nonce, signature, body, offset, length, nowMillis);
    }

    public Verdict verify(String keyId, String timestamp, String nonce, String signature, byte[] body, int offset,
                          int length, long nowMillis) {
        // One owner for the verdict: the whole body is one chunk of the incremental check.
        Incremental in = begin(keyId, timestamp, nonce, signature, nowMillis);
        if (in == null) return precheck(keyId, timestamp, nonce, signature, nowMillis);
        if (body == null || offset < 0 || length < 0 || offset > body.length - length) {
            return Verdict.MalformedHeaders;
        }
        in.update(body, offset, length);
        return in.finish(nowMillis);
    }

    /**
     * Starts verifying a request whose body is still arriving: {@link #precheck} now, the MAC
     * fed chunk by chunk ({@link Incremental#update}) while each chunk is hot in cache, and the
     * signature, clock window and nonce judged by {@link Incremental#finish} — the same verdicts
     * as {@link #verify} over the whole body. Null when the precheck refuses (its verdict is
     * then {@link #precheck}'s).
     */
    public Incremental begin(String timestamp, String nonce, String signature, long nowMillis) {
        return begin(null, timestamp, nonce, signature, nowMillis);
    }

    /** As {@link #begin(String, String, String, long)} with the request's key id (may be null). */
    public Incremental begin(String keyId, String timestamp, String nonce, String signature, long nowMillis) {
        if (precheck(keyId, timestamp, nonce, signature, nowMillis) != Verdict.Ok) return null;
        EgressMacScheme scheme = EgressMacScheme.of(signature);
        return new Incremental(keyId, timestamp, nonce, signature, scheme.tag(signature),
                mac(keyId).start(scheme, keyId, timestamp, nonce));
    }

    private EgressMac mac(String keyId) {
        return keyId == null ? unkeyedMac : macs.get(keyId);
    }

    /** One request's verification in progress; confined to the thread that reads the body. */
    public final class Incremental {
        private final String keyId;
        private final String timestamp;
        private final String nonce;
        private final String signature;
        private final byte[] expected;
        private final EgressMac.Running running;
        private boolean finished;

        private Incremental(String keyId, String timestamp, String nonce, String signature, byte[] expected,
                            EgressMac.Running running) {
            this.keyId = keyId;
            this.timestamp = timestamp;
            this.nonce = nonce;
            this.signature = signature;
            this.expected = expected;
            this.running = running;
        }

        /** The next {@code length} bytes of the body, in order. */
        public void update(byte[] chunk, int offset, int length) {
            if (finished) throw new IllegalStateException("already finished");
            running.update(chunk, offset, length);
        }

        /** The verdict once the whole body went through {@link #update}; at most once. */
        public Verdict finish(long nowMillis) {
            if (finished) throw new IllegalStateException("already finished");
            finished = true;
            byte[] computed = running.finish();
            // The clock again: the body may have taken up to the read deadline to arrive.
            Verdict clock = precheck(keyId, timestamp, nonce, signature, nowMillis);
            if (clock != Verdict.Ok) return clock;
            if (!MessageDigest.isEqual(computed, expected)) return Verdict.BadSignature;
            return remember(nonce, Long.parseLong(timestamp) + windowMillis, nowMillis);
        }
    }

    /**
     * The checks that need no body: header shape and clock window. A server runs this as soon as
     * the headers are in, so a request that can never pass is refused before its body is read or
     * buffered. Grows no state; {@link Verdict#Ok} here means only "worth reading the body".
     */
    public Verdict precheck(String timestamp, String nonce, String signature, long nowMillis) {
        return precheck(null, timestamp, nonce, signature, nowMillis);
    }

    /** As {@link #precheck(String, String, String, long)}, and the key id names a key of the set. */
    public Verdict precheck(String keyId, String timestamp, String nonce, String signature, long nowMillis) {
        if (timestamp == null || nonce == null || signature == null) return Verdict.MalformedHeaders;
        long ts = parseTimestamp(timestamp);
        if (ts < 0 || !wellFormedNonce(nonce) || !wellFormedSignature(signature)) return Verdict.MalformedHeaders;
        if (keyId != null && !EgressKeySet.wellFormedId(keyId)) return Verdict.MalformedHeaders;
        if (Math.abs(nowMillis - ts) > windowMillis) return Verdict.Stale;
        if (mac(keyId) == null) return Verdict.UnknownKey;
        return Verdict.Ok;
    }

    /** Number of nonces currently remembered (for metrics and tests). */
    public synchronized int rememberedNonces() {
        return seen.size();
    }

    private synchronized Verdict remember(String nonce, long expiry, long nowMillis) {
        evictExpired(nowMillis);
        // Threads read their clocks before taking this lock, so a later reading may already have
        // forgotten nonces that an earlier one still holds live: a request the cache can no longer
        // judge is past the window for it.
        if (expiry < evictedBefore) return Verdict.Stale;
        Long prior = seen.get(nonce);
        if (prior != null) return Verdict.Replayed;
        if (seen.size() >= maxNonces) return Verdict.ReplayCacheFull;
        seen.put(nonce, expiry);
        order.add(Map.entry(nonce, expiry));
        return Verdict.Ok;
    }

    private void evictExpired(long nowMillis) {
        evictedBefore = Math.max(evictedBefore, nowMillis);
        while (!order.isEmpty() && order.peek().getValue() < nowMillis) {
            Map.Entry<String, Long> e = order.poll();
            seen.remove(e.getKey(), e.getValue());
        }
    }

    private static long parseTimestamp(String s) {
        if (s.isEmpty() || s.length() > MAX_TIMESTAMP_CHARS) return -1;
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
            if (v < 0) return -1;
        }
        return v;
    }

    /** A tag of its scheme's exact length in its one spelling; anything else can never match. */
    private static boolean wellFormedSignature(String s) {
        return s.length() <= MAX_SIGNATURE_CHARS && EgressMacScheme.of(s).tag(s) != null;
    }

    private static boolean wellFormedNonce(String s) {
        if (s.length() < 16 || s.length() > MAX_NONCE_CHARS) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '=';
            if (!ok) return false;
        }
        return true;
    }
}
