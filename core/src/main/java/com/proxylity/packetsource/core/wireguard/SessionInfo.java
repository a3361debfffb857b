package com.proxylity.packetsource.core.wireguard;

import java.net.InetSocketAddress;

/**
 * The sending session of one peer as of a given time.
 *
 * @param endpoint the peer's last authenticated endpoint
 * @param establishedNanos when the current keypair was derived (handshake time)
 * @param expiresNanos establishedNanos + RejectAfterTime: no packet is sealed with it after this
 * @param sentMessages counters handed out so far on the current keypair
 */
public record SessionInfo(PeerKey peer, InetSocketAddress endpoint, long establishedNanos, long expiresNanos,
                          long sentMessages) {}
