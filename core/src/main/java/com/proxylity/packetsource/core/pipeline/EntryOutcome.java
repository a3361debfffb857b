package com.proxylity.packetsource.core.pipeline;

/** What one entry became in a stage: a packet still on its way, or a discard. */
public sealed interface EntryOutcome permits ReadyPacket, Discard {
    String id();
}
