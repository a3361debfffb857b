package com.proxylity.packetsource.core.wireguard;

/** An inner IP packet a peer sent us (padding removed when the IP header gives the length). */
public record DeliveredPacket(PeerKey peer, byte[] packet) {}
