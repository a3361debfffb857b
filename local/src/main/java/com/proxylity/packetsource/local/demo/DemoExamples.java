package com.proxylity.packetsource.local.demo;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * The demo's messages: a good one per formatter (expected bytes written out independently of
 * the formatters, e.g. the CoAP bytes by hand from RFC 7252 section 3) and bad ones, each with
 * the discard reason it must produce.
 */
final class DemoExamples {
    static final String TOPIC = "demo";
    static final String PAUSED = "demo-paused";
    static final String UNREGISTERED = "demo-unregistered";
    static final String WIREGUARD = "demo-wg";
    /** A well-formed X25519 public key no peer holds (RFC 7748 section 6.1, Alice's public key). */
    static final String UNKNOWN_PEER = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=";

    private DemoExamples() {}

    static byte[] hex(String h) { return HexFormat.of().parseHex(h.replace(" ", "")); }

    static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    static List<DemoExample> all(String region) {
        String big = "x".repeat(65_508); // one byte over the largest IPv4 UDP payload
        return List.of(
                good("base64", "{\"Data\":\"AQIDBA==\",\"Formatter\":\"base64\"}", hex("01020304"), region),
                good("hex", "{\"Data\":\"48656c6c6f\",\"Formatter\":\"hex\"}", utf8("Hello"), region),
                good("utf8", "{\"Data\":\"h\\u00e9llo \\u2713\",\"Formatter\":\"utf8\"}", utf8("h\u00e9llo \u2713"), region),
                good("ascii", "{\"Data\":\"plain ascii\",\"Formatter\":\"ascii\"}", utf8("plain ascii"), region),
                // NON, code 0.02 (POST), MID 4711, token 010203, Uri-Path "temp", payload "21.5"
                good("coap", "{\"Formatter\":\"coap\",\"Data\":{\"Type\":1,\"Code\":\"0.02\",\"MessageId\":4711,"
                        + "\"Token\":\"AQID\",\"Options\":[{\"Number\":11,\"Value\":\"dGVtcA==\"}],\"Payload\":\"MjEuNQ==\"}}",
                        hex("53 02 12 67 01 02 03 b4 74 65 6d 70 ff 32 31 2e 35"), region),
                good("default formatter", "{\"Data\":\"ZGVmYXVsdA==\"}", utf8("default"), region),
                bad("unknown formatter", TOPIC, region, "{\"Data\":\"abc\",\"Formatter\":\"rot13\"}", "BadFormatter"),
                bad("bad base64", TOPIC, region, "{\"Data\":\"***\",\"Formatter\":\"base64\"}", "DecodeError"),
                bad("non-ASCII as ascii", TOPIC, region, "{\"Data\":\"na\\u00efve\",\"Formatter\":\"ascii\"}", "DecodeError"),
                bad("port 0", TOPIC, region, "{\"Data\":\"AQ==\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":0}}", "MalformedRemote"),
                bad("private address", TOPIC, region, "{\"Data\":\"AQ==\",\"Remote\":{\"Address\":\"10.1.2.3\",\"Port\":9}}", "EgressDenied"),
                bad("65,508-byte datagram", TOPIC, region, "{\"Data\":\"" + big + "\",\"Formatter\":\"utf8\"}", "TooLarge"),
                new DemoExample("not JSON", TOPIC, region, "this is not json", true, null, "MalformedMessage"),
                bad("unregistered topic", UNREGISTERED, region, "{\"Data\":\"AQ==\"}", "UnknownTopic"),
                bad("disabled source", PAUSED, region, "{\"Data\":\"AQ==\"}", "SourceDisabled"),
                bad("WG peer, no session", WIREGUARD, region, "{\"Data\":\"hi\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":51820,"
                        + "\"PeerKey\":\"" + UNKNOWN_PEER + "\"},\"Inner\":{\"SourceAddress\":\"10.0.0.1\",\"SourcePort\":53,"
                        + "\"DestinationAddress\":\"10.0.0.2\",\"DestinationPort\":5683}}", "NoSession"),
                bad("WG decap, no Inner", WIREGUARD, region, "{\"Data\":\"hi\",\"Remote\":{\"Address\":\"127.0.0.1\",\"Port\":51820,"
                        + "\"PeerKey\":\"" + UNKNOWN_PEER + "\"},\"Inner\":null}", "MissingInner"),
                bad("no EgressRegion", TOPIC, null, "{\"Data\":\"AQ==\"}", "filtered"),
                bad("unknown region", TOPIC, "xx-nowhere-1", "{\"Data\":\"AQ==\"}", "filtered"));
    }

    private static DemoExample good(String label, String entry, byte[] payload, String region) {
        return new DemoExample(label, TOPIC, region, entry, false, payload, null);
    }

    private static DemoExample bad(String label, String topic, String region, String entry, String reason) {
        return new DemoExample(label, topic, region, entry, false, null, reason);
    }
}
