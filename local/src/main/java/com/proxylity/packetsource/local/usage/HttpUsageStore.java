package com.proxylity.packetsource.local.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.usage.UsageCounts;
import com.proxylity.packetsource.core.usage.UsageKey;
import com.proxylity.packetsource.core.usage.UsageRecord;
import com.proxylity.packetsource.core.usage.UsageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A running local mode's usage records of one region or all, read through its customers endpoint ({@code GET /usage}). */
public final class HttpUsageStore implements UsageStore {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String region;

    /** @param region null: every region local mode serves */
    public HttpUsageStore(URI base, String region) {
        this.base = base;
        this.region = region;
    }

    /** Local mode's pipeline writes its own records; this client only reads. */
    @Override
    public void add(Map<UsageKey, UsageCounts> counts) {
        throw new UnsupportedOperationException("read only");
    }

    @Override
    public List<UsageRecord> query(String customerId, long fromHour, long toHour) {
        String q = "from=" + fromHour + "&to=" + toHour + (region == null ? "" : "&region=" + enc(region))
                + (customerId == null ? "" : "&customer=" + enc(customerId));
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/usage?" + q)).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = UsageJson.JSON.readTree(r.body());
            if (r.statusCode() != 200) {
                throw new IllegalArgumentException("local mode at " + base + " answered " + r.statusCode() + ": "
                        + body.path("message").asText());
            }
            List<UsageRecord> out = new ArrayList<>();
            body.forEach(n -> out.add(UsageJson.read(n)));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("local mode at " + base + " did not answer (is 'packet-source local' running?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
