package com.proxylity.packetsource.functions.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one ObjectMapper of the handlers: state payloads use the PascalCase names of the contracts. */
public final class StateJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            // Stage payloads may gain fields; an older handler must not fail on them mid-deploy.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private StateJson() {}
}
