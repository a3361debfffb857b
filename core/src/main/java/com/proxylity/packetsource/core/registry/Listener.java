package com.proxylity.packetsource.core.registry;

import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.ListenerType;
import java.util.List;

/**
 * A Listener: the public UDP endpoint packets leave from. The WireGuard private key is not here:
 * it lives with the sender (Secrets Manager in AWS), which is the only process that needs it.
 *
 * @param publicKey base64 WireGuard public key, null for plain UDP
 * @param senderEndpoint where the egress API of the sender that owns this Listener is served
 * @param families the remote address families the Listener's socket sends to; Format discards
 *     any other Remote as {@code AddressFamilyUnreachable}. Null: IPv4 only (the sender's default bind)
 * @param owner the customer id the operator assigned the Listener to, or null for none: only that
 *     customer's Packet Sources may send from it (docs/architecture.md#tenancy)
 */
public record Listener(String name, ListenerType type, int port, List<String> publicAddresses,
                       String publicKey, String senderEndpoint, AddressFamilies families, String owner) {
    public Listener {
        publicAddresses = publicAddresses == null ? List.of() : List.copyOf(publicAddresses);
        families = families == null ? AddressFamilies.defaultFamilies() : families;
    }

    /** A Listener assigned to no customer. */
    public Listener(String name, ListenerType type, int port, List<String> publicAddresses,
                    String publicKey, String senderEndpoint, AddressFamilies families) {
        this(name, type, port, publicAddresses, publicKey, senderEndpoint, families, null);
    }

    /** An IPv4-only Listener (the sender's default bind address is 0.0.0.0), assigned to no customer. */
    public Listener(String name, ListenerType type, int port, List<String> publicAddresses,
                    String publicKey, String senderEndpoint) {
        this(name, type, port, publicAddresses, publicKey, senderEndpoint, null, null);
    }

    /** The same Listener assigned to {@code customerId} (null: to none). */
    public Listener ownedBy(String customerId) {
        return new Listener(name, type, port, publicAddresses, publicKey, senderEndpoint, families, customerId);
    }
}
