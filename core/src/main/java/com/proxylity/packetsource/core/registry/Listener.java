package com.proxylity.packetsource.core.registry;

import com.proxylity.packetsource.core.contract.ListenerType;
import java.util.List;

/**
 * A Listener: the public UDP endpoint packets leave from. The WireGuard private key is not here:
 * it lives with the sender (Secrets Manager in AWS), which is the only process that needs it.
 *
 * @param publicKey base64 WireGuard public key, null for plain UDP
 * @param senderEndpoint where the egress API of the sender that owns this Listener is served
 */
public record Listener(String name, ListenerType type, int port, List<String> publicAddresses,
                       String publicKey, String senderEndpoint) {
    public Listener {
        publicAddresses = publicAddresses == null ? List.of() : List.copyOf(publicAddresses);
    }
}
