package com.proxylity.packetsource.sender.registry;

import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.dynamodb.DynamoDbRegistryWriter;
import com.proxylity.packetsource.sender.Sender;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The sender records its Listeners in the registry at start (the deployment's decision,
 * docs/deployment.md): it is the only process that knows a WireGuard Listener's public key
 * without reading the private key, and the endpoint that serves the Listener. Written with
 * UpdateItem, so an operator's AllowedPeers on the item stay.
 */
public final class ListenerRegistration {
    private ListenerRegistration() {}

    /**
     * @param endpoint base URL of this sender's egress API as the Egress function reaches it
     * @param publicAddresses the addresses clients talk to (the NLB's Elastic IPs)
     */
    public static List<Listener> listeners(Sender sender, SenderConfig config, String endpoint, List<String> publicAddresses) {
        List<Listener> out = new ArrayList<>();
        for (ListenerConfig lc : config.listeners()) {
            // The NLB forwards each Listener port to the same port on the task.
            int port = lc.port() != 0 ? lc.port() : sender.listenerAddress(lc.name()).getPort();
            String publicKey = lc.type().isWireGuard() ? sender.wireGuardPublicKey(lc.name()) : null;
            out.add(new Listener(lc.name(), lc.type(), port, publicAddresses, publicKey, endpoint).ownedBy(lc.owner()));
        }
        return out;
    }

    public static void register(DynamoDbRegistryWriter writer, List<Listener> listeners) {
        for (Listener l : listeners) writer.updateListener(l);
    }
}
