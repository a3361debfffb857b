package com.proxylity.packetsource.functions.resource;

/** An STS or SNS call made for a customer failed; {@link Kind} is what the resource reacts to. */
public final class CustomerCallException extends RuntimeException {
    public enum Kind { ACCESS_DENIED, NOT_FOUND, INVALID_PARAMETER, OTHER }

    private final Kind kind;
    private final String action;

    /** @param action the API action, as IAM names it (sts:AssumeRole, sns:Subscribe, ...) */
    public CustomerCallException(Kind kind, String action, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.action = action;
    }

    public Kind kind() { return kind; }

    public String action() { return action; }
}
