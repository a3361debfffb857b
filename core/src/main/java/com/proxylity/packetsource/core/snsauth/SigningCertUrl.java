package com.proxylity.packetsource.core.snsauth;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * The only {@code SigningCertURL}s production trusts: {@code https://sns.<region>.amazonaws.com/<name>.pem},
 * or {@code .amazonaws.com.cn} for the China regions. The URL comes from the record, so anything
 * looser would let a forger name a certificate it controls, or make us fetch from any host.
 * The region is checked by its form, not against a list, so a region AWS opens later works
 * without a release; the host is still always SNS's own.
 */
public final class SigningCertUrl {
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]{1,2}");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9_-]{1,128}\\.pem");
    /** Nothing that URI parsing could read two ways: no escapes, spaces, backslashes, '@', '?', '#'. */
    private static final Pattern PLAIN = Pattern.compile("https://[a-z0-9.-]+/[A-Za-z0-9_.-]+");

    private SigningCertUrl() {}

    /** @return the URL, checked; the region is {@link #region(URI)} */
    public static URI check(String url) throws BadSignatureException {
        if (url == null) throw new BadSignatureException("no SigningCertURL");
        if (url.length() > 256 || !PLAIN.matcher(url).matches()) {
            throw new BadSignatureException("SigningCertURL is not an https URL of SNS");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new BadSignatureException("SigningCertURL is not a URL");
        }
        if (!"https".equals(uri.getScheme()) || uri.getRawUserInfo() != null || uri.getPort() != -1
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getHost() == null
                || !uri.getHost().equals(uri.getRawAuthority())) {
            throw new BadSignatureException("SigningCertURL is not an https URL of SNS");
        }
        if (region(uri) == null) throw new BadSignatureException("SigningCertURL host is not SNS's");
        if (!PATH.matcher(uri.getRawPath()).matches()) {
            throw new BadSignatureException("SigningCertURL does not name a .pem file");
        }
        return uri;
    }

    /** The region of an SNS host {@code sns.<region>.amazonaws.com[.cn]}, else null. */
    public static String region(URI uri) {
        String host = uri.getHost();
        if (host == null || !host.startsWith("sns.")) return null;
        String rest = host.substring(4);
        String region;
        if (rest.endsWith(".amazonaws.com.cn")) {
            region = rest.substring(0, rest.length() - ".amazonaws.com.cn".length());
            if (!region.startsWith("cn-")) return null;
        } else if (rest.endsWith(".amazonaws.com")) {
            region = rest.substring(0, rest.length() - ".amazonaws.com".length());
            if (region.startsWith("cn-")) return null;
        } else {
            return null;
        }
        return REGION.matcher(region).matches() ? region : null;
    }
}
