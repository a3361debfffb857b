package com.proxylity.packetsource.core.egressapi;

/**
 * The rule for a signed request's deadline (docs/architecture.md#egress-api): it lies after the
 * request's signed timestamp and no further from it than the clock window, so no signature makes
 * a request live longer than the window already allows; and the sender sends nothing once its
 * own clock is past it. Both instants are the client's clock read against the server's, as the
 * timestamp is; the clocks must agree to well within the egress timeout (docs/sender.md).
 */
public final class EgressDeadline {
    public enum Verdict { Ok, Malformed, Expired }

    private EgressDeadline() {}

    /**
     * @param timestampMillis the request's verified X-PS-Timestamp
     * @param deadline the request's deadline, null when it carries none (accepted: the version-1 form)
     */
    public static Verdict check(long timestampMillis, Long deadline, long nowMillis, long windowMillis) {
        if (deadline == null) return Verdict.Ok;
        if (deadline < timestampMillis || deadline - timestampMillis > windowMillis) return Verdict.Malformed;
        return nowMillis > deadline ? Verdict.Expired : Verdict.Ok;
    }
}
