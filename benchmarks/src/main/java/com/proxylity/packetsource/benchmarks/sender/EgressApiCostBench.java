package com.proxylity.packetsource.benchmarks.sender;

import com.proxylity.packetsource.core.egressapi.BatchIdentity;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import com.proxylity.packetsource.core.egressapi.EgressJson;
import com.proxylity.packetsource.core.egressapi.EgressMacScheme;
import com.proxylity.packetsource.core.egressapi.EgressPacket;
import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressSigner;
import com.proxylity.packetsource.core.egressapi.EgressVerifier;
import com.proxylity.packetsource.core.egressapi.SignedHeaders;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where the egress API's CPU per packet goes, one step at a time on one thread: signing (client),
 * verifying (sender, on its event loop), encoding and parsing a 500-packet batch as JSON and in
 * the binary framing. Prints ns per packet; compare with the native reference's
 * 1e9 / (pps per CPU-second) from run-sender-bench.sh, measured in the same session.
 *
 * <p>usage: EgressApiCostBench [seconds-per-step=2] [sizes=200,1420] [rounds=2]; read the last round:
 * the first also pays for the JIT reaching the crypto intrinsics.
 */
public final class EgressApiCostBench {
    private static final int PACKETS = 500;
    private static int round;

    interface Step {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int[] sizes = args.length > 1 ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {200, 1420};
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 3);
        for (round = 1; round <= rounds; round++) for (int size : sizes) {
            List<EgressPacket> ps = new ArrayList<>();
            for (int i = 0; i < PACKETS; i++) {
                ps.add(new EgressPacket("0123456789abcdef0123456789abcdef01234567/" + i, "127.0.0.1", 5683, null,
                        new byte[size]));
            }
            EgressRequest request = new EgressRequest("bench", ps);
            byte[] json = EgressJson.writeRequest(request);
            byte[] bin = EgressBinary.writeRequest(request);
            // A verifier with a nonce cache large enough for every signature made here.
            EgressVerifier verifier = new EgressVerifier(key, 30_000, 50_000_000);
            // Both forms of X-PS-Signature, same run: Poly1305 (what Egress sends) and HMAC-SHA256 (still accepted).
            for (EgressMacScheme scheme : EgressMacScheme.values()) {
                EgressSigner signer = new EgressSigner(null, key, new SecureRandom(), scheme);
                String name = scheme.name().toLowerCase(Locale.ROOT);
                measure(size, "sign " + name + " (client), binary body", seconds, () -> signer.sign(bin, System.currentTimeMillis()));
                SignedHeaders h = signer.sign(bin, System.currentTimeMillis());
                // Verify alone, one signature over and over: after the first it is Replayed, which is
                // decided after the MAC and its compare, so every call still pays them.
                measure(size, "verify " + name + " (sender), binary body", seconds, () -> {
                    long now = System.currentTimeMillis();
                    EgressVerifier.Incremental in = verifier.begin(h.timestamp(), h.nonce(), h.signature(), now);
                    in.update(bin, 0, bin.length);
                    if (in.finish(now) == EgressVerifier.Verdict.BadSignature) throw new IllegalStateException("verify");
                });
            }
            // Egress names each record's packets by a digest of them: one more pass over the payload bytes, like the HMAC.
            measure(size, "segment ids (client)", seconds, () -> BatchIdentity.segments("bench", ps));
            measure(size, "encode JSON (client)", seconds, () -> EgressJson.writeRequest(request));
            measure(size, "parse JSON (sender)", seconds, () -> EgressJson.readRequest(json));
            measure(size, "encode binary (client)", seconds, () -> EgressBinary.writeRequest(request));
            measure(size, "parse binary (sender)", seconds, () -> EgressBinary.readRequest(bin));
        }
    }

    private static void measure(int size, String what, double seconds, Step step) throws Exception {
        long warm = System.nanoTime() + (long) (seconds * 0.5e9); // warm-up: half a step's time
        while (System.nanoTime() < warm) step.run();
        long n = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            step.run();
            n++;
        }
        double nsPerPacket = (System.nanoTime() - start) / (double) (n * PACKETS);
        System.out.printf(Locale.ROOT, "{\"round\":%d,\"size\":%d,\"step\":\"%s\",\"nsPerPacket\":%.1f}%n",
                round, size, what, nsPerPacket);
    }
}
