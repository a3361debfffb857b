package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.core.egressapi.EgressApi;
import com.proxylity.packetsource.core.egressapi.EgressBinary;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/**
 * Part of stage 1 of the send path (package comment of {@code com.proxylity.packetsource.sender}):
 * what a request's line and headers alone decide, before any body is read or any signature
 * looked at, one named check each, in the order they are judged. Pure: no connection, no state.
 */
final class HeaderChecks {
    /** Why a request is refused from its headers: its status, its metric reason and its error. */
    enum Refusal {
        HeadersTooLarge(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "HeadersTooLarge", "MalformedRequest"),
        Undecodable(HttpResponseStatus.BAD_REQUEST, "BadRequest", "MalformedRequest"),
        ShuttingDown(HttpResponseStatus.SERVICE_UNAVAILABLE, "ShuttingDown", "ShuttingDown"),
        NotFound(HttpResponseStatus.NOT_FOUND, "NotFound", "NotFound"),
        MethodNotAllowed(HttpResponseStatus.METHOD_NOT_ALLOWED, "MethodNotAllowed", "MethodNotAllowed"),
        UnsupportedMediaType(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE, "UnsupportedMediaType", "UnsupportedMediaType"),
        MalformedLength(HttpResponseStatus.BAD_REQUEST, "BadRequest", "MalformedRequest"),
        TooLarge(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "TooLarge", "TooLarge");

        final HttpResponseStatus status;
        final String reason;
        final String error;

        Refusal(HttpResponseStatus status, String reason, String error) {
            this.status = status;
            this.reason = reason;
            this.error = error;
        }
    }

    private HeaderChecks() {
    }

    /** The decoder could not read the request line or a header: the connection cannot resync. */
    static Refusal undecodable(HttpRequest r) {
        if (r.decoderResult().isSuccess()) return null;
        return r.decoderResult().cause() instanceof TooLongFrameException ? Refusal.HeadersTooLarge : Refusal.Undecodable;
    }

    static boolean isHealthCheck(HttpRequest r) {
        return EgressApi.HEALTH_PATH.equals(path(r.uri()));
    }

    /** An egress request's route, method and body framing; null when all pass. */
    static Refusal egressRequest(HttpRequest r, boolean closing) {
        if (closing) return Refusal.ShuttingDown;
        if (!EgressApi.PATH.equals(path(r.uri()))) return Refusal.NotFound;
        if (r.method() != HttpMethod.POST) return Refusal.MethodNotAllowed;
        HttpHeaders h = r.headers();
        String type = h.get(HttpHeaderNames.CONTENT_TYPE);
        if (!EgressBinary.isRequestType(type) && !isJson(type)) return Refusal.UnsupportedMediaType;
        long length = contentLength(h);
        if (length == -2) return Refusal.MalformedLength;
        if (length > EgressApi.MAX_BODY_BYTES) return Refusal.TooLarge;
        return null;
    }

    /** The request is in the binary batch framing (and is answered in it); else JSON. */
    static boolean binary(HttpRequest r) {
        return EgressBinary.isRequestType(r.headers().get(HttpHeaderNames.CONTENT_TYPE));
    }

    /** {@code application/json}, any case, with optional parameters (e.g. charset=utf-8). */
    static boolean isJson(String contentType) {
        if (contentType == null) return false;
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
        return type.equalsIgnoreCase(EgressApi.CONTENT_TYPE);
    }

    /** The declared length, -1 when absent, -2 when malformed or repeated. */
    static long contentLength(HttpHeaders h) {
        List<String> all = h.getAll(HttpHeaderNames.CONTENT_LENGTH);
        if (all.isEmpty()) return -1;
        if (all.size() > 1) return -2;
        String v = all.get(0).trim();
        if (v.isEmpty() || v.length() > 18) return -2;
        for (int i = 0; i < v.length(); i++) if (v.charAt(i) < '0' || v.charAt(i) > '9') return -2;
        return Long.parseLong(v);
    }

    private static String path(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }
}
