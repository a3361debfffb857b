package com.proxylity.packetsource.sender.wg;

import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import java.time.Clock;

/** Makes the WireGuard engine of one Listener; session events go to {@code sessions}. */
@FunctionalInterface
public interface WireGuardPorts {
    /** No engine: every WireGuard packet is NoSession. */
    WireGuardPorts NONE = (listener, senderId, sessions, clock) -> new NoWireGuard();

    WireGuardPort create(ListenerConfig listener, String senderId, SessionDirectory sessions, Clock clock);
}
