package com.proxylity.packetsource.functions.egressclient;

import com.proxylity.packetsource.core.egressapi.EgressRequest;
import com.proxylity.packetsource.core.egressapi.EgressResponse;

/** Delivers one egress request to a sender (contract 3). */
@FunctionalInterface
public interface EgressTransport {
    /**
     * @param endpoint base URL of the sender, e.g. {@code http://10.0.3.7:8080}
     * @throws com.proxylity.packetsource.functions.SenderUnavailableException when it may work later
     * @throws com.proxylity.packetsource.functions.EgressRejectedException when it will not
     */
    EgressResponse post(String endpoint, EgressRequest request);
}
