package com.proxylity.packetsource.sender.config;

/**
 * Where WireGuard session metadata is published: {@code memory} (local mode, tests) or
 * {@code dynamodb} (AWS; {@code table} names the sessions table, region from the environment).
 */
public record SessionStoreConfig(String type, String table) {
    public static final SessionStoreConfig MEMORY = new SessionStoreConfig("memory", null);

    public SessionStoreConfig {
        type = type == null ? "memory" : type;
    }
}
