package com.proxylity.packetsource.functions.resource;

import com.proxylity.packetsource.core.format.Formatters;
import com.proxylity.packetsource.core.registry.ApiKeys;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The properties of {@code Custom::ProxylityUdpGatewayPacketSource} as customers write them,
 * checked before anything is called. CloudFormation passes every scalar as a string
 * ({@code Enabled: true} arrives as {@code "true"}), so strings are what is parsed. Each refusal
 * names the property and what a valid value looks like, so the FAILED reason can be acted on.
 */
public record ResourceProperties(String apiKey, String listenerName, boolean enabled, String description,
                                 String roleArn, String topicArn, String formatter, String outcomeTopicArn) {
    public static final Set<String> KNOWN = Set.of("ServiceToken", "ApiKey", "ListenerName", "Enabled",
            "Description", "SnsTopicSource", "Formatter", "OutcomeTopicArn");

    /** Without an outcome topic. */
    public ResourceProperties(String apiKey, String listenerName, boolean enabled, String description,
                              String roleArn, String topicArn, String formatter) {
        this(apiKey, listenerName, enabled, description, roleArn, topicArn, formatter, null);
    }
    public static final int MAX_DESCRIPTION = 256;
    static final Pattern LISTENER = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    /** arn:partition:sns:region:account:name (standard topics only: FIFO topics cannot feed standard queues). */
    static final Pattern TOPIC = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):sns:([a-z]{2}(-[a-z]+)+-\\d):(\\d{12}):([A-Za-z0-9_-]{1,256})");
    static final Pattern ROLE = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):role/([\\w+=,.@/-]{1,512})");

    /** The region in the topic ARN. */
    public String topicRegion() {
        return topicArn.split(":")[3];
    }

    /** Parses and checks every property; the first problem found is the reason. */
    public static ResourceProperties parse(Map<String, Object> props, List<String> servedRegions) throws ResourceFailure {
        if (props == null) throw new ResourceFailure("ResourceProperties missing: give ApiKey, ListenerName and SnsTopicSource");
        for (String k : props.keySet()) {
            if (!KNOWN.contains(k)) {
                throw new ResourceFailure("Unknown property " + clip(k) + " (known: ApiKey, ListenerName, Enabled, Description, SnsTopicSource, Formatter, OutcomeTopicArn)");
            }
        }
        String apiKey = string(props, "ApiKey", true);
        if (ApiKeys.customerId(apiKey).isEmpty()) {
            throw new ResourceFailure("ApiKey is invalid: use the key Proxylity issued to your account (<account-id>.<secret>), e.g. from a NoEcho parameter or a dynamic reference to Secrets Manager");
        }
        String listener = string(props, "ListenerName", true);
        if (!LISTENER.matcher(listener).matches()) {
            throw new ResourceFailure("ListenerName " + clip(listener) + " is malformed: 1-128 characters of A-Z a-z 0-9 . _ -");
        }
        boolean enabled = bool(props, "Enabled");
        String description = string(props, "Description", false);
        if (description != null && description.length() > MAX_DESCRIPTION) {
            throw new ResourceFailure("Description is longer than " + MAX_DESCRIPTION + " characters");
        }
        Object src = props.get("SnsTopicSource");
        if (!(src instanceof Map<?, ?> source)) {
            throw new ResourceFailure("SnsTopicSource is required: an object with Role (the IAM role ARN Proxylity assumes) and TopicArn");
        }
        for (Object k : source.keySet()) {
            if (!"Role".equals(k) && !"TopicArn".equals(k)) {
                throw new ResourceFailure("Unknown property SnsTopicSource." + clip(String.valueOf(k)) + " (known: Role, TopicArn)");
            }
        }
        @SuppressWarnings("unchecked") Map<String, Object> s = (Map<String, Object>) source;
        String topic = string(s, "TopicArn", true, "SnsTopicSource.TopicArn");
        if (topic.endsWith(".fifo")) {
            throw new ResourceFailure("SnsTopicSource.TopicArn " + clip(topic) + " is a FIFO topic; Packet Sources need a standard topic");
        }
        var tm = TOPIC.matcher(topic);
        if (!tm.matches()) {
            throw new ResourceFailure("SnsTopicSource.TopicArn " + clip(topic) + " is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)");
        }
        if (!servedRegions.contains(tm.group(2))) {
            throw new ResourceFailure("SnsTopicSource.TopicArn is in " + tm.group(2) + ", a region Proxylity does not serve; served regions: " + String.join(", ", servedRegions));
        }
        String role = string(s, "Role", true, "SnsTopicSource.Role");
        if (!ROLE.matcher(role).matches()) {
            throw new ResourceFailure("SnsTopicSource.Role " + clip(role) + " is not an IAM role ARN (arn:aws:iam::<account>:role/<name>); use Fn::GetAtt <Role>.Arn");
        }
        String formatter = string(props, "Formatter", false);
        if (formatter != null) {
            formatter = formatter.toLowerCase(Locale.ROOT);
            if (Formatters.byName(formatter).isEmpty()) {
                throw new ResourceFailure("Formatter " + clip(formatter) + " is not supported; use one of "
                        + String.join(", ", Formatters.names()));
            }
        }
        String outcomeTopic = string(props, "OutcomeTopicArn", false);
        if (outcomeTopic != null) {
            if (outcomeTopic.endsWith(".fifo")) {
                throw new ResourceFailure("OutcomeTopicArn " + clip(outcomeTopic) + " is a FIFO topic; outcome summaries need a standard topic");
            }
            var om = TOPIC.matcher(outcomeTopic);
            if (!om.matches()) {
                throw new ResourceFailure("OutcomeTopicArn " + clip(outcomeTopic) + " is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)");
            }
            if (!servedRegions.contains(om.group(2))) {
                throw new ResourceFailure("OutcomeTopicArn is in " + om.group(2) + ", a region Proxylity does not serve; served regions: " + String.join(", ", servedRegions));
            }
        }
        return new ResourceProperties(apiKey, listener, enabled, description, role, topic, formatter, outcomeTopic);
    }

    private static String string(Map<String, Object> m, String name, boolean required) throws ResourceFailure {
        return string(m, name, required, name);
    }

    private static String string(Map<String, Object> m, String name, boolean required, String label) throws ResourceFailure {
        Object v = m.get(name);
        if (v == null || (v instanceof String str && str.isBlank())) {
            if (required) throw new ResourceFailure(label + " is required");
            return null;
        }
        if (!(v instanceof String str)) throw new ResourceFailure(label + " must be a string");
        return str.trim();
    }

    private static boolean bool(Map<String, Object> m, String name) throws ResourceFailure {
        Object v = m.get(name);
        if (v == null) return true;
        if (v instanceof Boolean b) return b;
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        if (s.equals("true")) return true;
        if (s.equals("false")) return false;
        throw new ResourceFailure(name + " must be true or false");
    }

    /** Echoed input is cut short, so a huge value cannot push the reason over the response limit. */
    static String clip(String s) {
        if (s == null) return "''";
        String safe = s.replaceAll("\\p{Cntrl}", "?");
        return "'" + (safe.length() > 120 ? safe.substring(0, 120) + "..." : safe) + "'";
    }

    /** The key is a secret: never in toString (records print every component). */
    @Override
    public String toString() {
        return "ResourceProperties[listener=" + listenerName + " topic=" + topicArn + " role=" + roleArn
                + " enabled=" + enabled + " formatter=" + formatter + " outcomeTopic=" + outcomeTopicArn + "]";
    }
}
