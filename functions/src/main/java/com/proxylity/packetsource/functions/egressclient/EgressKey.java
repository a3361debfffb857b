package com.proxylity.packetsource.functions.egressclient;

import java.util.Base64;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * The egress HMAC key, read once per execution environment: from Secrets Manager when
 * {@code PACKET_SOURCE_EGRESS_KEY_SECRET_ARN} is set (the function's role may read only that
 * secret), else from {@code PACKET_SOURCE_EGRESS_KEY} (development). Rotation: the sender accepts
 * the new key first; a 401 meanwhile is retried, and a cold start picks up the new value.
 */
public final class EgressKey {
    private EgressKey() {}

    /** The key stored in Secrets Manager secret {@code secretArn}: SecretBinary, or SecretString as base64. */
    public static byte[] fromSecret(String secretArn) {
        try (SecretsManagerClient sm = SecretsManagerClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
            GetSecretValueResponse r = sm.getSecretValue(b -> b.secretId(secretArn));
            SdkBytes binary = r.secretBinary();
            if (binary != null) return binary.asByteArray();
            return base64(r.secretString(), "egress key secret");
        }
    }

    /** A development key given as base64 in variable {@code what} (named in the error, the value never is). */
    public static byte[] fromBase64(String value, String what) {
        return base64(value, what);
    }

    private static byte[] base64(String value, String what) {
        try {
            return Base64.getDecoder().decode(value.trim());
        } catch (IllegalArgumentException e) {
            // Never echo the value: it is key material.
            throw new IllegalStateException(what + " is not base64");
        }
    }
}
