package com.proxylity.packetsource.functions.resource;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where the provider may PUT its answer. The ResponseURL comes in the event, and anyone who may
 * invoke the provider writes the event (docs/architecture.md#tenancy), so a URL the provider
 * followed blindly would let them aim it at anything it can reach. CloudFormation's URLs are
 * pre-signed S3 URLs of its per-region response bucket,
 * {@code cloudformation-custom-resource-response-<region without dashes>}, in path
 * ({@code s3.amazonaws.com}, {@code s3-<region>}, {@code s3.<region>}) host forms; only https
 * on the default port to such a host of a served region is allowed. Redirects are never
 * followed (the SDK's URL-connection client turns them off) and the client's timeouts bound the
 * time ({@code PacketSourceResource}).
 */
public final class ResponseUrls implements Predicate<URI> {
    private static final String BUCKET = "cloudformation-custom-resource-response-";
    private final Set<String> hosts;
    private final boolean loopback;

    private ResponseUrls(Set<String> hosts, boolean loopback) {
        this.hosts = hosts;
        this.loopback = loopback;
    }

    /** CloudFormation's response hosts in the served regions. */
    public static ResponseUrls cloudFormation(List<String> servedRegions) {
        Set<String> hosts = servedRegions.stream().flatMap(r -> {
            String suffix = r.startsWith("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
            String bucket = BUCKET + r.replace("-", "");
            return Stream.of(bucket + ".s3" + suffix, bucket + ".s3-" + r + suffix,
                    bucket + ".s3." + r + suffix);
        }).map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        return new ResponseUrls(hosts, false);
    }

    /** Local mode: plain http to 127.0.0.1 only, where its resource client listens for the answer. */
    public static ResponseUrls loopbackOnly() {
        return new ResponseUrls(Set.of(), true);
    }

    @Override
    public boolean test(URI url) {
        if (url == null || url.isOpaque() || url.getRawUserInfo() != null || url.getHost() == null) return false;
        if (loopback) return "http".equals(url.getScheme()) && "127.0.0.1".equals(url.getHost()) && url.getPort() > 0;
        return "https".equals(url.getScheme()) && (url.getPort() == -1 || url.getPort() == 443)
                && hosts.contains(url.getHost().toLowerCase(Locale.ROOT));
    }
}
