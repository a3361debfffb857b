package com.proxylity.packetsource.functions.resource;

import com.proxylity.packetsource.core.registry.ApiKeys;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Physical ids, derived (never random) so that CloudFormation's retry of a Create gets the same
 * id, hence the same registration. No property is part of the id, so every Update is in place and
 * CloudFormation undoes it with another Update (a replacement it would undo by deleting the new
 * resource, which by then holds the topic).
 *
 * <p>Every id of a customer's resource names its owner, {@code psrc-<customerId>-<hash>}: the
 * event's StackId, LogicalResourceId and PhysicalResourceId are whatever the invoker wrote, so
 * ownership is never inferred from them. An Update or Delete acts only on ids whose owner is the
 * customer its ApiKey authenticated (docs/architecture.md#tenancy). A Create whose ApiKey did
 * not authenticate answers with an id that names no one ({@code psrc-<hash>}).
 */
public final class PhysicalIds {
    public static final String PREFIX = "psrc-";
    private static final Pattern OWNED = Pattern.compile(PREFIX + "(" + ApiKeys.CUSTOMER_ID + ")-([0-9a-f]{32})");

    private PhysicalIds() {}

    /** The id of a customer's resource. */
    public static String of(String customerId, String stackId, String logicalId) {
        if (!ApiKeys.isCustomerId(customerId)) {
            throw new IllegalArgumentException("not a customer id");
        }
        return PREFIX + customerId + "-" + hash(stackId, logicalId);
    }

    /** The id of a request no customer was authenticated for: it owns nothing, ever. */
    public static String unowned(String stackId, String logicalId) {
        return PREFIX + hash(stackId, logicalId);
    }

    /** The customer an id belongs to; empty for an unowned id or anything else. */
    public static Optional<String> owner(String physicalId) {
        if (physicalId == null) return Optional.empty();
        var m = OWNED.matcher(physicalId);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    public static boolean ownedBy(String physicalId, String customerId) {
        return customerId != null && owner(physicalId).filter(customerId::equals).isPresent();
    }

    private static String hash(String stackId, String logicalId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((nz(stackId) + "\n" + nz(logicalId))
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
