package com.proxylity.packetsource.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.snsauth.EnvelopeVerifier;
import com.proxylity.packetsource.core.snsauth.SnsSignatureVerifier;
import com.proxylity.packetsource.local.sns.LocalSigningKey;
import java.net.URI;

/**
 * The benchmarks' envelopes are signed as SNS signs, with a key made for the run, so the
 * measured Validate includes signature verification as deployed (its certificate cached).
 */
public final class BenchSigning {
    private static final LocalSigningKey KEY = bound();

    private BenchSigning() {}

    private static LocalSigningKey bound() {
        LocalSigningKey k = LocalSigningKey.generate();
        k.bind(URI.create("http://127.0.0.1:1"));
        return k;
    }

    public static ObjectNode sign(ObjectNode envelope) {
        return KEY.signer().sign(envelope);
    }

    public static EnvelopeVerifier verifier() {
        return new SnsSignatureVerifier(KEY.trust());
    }
}
