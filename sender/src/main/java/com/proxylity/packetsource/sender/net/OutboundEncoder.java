package com.proxylity.packetsource.sender.net;

import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.wireguard.SealResult;
import com.proxylity.packetsource.sender.wg.WireGuardPort;
import io.netty.buffer.ByteBuf;

/**
 * Stage 7 of the send path (package comment of {@code com.proxylity.packetsource.sender}), the
 * one place a listener type shapes its outbound datagrams: {@link BatchWriter} asks it how much
 * room a packet needs and has it write the datagram, then applies what every type shares (the
 * socket's address family, the write itself). Called on the Listener's event loop only.
 */
public interface OutboundEncoder {
    /**
     * Bytes of the datagram for a payload of {@code payloadLength}. 0 means an empty datagram,
     * which the send path hands to the kernel itself (Netty's channels skip empty writes).
     */
    int datagramSize(int payloadLength);

    /**
     * Writes slot {@code slot} of {@code out} into {@code buf} and says where it goes (the
     * destination as the caller gave it, or a WireGuard session's endpoint), or why it cannot
     * be sent; then nothing is to be sent and the caller releases {@code buf}.
     */
    SealResult encode(Outbound out, int slot, ByteBuf buf, long nowNanos);

    /**
     * The encoder for a Listener of {@code type}; {@code wireGuard} is null for plain UDP.
     * {@code endpointPolicy} (null: none) is the sender's egress rule, which a sealed packet's
     * session endpoint must pass: applied here, where that endpoint is first known.
     */
    static OutboundEncoder forType(ListenerType type, WireGuardPort wireGuard, EgressPolicy endpointPolicy) {
        return switch (type) {
            case UDP -> new PlainUdpEncoder();
            case WG -> new WireGuardEncoder(wireGuard, endpointPolicy);
            case WG_DECAP -> new InnerFrameEncoder(wireGuard, endpointPolicy);
        };
    }
}
