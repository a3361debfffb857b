package com.proxylity.packetsource.local.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.contract.EntryProblem;
import com.proxylity.packetsource.core.contract.Json;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.contract.MalformedMessageException;
import com.proxylity.packetsource.core.contract.MessageSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What {@code publish} warns about before SNS silently drops a message: SNS accepts any message,
 * then each delivery queue's subscription filter ({"EgressRegion":["<region>"]}, on the exact,
 * case-sensitive attribute name) delivers it nowhere unless it names a region a queue serves.
 */
public final class PublishChecks {
    public static final String ATTRIBUTE = "EgressRegion";

    private PublishChecks() {}

    /**
     * @param egressRegion the value {@code --egress-region} sets on every message, or null
     * @param served the regions whose delivery queues are subscribed to the topic, when known
     * @param known region names that exist at all (the SDK's list), checked when {@code served} is unknown
     */
    public static List<String> warnings(List<MessageFiles.Outgoing> messages, String egressRegion, Optional<Set<String>> served,
                                        Set<String> known) {
        List<String> out = new ArrayList<>();
        if (served.isPresent() && served.get().isEmpty() && !messages.isEmpty()) {
            out.add("no delivery queue is subscribed to this topic: SNS accepts every message and delivers none"
                    + " (is its Packet Source created, and its subscriptions confirmed?)");
        }
        // With none subscribed, a region can still be checked for existing at all.
        Optional<Set<String>> subscribed = served.filter(s -> !s.isEmpty());
        Map<String, Integer> misspelt = new TreeMap<>();
        Map<String, Integer> unserved = new TreeMap<>();
        int missing = 0;
        for (MessageFiles.Outgoing m : messages) {
            Map<String, String> a = m.attributes() == null ? Map.of() : m.attributes();
            for (String name : a.keySet()) {
                if (!name.equals(ATTRIBUTE) && looksLike(name)) misspelt.merge(name, 1, Integer::sum);
            }
            String region = egressRegion != null ? egressRegion : a.get(ATTRIBUTE);
            if (region == null) {
                missing++;
            } else if (subscribed.map(s -> !s.contains(region)).orElse(!known.contains(region))) {
                unserved.merge(region, 1, Integer::sum);
            }
        }
        misspelt.forEach((name, n) -> out.add(n + " message(s) carry the attribute '" + name + "', not '" + ATTRIBUTE
                + "' (names are case-sensitive): the subscription filters do not read it"));
        if (missing > 0) {
            out.add(missing + " message(s) have no " + ATTRIBUTE + " attribute and no --egress-region:"
                    + " SNS accepts them, but every delivery queue's filter refuses them (counted as filtered)");
        }
        unserved.forEach((region, n) -> out.add(n + " message(s) name " + ATTRIBUTE + " '" + region + "', "
                + subscribed.map(s -> "a region no delivery queue subscribed to this topic serves (served: " + String.join(", ", new TreeSet<>(s)) + ")")
                        .orElse("which is not an AWS region")
                + ": SNS accepts them and delivers them nowhere"));
        return out;
    }

    private static final MessageSchema SCHEMA = new MessageSchema();
    private static final int CONTENT_WARNINGS_SHOWN = 5;

    /**
     * Messages with an entry the pipeline's schema refuses, whatever the Listener (PeerKey and
     * Inner are left to dry-run, which knows the type): SNS accepts them, and the discard then
     * shows only in local mode's summary or, on AWS, in the operator's log. The first problem of
     * each message; dry-run shows all.
     */
    public static List<String> contentWarnings(List<MessageFiles.Outgoing> messages) {
        List<String> out = new ArrayList<>();
        int more = 0;
        for (MessageFiles.Outgoing m : messages) {
            String problem = firstProblem(m.message());
            if (problem == null) continue;
            if (out.size() < CONTENT_WARNINGS_SHOWN) out.add(m.source() + ": " + problem);
            else more++;
        }
        if (!out.isEmpty()) {
            out.add((more > 0 ? more + " more message(s) like these; " : "")
                    + "bin/packet-source dry-run FILE... shows every entry's outcome");
        }
        return out;
    }

    private static String firstProblem(String body) {
        try {
            JsonNode message = Json.read(body, "the message");
            SCHEMA.checkMessage(message);
            JsonNode entries = message.get("Messages");
            for (int i = 0; i < entries.size(); i++) {
                Optional<EntryProblem> p = SCHEMA.checkEntry(entries.get(i), ListenerType.UDP);
                if (p.isPresent()) return "entry " + i + " will be discarded as " + p.get().reason() + ": " + p.get().detail();
            }
            return null;
        } catch (MalformedMessageException e) {
            return "the message will be discarded as MalformedMessage: " + e.getMessage();
        }
    }

    /** The attribute written with another case, or one letter off (a typo SNS would not forgive). */
    static boolean looksLike(String name) {
        String n = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        String want = ATTRIBUTE.toLowerCase(Locale.ROOT);
        return n.equals(want) || distance(n, want) <= 2;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
