package com.proxylity.packetsource.core.contract;

/**
 * Why a packet (or a whole message) was not sent. A closed set: it is the one metric
 * dimension operators alarm on, so adding a value is a contract change (docs/architecture.md#discard-reasons).
 */
public enum DiscardReason {
    MalformedMessage,
    UnknownTopic,
    SourceDisabled,
    BadFormatter,
    DecodeError,
    MalformedRemote,
    EgressDenied,
    /** Remote.Address is of a family the Listener's socket cannot send to (IPv6 on an IPv4 Listener, or the reverse). */
    AddressFamilyUnreachable,
    TooLarge,
    NoSession,
    SessionExpired,
    MissingInner,
    RateLimited,
    Stale,
    SendError,
    /** Not an envelope SNS signed: raw delivery, no or a wrong signature, a certificate we do not trust. */
    BadSignature,
    /**
     * A plain UDP packet no live task can send through a live NLB flow: the remote has not sent
     * to the Listener within the flow window, or the task that holds its flow is gone. Sent
     * anyway it would leave from the task's own address and die in the VPC.
     */
    NoFlow
}
