package com.proxylity.packetsource.sender.config;

import com.proxylity.packetsource.core.contract.ListenerType;
import java.util.List;
import java.util.Objects;

/**
 * One Listener socket the sender binds.
 *
 * @param bindAddress local address to bind (an IP literal); the Listener's public address is
 *     whatever the network in front maps to it
 * @param port local port; 0 binds an ephemeral port (tests, local mode)
 * @param privateKey WireGuard static private key (32 bytes), null for {@code udp}; never logged
 * @param allowedPeers base64 public keys of peers allowed to handshake; empty allows none
 * @param owner the customer id the operator assigned the Listener to, null for none; the sender
 *     records it with the Listener (docs/architecture.md#tenancy)
 */
public record ListenerConfig(String name, ListenerType type, String bindAddress, int port,
                             byte[] privateKey, List<String> allowedPeers, String owner) {
    public ListenerConfig {
        Objects.requireNonNull(name, "listener name");
        Objects.requireNonNull(type, "listener type");
        bindAddress = bindAddress == null ? "0.0.0.0" : bindAddress;
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("listener " + name + ": port " + port);
        if (type.isWireGuard() && (privateKey == null || privateKey.length != 32)) {
            throw new IllegalArgumentException("listener " + name + ": WireGuard needs a 32-byte private key");
        }
        privateKey = privateKey == null ? null : privateKey.clone();
        allowedPeers = allowedPeers == null ? List.of() : List.copyOf(allowedPeers);
    }

    /** A Listener assigned to no customer. */
    public ListenerConfig(String name, ListenerType type, String bindAddress, int port,
                          byte[] privateKey, List<String> allowedPeers) {
        this(name, type, bindAddress, port, privateKey, allowedPeers, null);
    }

    public static ListenerConfig udp(String name, String bindAddress, int port) {
        return new ListenerConfig(name, ListenerType.UDP, bindAddress, port, null, List.of());
    }

    @Override
    public byte[] privateKey() {
        return privateKey == null ? null : privateKey.clone();
    }

    @Override
    public String toString() {
        return "ListenerConfig[name=" + name + ", type=" + type.wireName() + ", bind=" + bindAddress + ":" + port
                + ", privateKey=" + (privateKey == null ? "none" : "<redacted>")
                + ", allowedPeers=" + allowedPeers.size() + ", owner=" + owner + "]";
    }
}
