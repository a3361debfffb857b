package com.proxylity.packetsource.cdk;

/** The sender's TCP port: the egress API and {@code GET /health} (sender module, docs/sender.md). */
public final class SenderPorts {
    public static final int EGRESS_API = 8080;
    public static final String HEALTH_PATH = "/health";

    private SenderPorts() {}
}
