package com.proxylity.packetsource.local.cmd;

import java.net.ConnectException;
import java.net.URI;

/**
 * A local endpoint that refuses connections: the SDK says only "Unable to execute HTTP request:
 * Connection refused", which names neither the endpoint nor the likely cause (local mode not
 * running, or another run's port).
 */
final class EndpointDown {
    private EndpointDown() {}

    static boolean is(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) return true;
        }
        return false;
    }

    /** @param printedAs how 'packet-source local' labels the endpoint in what it prints at start */
    static ConnectException named(String what, URI endpoint, String printedAs) {
        return new ConnectException("the " + what + " " + endpoint + " does not answer: is 'packet-source local' running?"
                + " It prints the endpoint as '" + printedAs + "'");
    }
}
