package com.proxylity.packetsource.core.contract;

/** Why one entry cannot be sent; {@code detail} names fields, never payload bytes or keys. */
public record EntryProblem(DiscardReason reason, String detail) {
}
