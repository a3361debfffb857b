package com.proxylity.packetsource.core.wireguard;

/**
 * Why a received datagram was ignored (inbound counters; not DiscardReasons, which count
 * packets we were asked to send). Every ignored datagram has exactly one.
 */
public enum InboundDrop {
    /** Too short, wrong size for its type, reserved bytes set, or unknown type. */
    MALFORMED,
    /** mac1 does not match our public key: not meant for this Listener, or tampered. */
    BAD_MAC1,
    /** Under load and mac2 missing or wrong: a cookie reply was sent instead. */
    COOKIE_REQUIRED,
    /** The initiation does not decrypt (wrong Listener key, tampered). */
    HANDSHAKE_FAILED,
    /** A valid initiation from a key that is not an allowed peer of this Listener. */
    UNKNOWN_PEER,
    /** TAI64N timestamp not after the last accepted one: a replayed initiation. */
    STALE_TIMESTAMP,
    /** More than one initiation per HANDSHAKE_INITIATION_RATE from a peer. */
    FLOOD,
    /** A response to no initiation of ours (or a stale one), and cookie replies (never honoured). */
    UNEXPECTED,
    /** A transport message for an index we do not have (expired, or never ours). */
    UNKNOWN_INDEX,
    /** A transport message on a keypair past RejectAfterTime. */
    KEYPAIR_EXPIRED,
    /** A transport message whose tag does not verify. */
    DECRYPT_FAILED,
    /** A duplicate or a counter too old for the replay window. */
    REPLAY
}
