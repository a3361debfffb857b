package com.proxylity.packetsource.core.registry;

import java.util.Objects;

/**
 * A customer: who owns ApiKeys and whose roles we may assume. Only the SHA-256 of the ApiKey is
 * kept (ApiKeys are high-entropy random tokens, so a fast hash is enough; see {@link ApiKeys}).
 *
 * @param id the customer id, also the first part of each of its ApiKeys ({@code <id>.<secret>})
 * @param apiKeySha256 lowercase hex SHA-256 of the ApiKey
 * @param externalId the sts:ExternalId our AssumeRole calls carry for this customer (confused-deputy
 *                   protection); always starts with {@value ApiKeys#EXTERNAL_ID_PREFIX}
 */
public record Customer(String id, String apiKeySha256, String externalId) {
    public Customer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(apiKeySha256, "apiKeySha256");
        Objects.requireNonNull(externalId, "externalId");
        if (!externalId.startsWith(ApiKeys.EXTERNAL_ID_PREFIX)) {
            throw new IllegalArgumentException("a customer's ExternalId must start with " + ApiKeys.EXTERNAL_ID_PREFIX);
        }
    }

    /** Never the hash: a record's own toString would print it wherever a customer is logged. */
    @Override
    public String toString() {
        return "Customer[" + id + "]";
    }
}
