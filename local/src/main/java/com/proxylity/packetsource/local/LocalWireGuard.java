package com.proxylity.packetsource.local;

import com.proxylity.packetsource.sender.wg.WireGuardPorts;

/**
 * The WireGuard engine local mode gives the sender's WireGuard Listeners. Until the engine is
 * wired into the sender, a WireGuard Listener binds its socket but has no sessions, so every
 * packet for it is discarded as NoSession (counted), never silently dropped.
 */
public final class LocalWireGuard {
    private LocalWireGuard() {}

    public static WireGuardPorts ports() {
        return WireGuardPorts.NONE;
    }
}
