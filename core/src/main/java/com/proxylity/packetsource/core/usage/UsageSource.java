package com.proxylity.packetsource.core.usage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Whom a message's packets are counted for: the customer that owns its Packet Source and a
 * short id of that source. The short id, not the topic ARN, crosses the states with each
 * message: every byte it takes comes out of the state size reserve (docs/usage.md).
 *
 * @param customerId the owner, or {@link #OPERATOR} for a source the operator registered
 * @param sourceId {@link #sourceIdOf} the source's topic ARN
 */
public record UsageSource(String customerId, String sourceId) {
    /** The customer id of sources no customer owns; customer ids never contain it. */
    public static final String OPERATOR = "-";
    private static final int SOURCE_ID_HEX = 16;

    public UsageSource {
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(sourceId, "sourceId");
    }

    /** The source of a registered Packet Source. */
    public static UsageSource of(String customerId, String topicArn) {
        return new UsageSource(customerId == null ? OPERATOR : customerId, sourceIdOf(topicArn));
    }

    /** 64 bits of SHA-256 over the topic ARN, hex: stable across regions, deployments and runs. */
    public static String sourceIdOf(String topicArn) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(topicArn.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, SOURCE_ID_HEX / 2);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The form the states carry: {@code <customerId>/<sourceId>} (customer ids have no '/'). */
    public String wire() {
        return customerId + "/" + sourceId;
    }

    /** The inverse of {@link #wire}; null for anything else, so a damaged value is counted for no one. */
    public static UsageSource parse(String wire) {
        if (wire == null) return null;
        int slash = wire.indexOf('/');
        if (slash <= 0 || slash == wire.length() - 1 || wire.indexOf('/', slash + 1) >= 0) return null;
        return new UsageSource(wire.substring(0, slash), wire.substring(slash + 1));
    }
}
