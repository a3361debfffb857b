package com.proxylity.packetsource.local.iam;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The IAM that local STS and SNS enforce: customer roles with a trust condition on
 * {@code sts:ExternalId} and the SNS actions allowed on which topics; and the sessions AssumeRole
 * handed out (by access key id). A request signed with a key this class did not issue is no
 * role at all: it may publish (as local mode always allowed), nothing else.
 */
public final class LocalIam {
    /**
     * @param externalId the trust policy's {@code StringEquals sts:ExternalId}; null: no condition
     * @param actions allowed actions, IAM spelling ({@code sns:Subscribe}, ...)
     * @param topicArns topics the actions are allowed on; {@code *} for all
     */
    public record Role(String arn, String externalId, Set<String> actions, Set<String> topicArns) {
        public Role {
            actions = Set.copyOf(actions);
            topicArns = Set.copyOf(topicArns);
        }

        public boolean allows(String action, String topicArn) {
            return actions.stream().anyMatch(a -> a.equalsIgnoreCase(action))
                    && (topicArns.contains("*") || topicArns.contains(topicArn));
        }
    }

    /** Temporary credentials of one AssumeRole. */
    public record Session(String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration, Role role) {
        @Override
        public String toString() {
            return "Session[" + accessKeyId + " " + role.arn() + "]";
        }
    }

    /** Why AssumeRole was refused (the message AWS gives does not say which condition failed). */
    public static final class AccessDenied extends Exception {
        public AccessDenied(String message) {
            super(message, null, false, false);
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private final Map<String, Role> roles = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Clock clock;

    public LocalIam(List<Role> roles, Clock clock) {
        roles.forEach(r -> this.roles.put(r.arn(), r));
        this.clock = clock;
    }

    public Session assumeRole(String roleArn, String externalId, Duration duration) throws AccessDenied {
        Role role = roleArn == null ? null : roles.get(roleArn);
        boolean trusted = role != null && (role.externalId() == null || role.externalId().equals(externalId));
        if (!trusted) {
            throw new AccessDenied("User: arn:aws:sts::000000000000:assumed-role/local-provider/local is not authorized"
                    + " to perform: sts:AssumeRole on resource: " + roleArn);
        }
        Session s = new Session("ASIA" + random(16), random(40), random(64), clock.instant().plus(duration), role);
        sessions.put(s.accessKeyId(), s);
        return s;
    }

    /** The live session of an access key id, if AssumeRole issued it. */
    public Optional<Session> session(String accessKeyId) {
        Session s = accessKeyId == null ? null : sessions.get(accessKeyId);
        if (s == null) return Optional.empty();
        if (!clock.instant().isBefore(s.expiration())) {
            sessions.remove(accessKeyId);
            return Optional.empty();
        }
        return Optional.of(s);
    }

    /**
     * The access key id of a SigV4 Authorization header
     * ({@code AWS4-HMAC-SHA256 Credential=<id>/<date>/<region>/<service>/aws4_request, ...}).
     * The signature is not checked: these endpoints exist only on loopback.
     */
    public static Optional<String> accessKeyId(String authorization) {
        if (authorization == null) return Optional.empty();
        int i = authorization.indexOf("Credential=");
        if (i < 0) return Optional.empty();
        int end = authorization.indexOf('/', i);
        return end < 0 ? Optional.empty() : Optional.of(authorization.substring(i + "Credential=".length(), end));
    }

    private static String random(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append(UPPER.charAt(RANDOM.nextInt(UPPER.length())));
        return sb.toString();
    }
}
