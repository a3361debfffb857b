package com.proxylity.packetsource.core.registry;

import java.util.Objects;
import java.util.Set;

/**
 * A customer: who owns ApiKeys and whose roles we may assume. Only the SHA-256 of the ApiKey is
 * kept (ApiKeys are high-entropy random tokens, so a fast hash is enough; see {@link ApiKeys}).
 *
 * @param id the customer id, also the first part of each of its ApiKeys ({@code <id>.<secret>})
 * @param apiKeySha256 lowercase hex SHA-256 of the current ApiKey
 * @param externalId the sts:ExternalId our AssumeRole calls carry for this customer (confused-deputy
 *                   protection); always starts with {@value ApiKeys#EXTERNAL_ID_PREFIX}
 * @param accounts the customer's AWS account ids: its Packet Sources may name only topics and roles
 *                 of these accounts, so a role whose trust policy forgot the ExternalId still
 *                 cannot be used by another customer (docs/architecture.md#tenancy); none: the
 *                 customer can create nothing
 * @param previousApiKeySha256 the key a rotation replaced, still valid until the operator retires
 *                 it (so a customer can move its stacks to the new key without a refused
 *                 request); null: only the current key is valid
 * @param disabled the provider refuses the customer's Creates and Updates (its Deletes still
 *                 clean up)
 */
public record Customer(String id, String apiKeySha256, String externalId, Set<String> accounts,
                       String previousApiKeySha256, boolean disabled) {
    /** An enabled customer with one valid key. */
    public Customer(String id, String apiKeySha256, String externalId, Set<String> accounts) {
        this(id, apiKeySha256, externalId, accounts, null, false);
    }

    public Customer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(apiKeySha256, "apiKeySha256");
        Objects.requireNonNull(externalId, "externalId");
        if (!externalId.startsWith(ApiKeys.EXTERNAL_ID_PREFIX)) {
            throw new IllegalArgumentException("a customer's ExternalId must start with " + ApiKeys.EXTERNAL_ID_PREFIX);
        }
        accounts = accounts == null ? Set.of() : Set.copyOf(accounts);
        for (String a : accounts) {
            if (!a.matches("\\d{12}")) throw new IllegalArgumentException("an AWS account id is 12 digits");
        }
    }

    /** The same customer whose current key is {@code sha256}; the current one stays valid as the previous. */
    public Customer rotatedTo(String sha256) {
        return new Customer(id, sha256, externalId, accounts, apiKeySha256, disabled);
    }

    /** The same customer with only its current key valid. */
    public Customer retiringPrevious() {
        return new Customer(id, apiKeySha256, externalId, accounts, null, disabled);
    }

    public Customer withDisabled(boolean value) {
        return new Customer(id, apiKeySha256, externalId, accounts, previousApiKeySha256, value);
    }

    /** Whether an ARN ({@code arn:<partition>:<service>:<region>:<account>:...}) is in one of the customer's accounts. */
    public boolean owns(String arn) {
        if (arn == null) return false;
        String[] parts = arn.split(":", 6);
        return parts.length == 6 && accounts.contains(parts[4]);
    }

    /** Never the hash: a record's own toString would print it wherever a customer is logged. */
    @Override
    public String toString() {
        return "Customer[" + id + "]";
    }
}
