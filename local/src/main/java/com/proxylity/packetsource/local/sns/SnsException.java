package com.proxylity.packetsource.local.sns;

/** An SNS API error with the code and HTTP status AWS uses for it; the message is client-safe. */
public final class SnsException extends Exception {
    private final int status;
    private final String code;

    public SnsException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public static SnsException invalidParameter(String message) {
        return new SnsException(400, "InvalidParameter", "Invalid parameter: " + message);
    }

    public static SnsException notFound(String message) {
        return new SnsException(404, "NotFound", message);
    }

    public int status() { return status; }

    public String code() { return code; }

    /** Sender faults are 4xx; the SDK retries only receiver faults. */
    public String faultType() { return status >= 500 ? "Receiver" : "Sender"; }
}
