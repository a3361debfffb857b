package com.proxylity.packetsource.functions.egressclient;

import com.proxylity.packetsource.core.egressapi.EgressKeySet;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * The egress HMAC key set, read once per execution environment (with SnapStart: once per published
 * version): from Secrets Manager when {@code PACKET_SOURCE_EGRESS_KEY_SECRET_ARN} is set (the
 * function's role may read only that secret), else from {@code PACKET_SOURCE_EGRESS_KEY}
 * (development). Egress signs with the set's current key under its id; rotation order is in
 * docs/runbook.md (the sender accepts a new key before any Egress version signs with it).
 */
public final class EgressKey {
    private EgressKey() {}

    /**
     * The set stored in Secrets Manager secret {@code secretArn}: SecretString as
     * {@link EgressKeySet#parse} reads it (a bare base64 key or the JSON set), or SecretBinary as
     * one raw key.
     */
    public static EgressKeySet fromSecret(String secretArn) {
        try (SecretsManagerClient sm = SecretsManagerClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            GetSecretValueResponse r = sm.getSecretValue(b -> b.secretId(secretArn));
            SdkBytes binary = r.secretBinary();
            if (binary != null) return EgressKeySet.single(binary.asByteArray());
            return parse(r.secretString(), "egress key secret");
        }
    }

    /** A development key set given in variable {@code what} (named in the error, the value never is). */
    public static EgressKeySet fromText(String value, String what) {
        return parse(value, what);
    }

    private static EgressKeySet parse(String value, String what) {
        try {
            return EgressKeySet.parse(value);
        } catch (IllegalArgumentException e) {
            // EgressKeySet's messages name fields only, never key material.
            throw new IllegalStateException(what + ": " + e.getMessage());
        }
    }
}
