package com.proxylity.packetsource.sender.net;

import com.proxylity.packetsource.core.wireguard.SealResult;
import io.netty.buffer.ByteBuf;

/**
 * Stage 7 for plain UDP (package comment of {@code com.proxylity.packetsource.sender}): the
 * payload is the datagram, sent to the destination the request names.
 */
final class PlainUdpEncoder implements OutboundEncoder {
    @Override
    public int datagramSize(int payloadLength) {
        return payloadLength;
    }

    @Override
    public SealResult encode(Outbound out, int slot, ByteBuf buf, long nowNanos) {
        int length = out.payloadLength(slot);
        buf.writeBytes(out.payload(slot), out.payloadOffset(slot), length);
        return SealResult.sealed(out.destination(slot), length);
    }
}
