package com.proxylity.packetsource.functions.runtime;

import com.proxylity.packetsource.core.egress.EgressPolicy;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.core.session.SessionDirectory;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * What the no-argument (Lambda) constructors build from environment variables. Everything here
 * is created once per execution environment (the handlers are constructed once). Variables:
 * <ul>
 *   <li>{@code AWS_REGION} (set by Lambda): this deployment's region; EgressRegion must name it</li>
 *   <li>{@code PACKET_SOURCE_TABLE_PACKET_SOURCES}, {@code PACKET_SOURCE_TABLE_LISTENERS},
 *       {@code PACKET_SOURCE_TABLE_SESSIONS}: the registry and session tables</li>
 *   <li>{@code PACKET_SOURCE_MAX_AGE_SECONDS}: deployment max age for sources without one (0: off)</li>
 *   <li>{@code PACKET_SOURCE_EGRESS_ALLOW_CIDRS}: comma-separated CIDRs exempt from the egress deny list</li>
 *   <li>{@code PACKET_SOURCE_EGRESS_KEY_SECRET_ARN}: Secrets Manager secret holding the egress HMAC
 *       key (SecretBinary, or SecretString as base64); or, for development only,
 *       {@code PACKET_SOURCE_EGRESS_KEY} (base64)</li>
 *   <li>{@code PACKET_SOURCE_EGRESS_TIMEOUT_MS}: per request to the sender (default 10000)</li>
 * </ul>
 */
public final class Environment {
    public static final String REGION = "AWS_REGION";
    public static final String MAX_AGE_SECONDS = "PACKET_SOURCE_MAX_AGE_SECONDS";
    public static final String EGRESS_ALLOW_CIDRS = "PACKET_SOURCE_EGRESS_ALLOW_CIDRS";
    public static final String EGRESS_KEY_SECRET_ARN = "PACKET_SOURCE_EGRESS_KEY_SECRET_ARN";
    public static final String EGRESS_KEY = "PACKET_SOURCE_EGRESS_KEY";
    public static final String EGRESS_TIMEOUT_MS = "PACKET_SOURCE_EGRESS_TIMEOUT_MS";

    private Environment() {}

    public static String region() {
        return required(REGION);
    }

    public static Registry registry() {
        throw new UnsupportedOperationException("DynamoDB registry: merged from the dynamodb module");
    }

    public static SessionDirectory sessionDirectory() {
        throw new UnsupportedOperationException("DynamoDB session directory: merged from the dynamodb module");
    }

    public static EgressPolicy egressPolicy() {
        throw new UnsupportedOperationException("egress policy: merged from core");
    }

    public static SubscriptionConfirmer subscriptionConfirmer() {
        return new SnsSubscriptionConfirmer();
    }

    public static RateLimiter rateLimiter() {
        return new TokenBucketRateLimiter(Clock.systemUTC());
    }

    public static EgressTransport egressTransport() {
        long timeout = Long.parseLong(optional(EGRESS_TIMEOUT_MS, "10000"));
        return new HttpEgressTransport(EgressKey.load(), Clock.systemUTC(), Duration.ofMillis(timeout));
    }

    static long maxAgeSeconds() {
        return Long.parseLong(optional(MAX_AGE_SECONDS, "0"));
    }

    static String required(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) throw new IllegalStateException("environment variable " + name + " is not set");
        return v;
    }

    static String optional(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    static byte[] base64(String value, String what) {
        try {
            return Base64.getDecoder().decode(value.trim());
        } catch (IllegalArgumentException e) {
            // Never echo the value: it is key material.
            throw new IllegalStateException(what + " is not base64");
        }
    }
}
