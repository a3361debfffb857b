package com.proxylity.packetsource.core.testing;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A datagram a socket inside a peer's namespace received: the inner source as the kernel saw it. */
public record ReceivedDatagram(InetAddress sourceAddress, int sourcePort, byte[] payload) {
    public InetSocketAddress source() {
        return new InetSocketAddress(sourceAddress, sourcePort);
    }

    public String payloadUtf8() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
