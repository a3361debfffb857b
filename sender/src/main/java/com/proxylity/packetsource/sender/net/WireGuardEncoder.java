package com.proxylity.packetsource.sender.net;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.wireguard.SealResult;
import com.proxylity.packetsource.sender.wg.WireGuardPort;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Stage 7 for {@code wg} (package comment of {@code com.proxylity.packetsource.sender}).
 * WireGuard: the payload is an inner IP packet, sealed for the peer's session and sent to the
 * session's authenticated endpoint (docs/architecture.md#authenticated-endpoint), which must pass the sender's egress rule too.
 */
class WireGuardEncoder implements OutboundEncoder {
    private final WireGuardPort wireGuard;
    /** Null: no check. */
    private final EgressPolicy endpointPolicy;

    WireGuardEncoder(WireGuardPort wireGuard, EgressPolicy endpointPolicy) {
        this.wireGuard = Objects.requireNonNull(wireGuard, "a WireGuard Listener needs its engine");
        this.endpointPolicy = endpointPolicy;
    }

    @Override
    public int datagramSize(int payloadLength) {
        return wireGuard.sealedSize(payloadLength);
    }

    @Override
    public SealResult encode(Outbound out, int slot, ByteBuf buf, long nowNanos) {
        ByteBuffer inner = ByteBuffer.wrap(out.payload(slot), out.payloadOffset(slot), out.payloadLength(slot));
        SealResult s = wireGuard.seal(out.peerKey(slot), inner, buf, nowNanos);
        if (s.isSealed() && endpointPolicy != null && !endpointPolicy.permits(s.endpoint().getAddress())) {
            // The peer roamed to (or spoofed) a denied address: its counter is spent, nothing leaves.
            return SealResult.discarded(DiscardReason.EgressDenied);
        }
        return s;
    }
}
