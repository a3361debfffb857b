package com.proxylity.packetsource.functions.runtime;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * The egress HMAC key, read once per execution environment: from Secrets Manager when
 * {@value Environment#EGRESS_KEY_SECRET_ARN} is set (the function's role may read only that
 * secret), else from {@value Environment#EGRESS_KEY} (development). Rotation: the sender accepts
 * the new key first; a 401 meanwhile is retried, and a cold start picks up the new value.
 */
final class EgressKey {
    private EgressKey() {}

    /** {@code secretArn} and {@code devKeyBase64} as {@link Environment} read them (null when unset). */
    static byte[] load(String secretArn, String devKeyBase64) {
        if (secretArn != null) {
            try (SecretsManagerClient sm = SecretsManagerClient.builder()
                    .httpClientBuilder(UrlConnectionHttpClient.builder()).build()) {
                GetSecretValueResponse r = sm.getSecretValue(b -> b.secretId(secretArn));
                SdkBytes binary = r.secretBinary();
                if (binary != null) return binary.asByteArray();
                return Environment.base64(r.secretString(), "egress key secret");
            }
        }
        if (devKeyBase64 == null) {
            throw new IllegalStateException("environment variable " + Environment.EGRESS_KEY + " is not set");
        }
        return Environment.base64(devKeyBase64, Environment.EGRESS_KEY);
    }
}
