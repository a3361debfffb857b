package com.proxylity.packetsource.core.egressapi;

/** What happened to one packet: handed to the kernel, or discarded with a reason. */
public enum EgressOutcome {
    Sent,
    Discarded
}
