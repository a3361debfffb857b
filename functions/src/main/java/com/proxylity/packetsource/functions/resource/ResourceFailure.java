package com.proxylity.packetsource.functions.resource;

/** A request the resource refuses: its message is the FAILED reason CloudFormation shows the customer. */
public final class ResourceFailure extends Exception {
    public ResourceFailure(String reason) {
        super(reason, null, false, false);
    }

    public String reason() {
        return getMessage();
    }
}
