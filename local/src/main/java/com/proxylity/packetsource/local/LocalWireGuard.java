package com.proxylity.packetsource.local;

import com.proxylity.packetsource.sender.wg.WireGuardPorts;

/**
 * The WireGuard engine local mode gives the sender's WireGuard Listeners: the sender's own
 * default (the core engine answering handshakes on the Listener socket), so local mode runs the
 * same WireGuard code as the deployed sender. Tests of plain UDP paths may pass
 * {@link WireGuardPorts#NONE} instead.
 */
public final class LocalWireGuard {
    private LocalWireGuard() {}

    /** null: the sender's default engine. */
    public static WireGuardPorts ports() {
        return null;
    }
}
