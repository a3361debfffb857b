package com.proxylity.packetsource.functions.resource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Physical ids, derived (never random) so that CloudFormation's retry of a Create gets the same
 * id, hence the same registration. The stack id is CloudFormation's (it carries the customer's
 * account), so one customer cannot name another's resource. The Listener is part of the id:
 * a new ListenerName is a replacement; a new topic or role is not.
 */
public final class PhysicalIds {
    public static final String PREFIX = "psrc-";

    private PhysicalIds() {}

    public static String of(String stackId, String logicalId, String listenerName) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((nz(stackId) + "\n" + nz(logicalId) + "\n" + nz(listenerName))
                    .getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
