package com.proxylity.packetsource.core.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

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
     * Whether the presented key hashes to the stored hash. Compared with
     * {@link MessageDigest#isEqual} (time independent of where the bytes differ).
     */
    public static boolean matches(String presented, Customer customer) {
        if (presented == null || customer == null) return false;
        byte[] stored;
        try {
            stored = HexFormat.of().parseHex(customer.apiKeySha256());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(digest(presented), stored);
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
