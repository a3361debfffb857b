package com.proxylity.packetsource.local.stepfunctions;

/** A state machine execution that failed (a Fail state, or an error no Catch handled). */
public final class StateFailure extends Exception {
    private final String error;

    public StateFailure(String error, String cause, Throwable source) {
        super(error + ": " + cause, source);
        this.error = error;
    }

    public String error() { return error; }
}
