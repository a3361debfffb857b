package com.proxylity.packetsource.core.session;

import java.util.Map;

/**
 * Which WireGuard peer of a Listener was last seen at which endpoint, from the session records
 * of every task. A transport message names only our receiver index, never its sender, so a task
 * that receives one for a session it does not hold (it restarted, or the peer's flow moved here)
 * learns the peer to initiate to from here (docs/wireguard.md, "Recovery"). Flow and task
 * records are not peers and are never returned.
 */
public interface PeerLocator {
    /** Endpoint ({@code addr:port}, {@code [v6]:port}) to peer key, the newest handshake winning. */
    Map<String, String> peersByEndpoint(String listenerName);
}
