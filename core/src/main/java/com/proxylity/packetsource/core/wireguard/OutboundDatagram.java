package com.proxylity.packetsource.core.wireguard;

import java.net.InetSocketAddress;

/** A datagram the caller must send from the Listener socket: a handshake response, cookie reply or keepalive. */
public record OutboundDatagram(byte[] bytes, InetSocketAddress to) {}
