package com.proxylity.packetsource.core.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.Base64;
import java.security.SecureRandom;

/**
 * ApiKeys of the {@code Custom::ProxylityUdpGatewayPacketSource} resource: {@code <customerId>.<secret>},
 * the secret at least 32 characters of base64url. The customer id part finds the customer; the
 * whole key is then compared by its SHA-256 in constant time. The key itself is never stored.
 */
public final class ApiKeys {
    /** Every customer's ExternalId starts with this (the provider role may only assume roles asking for it). */
    public static final String EXTERNAL_ID_PREFIX = "psx-";
    public static final int MAX_LENGTH = 256;
    /** A customer id: the first part of its ApiKeys, and the owner named in its resources' ids. */
    public static final String CUSTOMER_ID = "[a-z0-9][a-z0-9-]{0,62}";
    private static final Pattern ID = Pattern.compile(CUSTOMER_ID);
    private static final Pattern FORMAT = Pattern.compile("(" + CUSTOMER_ID + ")\\.([A-Za-z0-9_-]{32,190})");

    private ApiKeys() {}

    /** The customer id an ApiKey names, or empty if it is not shaped like an ApiKey. */
    public static Optional<String> customerId(String apiKey) {
        if (apiKey == null || apiKey.length() > MAX_LENGTH) return Optional.empty();
        var m = FORMAT.matcher(apiKey);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    public static boolean isCustomerId(String s) {
        return s != null && ID.matcher(s).matches();
    }

    /** Lowercase hex SHA-256 of the key, as stored in {@link Customer#apiKeySha256()}. */
    public static String sha256(String apiKey) {
        return HexFormat.of().formatHex(digest(apiKey));
    }

    /**
     * Whether the presented key hashes to the customer's current or previous key hash. Both are
     * always compared, each with {@link MessageDigest#isEqual} (time independent of where the
     * bytes differ), so the time does not tell which key matched or whether a previous key exists.
     */
    public static boolean matches(String presented, Customer customer) {
        if (presented == null || customer == null) return false;
        byte[] d = digest(presented);
        byte[] current = parse(customer.apiKeySha256());
        byte[] previous = parse(customer.previousApiKeySha256());
        boolean a = current != null && MessageDigest.isEqual(d, current);
        boolean b = MessageDigest.isEqual(d, previous == null ? NO_KEY : previous) && previous != null;
        return a | b;
    }

    /** Compared when there is no previous key: no digest of any input is all zero bits in practice. */
    private static final byte[] NO_KEY = new byte[32];

    private static byte[] parse(String hex) {
        if (hex == null) return null;
        try {
            byte[] b = HexFormat.of().parseHex(hex);
            return b.length == 32 ? b : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A new ApiKey for the customer: {@code <id>.<43 characters of base64url>} (256 random bits). */
    public static String generate(String customerId, SecureRandom random) {
        if (!isCustomerId(customerId)) throw new IllegalArgumentException("customer id must match " + CUSTOMER_ID + ": " + customerId);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return customerId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** A new ExternalId: {@value #EXTERNAL_ID_PREFIX} and 32 hex digits (128 random bits). */
    public static String generateExternalId(SecureRandom random) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return EXTERNAL_ID_PREFIX + HexFormat.of().formatHex(b);
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
