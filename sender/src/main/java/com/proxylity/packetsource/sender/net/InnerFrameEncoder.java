package com.proxylity.packetsource.sender.net;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.frame.InnerFrame;
import com.proxylity.packetsource.core.wireguard.SealResult;
import com.proxylity.packetsource.sender.wg.WireGuardPort;
import io.netty.buffer.ByteBuf;

/**
 * Stage 7 for {@code wg-decap} (package comment of {@code com.proxylity.packetsource.sender}).
 * WireGuard with DecapsulatedDelivery: the pipeline built an inner IP/UDP frame (docs/architecture.md#inner-frames);
 * one that is not shaped like one is refused before sealing, so it never spends a counter and
 * the peer never receives a packet its kernel would drop.
 */
final class InnerFrameEncoder extends WireGuardEncoder {
    InnerFrameEncoder(WireGuardPort wireGuard, EgressPolicy endpointPolicy) {
        super(wireGuard, endpointPolicy);
    }

    @Override
    public SealResult encode(Outbound out, int slot, ByteBuf buf, long nowNanos) {
        if (!InnerFrame.isUdpFrame(out.payload(slot), out.payloadOffset(slot), out.payloadLength(slot))) {
            return SealResult.discarded(DiscardReason.MalformedMessage);
        }
        return super.encode(out, slot, buf, nowNanos);
    }
}
