package com.proxylity.packetsource.cdk;

import com.proxylity.packetsource.core.contract.ListenerType;
import java.util.List;
import java.util.regex.Pattern;
import java.util.Locale;

/**
 * A Listener as the app's configuration declares it (context {@code listeners}).
 *
 * @param protocol {@code udp} or {@code wg}
 * @param decapsulated WireGuard DecapsulatedDelivery
 * @param allowedPeers WireGuard peers allowed to handshake (base64 public keys); the sender
 *        reloads them from its configuration, so they change without replacing the sender
 * @param owner the customer id the Listener is assigned to, or null for none: only that customer's
 *        Packet Sources may send from it (docs/architecture.md#tenancy); the sender records it
 */
public record ListenerSpec(String name, String protocol, boolean decapsulated, int port, List<String> allowedPeers,
                           String owner) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Pattern CUSTOMER = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** A Listener assigned to no customer. */
    public ListenerSpec(String name, String protocol, boolean decapsulated, int port, List<String> allowedPeers) {
        this(name, protocol, decapsulated, port, allowedPeers, null);
    }

    public ListenerSpec {
        if (owner != null && !CUSTOMER.matcher(owner).matches()) {
            throw new IllegalArgumentException("listener " + name + ": owner must be a customer id (a-z 0-9 -)");
        }
        allowedPeers = allowedPeers == null ? List.of() : List.copyOf(allowedPeers);
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("listener name must be 1-32 of a-z 0-9 - : " + name);
        }
        try {
            ListenerType.of(protocol, decapsulated);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("listener " + name + ": " + e.getMessage());
        }
        // 1024+: the sender runs as a non-root user and cannot bind lower ports (NLB maps them 1:1).
        if (port < 1024 || port > 65_535) throw new IllegalArgumentException("listener " + name + ": port must be 1024-65535");
        if (port == SenderPorts.EGRESS_API) throw new IllegalArgumentException("listener " + name + ": port is the egress API's");
    }

    /** The Listener's type, from its protocol and DecapsulatedDelivery. */
    public ListenerType type() {
        return ListenerType.of(protocol, decapsulated);
    }

    /** The sender's Listener type: its wire name. */
    public String senderType() {
        return type().wireName();
    }

    public boolean wireGuard() {
        return type().isWireGuard();
    }

    /** Secrets Manager name of a WireGuard Listener's private key (created by the operator, docs/deployment.md). */
    public String privateKeySecretName() {
        return "packet-source/wireguard/" + name;
    }

    /** Environment variable the ECS task injects the private key as. */
    public String privateKeyEnv() {
        return "PS_WG_KEY_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
