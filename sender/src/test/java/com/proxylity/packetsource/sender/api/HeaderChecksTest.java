package com.proxylity.packetsource.sender.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/**
 * What the request line and headers alone decide, in the order the handler judges them (the
 * whole handler is tested over real connections by {@code EgressHttpLimitsTest} and the
 * sender's egress tests).
 */
class HeaderChecksTest {
    private static HttpRequest post(String uri, String type) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri);
        if (type != null) r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        return r;
    }

    @Test
    void aWellFormedEgressRequestPassesInEitherFraming() {
        assertNull(HeaderChecks.egressRequest(post(EgressApi.PATH, EgressApi.CONTENT_TYPE), false));
        assertNull(HeaderChecks.egressRequest(post(EgressApi.PATH + "?x=1", "Application/JSON; charset=utf-8"), false));
        HttpRequest binary = post(EgressApi.PATH, EgressBinary.REQUEST_TYPE);
        assertNull(HeaderChecks.egressRequest(binary, false));
        assertTrue(HeaderChecks.binary(binary));
        assertFalse(HeaderChecks.binary(post(EgressApi.PATH, EgressApi.CONTENT_TYPE)));
    }

    @Test
    void closingIsJudgedFirstThenRouteThenMethodThenFraming() {
        assertEquals(HeaderChecks.Refusal.ShuttingDown, HeaderChecks.egressRequest(post("/elsewhere", null), true));
        HttpRequest get = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/elsewhere");
        assertEquals(HeaderChecks.Refusal.NotFound, HeaderChecks.egressRequest(get, false));
        HttpRequest getEgress = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, EgressApi.PATH);
        assertEquals(HeaderChecks.Refusal.MethodNotAllowed, HeaderChecks.egressRequest(getEgress, false));
        assertEquals(HeaderChecks.Refusal.UnsupportedMediaType,
                HeaderChecks.egressRequest(post(EgressApi.PATH, "text/plain"), false));
    }

    @Test
    void aRepeatedOrNonNumericLengthIsMalformedAndAnOversizedOneTooLarge() {
        HttpRequest twice = post(EgressApi.PATH, EgressApi.CONTENT_TYPE);
        twice.headers().add(HttpHeaderNames.CONTENT_LENGTH, "1").add(HttpHeaderNames.CONTENT_LENGTH, "1");
        assertEquals(HeaderChecks.Refusal.MalformedLength, HeaderChecks.egressRequest(twice, false));
        HttpRequest signed = post(EgressApi.PATH, EgressApi.CONTENT_TYPE);
        signed.headers().set(HttpHeaderNames.CONTENT_LENGTH, "+1");
        assertEquals(HeaderChecks.Refusal.MalformedLength, HeaderChecks.egressRequest(signed, false));
        HttpRequest big = post(EgressApi.PATH, EgressApi.CONTENT_TYPE);
        big.headers().set(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(EgressApi.MAX_BODY_BYTES + 1L));
        assertEquals(HeaderChecks.Refusal.TooLarge, HeaderChecks.egressRequest(big, false));
        assertEquals(413, HeaderChecks.Refusal.TooLarge.status.code());
    }

    @Test
    void anUndecodableRequestIsRefusedAndOverlongHeadersSaySo() {
        HttpRequest ok = post(EgressApi.PATH, EgressApi.CONTENT_TYPE);
        assertNull(HeaderChecks.undecodable(ok));
        HttpRequest tooLong = post(EgressApi.PATH, null);
        tooLong.setDecoderResult(DecoderResult.failure(new TooLongFrameException("header")));
        assertEquals(HeaderChecks.Refusal.HeadersTooLarge, HeaderChecks.undecodable(tooLong));
        HttpRequest broken = post(EgressApi.PATH, null);
        broken.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad")));
        assertEquals(HeaderChecks.Refusal.Undecodable, HeaderChecks.undecodable(broken));
    }
}
