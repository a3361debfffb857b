#!/usr/bin/env python3
"""Writes the test events and expected.json. Deterministic: re-running gives the same bytes.

Expected payloads (including inner IPv4/IPv6 + UDP frames and their checksums, and CoAP
encodings) are computed here, independently of the Java code they check.
Every envelope is signed like SNS signs (SignatureVersion 1 unless a file says 2) with the
committed test-only key in signing/, under a SigningCertURL that only the tests pin to
signing/test-sns-cert.pem. PKCS#1 v1.5 signatures are deterministic, so the bytes stay stable.
Run: /usr/bin/python3 test-events/generate.py (needs the `cryptography` package)
"""
import base64, hashlib, json, os, struct, uuid
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

HERE = os.path.dirname(os.path.abspath(__file__))
REGION = "us-west-2"
ACCOUNT = "111122223333"
NS = uuid.UUID("6f1c2a43-5b9e-4d1a-9c3f-2e7d8a9b0c1d")
TS = "2026-11-25T08:00:00.000Z"
SENT_MS = "1795939200000"


# Tests pin this URL to signing/test-sns-cert.pem; production would refuse the certificate.
TEST_CERT_URL = f"https://sns.{REGION}.amazonaws.com/SimpleNotificationService-packet-source-test-key.pem"
with open(os.path.join(HERE, "signing", "test-sns-key.pem"), "rb") as f:
    TEST_KEY = serialization.load_pem_private_key(f.read(), password=None)


def string_to_sign(env):
    """AWS's canonical form: each signed field present, in this order, as "Name\nValue\n"."""
    if env["Type"] == "Notification":
        fields = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        fields = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    return "".join(f"{k}\n{env[k]}\n" for k in fields if env.get(k) is not None).encode()


def sign(env, version="1"):
    env["SignatureVersion"] = version
    env["SigningCertURL"] = TEST_CERT_URL
    digest = hashes.SHA1() if version == "1" else hashes.SHA256()
    env["Signature"] = b64(TEST_KEY.sign(string_to_sign(env), padding.PKCS1v15(), digest))
    return env


def topic(name, account=ACCOUNT):
    return f"arn:aws:sns:{REGION}:{account}:{name}"


T_UDP = topic("iot-udp")
T_UDP_HEX = topic("iot-udp-hex")
T_WG = topic("vpn-wg")
T_DECAP = topic("vpn-wg-decap")
T_DISABLED = topic("iot-udp-disabled")
T_MAXAGE = topic("iot-udp-maxage")
T_UDP_V4 = topic("iot-udp-ipv4")
T_UNKNOWN = topic("not-registered", "444455556666")

REGISTRY = {
    "region": REGION,
    "listeners": [
        {"Name": "udp-listener", "Type": "udp", "AddressFamilies": "dual-stack"},
        {"Name": "wg-listener", "Type": "wg", "AddressFamilies": "dual-stack"},
        {"Name": "decap-listener", "Type": "wg-decap", "AddressFamilies": "dual-stack"},
        {"Name": "udp-ipv4-listener", "Type": "udp", "AddressFamilies": "ipv4"},
    ],
    "sources": [
        {"TopicArn": T_UDP, "Listener": "udp-listener", "Enabled": True, "Formatter": None, "MaxAgeSeconds": 0},
        {"TopicArn": T_UDP_HEX, "Listener": "udp-listener", "Enabled": True, "Formatter": "hex", "MaxAgeSeconds": 0},
        {"TopicArn": T_WG, "Listener": "wg-listener", "Enabled": True, "Formatter": None, "MaxAgeSeconds": 0},
        {"TopicArn": T_DECAP, "Listener": "decap-listener", "Enabled": True, "Formatter": None, "MaxAgeSeconds": 0},
        {"TopicArn": T_DISABLED, "Listener": "udp-listener", "Enabled": False, "Formatter": None, "MaxAgeSeconds": 0},
        {"TopicArn": T_MAXAGE, "Listener": "udp-listener", "Enabled": True, "Formatter": None, "MaxAgeSeconds": 300},
        {"TopicArn": T_UDP_V4, "Listener": "udp-ipv4-listener", "Enabled": True, "Formatter": None, "MaxAgeSeconds": 0},
    ],
}


def key(name):
    return base64.b64encode(hashlib.sha256(name.encode()).digest()).decode()


PEER_A = key("peer-a")
PEER_B = key("peer-b")


def b64(b):
    return base64.b64encode(b).decode()


# ---- independent checksum / frame construction (RFC 791, 768, 8200, 1071) ----
def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data)//2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip_bytes(a):
    import ipaddress
    return ipaddress.ip_address(a).packed


def udp_frame(src, sport, dst, dport, payload):
    s, d = ip_bytes(src), ip_bytes(dst)
    ulen = 8 + len(payload)
    pseudo = s + d + (struct.pack("!BBH", 0, 17, ulen) if len(s) == 4 else struct.pack("!IxxxB", ulen, 17))
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    c = csum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    if len(s) == 4:
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + ulen, 0, 0x4000, 64, 17, 0, s, d)
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    else:
        hdr = struct.pack("!IHBB16s16s", 0x60000000, ulen, 17, 64, s, d)
    return hdr + udp


# ---- event construction ----
def mid(name):
    return str(uuid.uuid5(NS, name))


def envelope(name, topic_arn, message, region=REGION, type_="Notification", ts=TS, extra=None, sv="1"):
    env = {
        "Type": type_,
        "MessageId": mid("sns-" + name),
        "TopicArn": topic_arn,
        "Message": message if isinstance(message, str) else json.dumps(message, separators=(",", ":")),
        "Timestamp": ts,
        "UnsubscribeURL": f"https://sns.{REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic_arn}:{mid('sub-' + name)}",
    }
    if region is not None:
        env["MessageAttributes"] = {"EgressRegion": {"Type": "String", "Value": region}}
    if extra:
        env.update(extra)
    return sign(env, sv)


def record(name, body):
    body = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))
    return {
        "messageId": mid("sqs-" + name),
        "receiptHandle": "AQEB" + b64(hashlib.sha256(("rh-" + name).encode()).digest() * 3),
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": SENT_MS,
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": SENT_MS,
        },
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(body.encode()).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:packet-source-delivery",
        "awsRegion": REGION,
    }


def remote(addr="203.0.113.42", port=5683, peer=None):
    return {"Address": addr, "Port": port, "PeerKey": peer}


def sent(payload):
    if len(payload) > 4096:  # keep expected.json readable: big payloads by length and digest
        return {"Outcome": "Sent", "PayloadLength": len(payload),
                "PayloadSha256": hashlib.sha256(payload).hexdigest()}
    return {"Outcome": "Sent", "PayloadHex": payload.hex()}


def discarded(reason):
    return {"Outcome": "Discarded", "Reason": reason}


FILES = {}


class Event:
    """One file: records, each a message with its expected per-entry outcomes."""

    def __init__(self, file, listener_type, formatter=None, families="dual-stack"):
        self.file, self.listener_type, self.formatter = file, listener_type, formatter
        self.families = families
        self.records, self.outcomes, self.dry = [], [], {}

    def message(self, name, topic_arn, entries, region=REGION, ts=TS, message=None, sv="1"):
        """entries: list of (entry dict, expected outcome dict)."""
        body = message if message is not None else {"Messages": [e for e, _ in entries]}
        rec = record(name, envelope(name, topic_arn, body, region=region, ts=ts, sv=sv))
        self.records.append(rec)
        for i, (_, out) in enumerate(entries):
            self.outcomes.append({"Id": f"{rec['messageId']}/{i}", **out})
        return rec

    def whole(self, name, topic_arn, reason, entries=None, region=REGION, ts=TS, message=None, body=None,
              dry_entries=None, tamper=None, dry_whole=None):
        """A message discarded as a whole (Id = SQS messageId)."""
        if body is not None:
            rec = record(name, body)
            self.records.append(rec)
        else:
            msg = message if message is not None else {"Messages": entries or []}
            env = envelope(name, topic_arn, msg, region=region, ts=ts)
            if tamper:
                tamper(env)
            rec = record(name, env)
            self.records.append(rec)
        self.outcomes.append({"Id": rec["messageId"], **discarded(reason)})
        if dry_whole is not None:
            self.dry[rec["messageId"]] = [{"Id": rec["messageId"], **discarded(dry_whole)}]
        if dry_entries is not None:
            self.dry[rec["messageId"]] = [{"Id": f"{rec['messageId']}/{i}", **o} for i, o in enumerate(dry_entries)]
        return rec

    def write(self):
        with open(os.path.join(HERE, self.file), "w") as f:
            json.dump({"Records": self.records}, f, indent=2)
            f.write("\n")
        entry = {"listenerType": self.listener_type, "listenerFamilies": self.families, "outcomes": self.outcomes}
        if self.formatter:
            entry["formatter"] = self.formatter
        if self.dry:
            dry = []
            for o in self.outcomes:
                dry.extend(self.dry.get(o["Id"], [o]))
            entry["dryRunOutcomes"] = dry
        FILES[self.file] = entry


def good_udp(text=b"hello"):
    return ({"Data": b64(text), "Formatter": "base64", "Remote": remote(), "Inner": None}, sent(text))


# ---------------- plain UDP, one file per formatter ----------------
e = Event("udp-base64.json", "udp")
e.message("udp-base64", T_UDP, [
    ({"Data": "AQIDBA==", "Formatter": "base64", "Remote": remote("203.0.113.42", 5683, None), "Inner": None},
     sent(bytes([1, 2, 3, 4]))),
    ({"Data": b64(b"no formatter: base64 by default"), "Remote": {"Address": "2001:db8::42", "Port": 9999}},
     sent(b"no formatter: base64 by default")),
])
e.write()

e = Event("udp-hex.json", "udp")  # a topic set to SignatureVersion 2
e.message("udp-hex", T_UDP, sv="2", entries=[
    ({"Data": "deadBEEF00ff", "Formatter": "hex", "Remote": remote("203.0.113.7", 40000)}, sent(bytes.fromhex("deadbeef00ff"))),
])
e.write()

e = Event("udp-hex-source-default.json", "udp", formatter="hex")
e.message("udp-hex-default", T_UDP_HEX, [
    ({"Data": "0102", "Remote": remote("203.0.113.8", 1)}, sent(bytes([1, 2]))),
    ({"Data": b64(b"entry wins"), "Formatter": "base64", "Remote": remote("203.0.113.8", 65535)}, sent(b"entry wins")),
])
e.write()

e = Event("udp-utf8.json", "udp")
e.message("udp-utf8", T_UDP, [
    ({"Data": "Grüße, 世界 ✓", "Formatter": "utf8", "Remote": remote("198.51.100.23", 7000)}, sent("Grüße, 世界 ✓".encode())),
])
e.write()

e = Event("udp-ascii.json", "udp")
e.message("udp-ascii", T_UDP, [
    ({"Data": "PING seq=1\r\n", "Formatter": "ascii", "Remote": remote("192.0.2.10", 6000)}, sent(b"PING seq=1\r\n")),
])
e.write()

COAP_A = bytes.fromhex("53451267010203c0ff32322e35")  # NON 2.05 MID 4711 token 010203, Content-Format 0, "22.5"
COAP_B = bytes.fromhex("40010001b773656e736f72730474656d70")  # CON GET MID 1, Uri-Path sensors/temp
e = Event("udp-coap.json", "udp")
e.message("udp-coap", T_UDP, [
    ({"Data": {"Type": 1, "Code": "2.05", "MessageId": 4711, "Token": "AQID",
               "Options": [{"Number": 12, "Value": ""}], "Payload": b64(b"22.5")},
      "Formatter": "coap", "Remote": remote("203.0.113.42", 5683)}, sent(COAP_A)),
    ({"Data": json.dumps({"Type": 0, "Code": 1, "MessageId": 1, "Token": "",
                          "Options": [{"Number": 11, "Value": b64(b"sensors")}, {"Number": 11, "Value": b64(b"temp")}]}),
      "Formatter": "coap", "Remote": remote("2001:db8::c0a9", 5683)}, sent(COAP_B)),
])
e.write()

# ---------------- WireGuard: Data is a whole inner IP packet ----------------
INNER_PKT = udp_frame("10.0.0.1", 53, "10.0.0.2", 12345, b"inner dns answer")
e = Event("wg.json", "wg")
e.message("wg", T_WG, [
    ({"Data": b64(INNER_PKT), "Formatter": "base64", "Remote": remote("203.0.113.50", 51820, PEER_A), "Inner": None},
     sent(INNER_PKT)),
])
e.write()

# ---------------- WireGuard with DecapsulatedDelivery ----------------
D4 = udp_frame("10.0.0.1", 53, "10.0.0.2", 12345, b"hello over wireguard")
e = Event("wg-decap-ipv4.json", "wg-decap")
e.message("wg-decap-ipv4", T_DECAP, [
    ({"Data": b64(b"hello over wireguard"), "Formatter": "base64", "Remote": remote("203.0.113.50", 51820, PEER_A),
      "Inner": {"SourceAddress": "10.0.0.1", "SourcePort": 53, "DestinationAddress": "10.0.0.2",
                "DestinationPort": 12345, "Version": 4, "Protocol": 17}}, sent(D4)),
])
e.write()

D6 = udp_frame("fd00:1::1", 5683, "fd00:1::2", 40001, b"\x00" * 5)  # checksum-sensitive zero payload
D6B = udp_frame("fd00:1::1", 7, "fd00:1::3", 7, b"echo")
e = Event("wg-decap-ipv6.json", "wg-decap")
e.message("wg-decap-ipv6", T_DECAP, [
    ({"Data": "0000000000", "Formatter": "hex", "Remote": remote("2001:db8:1::50", 51820, PEER_B),
      "Inner": {"SourceAddress": "fd00:1::1", "SourcePort": 5683, "DestinationAddress": "fd00:1::2",
                "DestinationPort": 40001}}, sent(D6)),
    ({"Data": "echo", "Formatter": "ascii", "Remote": remote("203.0.113.51", 51820, PEER_B),
      "Inner": {"SourceAddress": "fd00:1::1", "SourcePort": 7, "DestinationAddress": "fd00:1::3",
                "DestinationPort": 7, "Version": 6, "Protocol": None}}, sent(D6B)),
])
e.write()

# ---------------- a batch of several records ----------------
e = Event("batch-udp.json", "udp")
for n in range(4):
    e.message(f"batch-{n}", T_UDP, [
        ({"Data": b64(f"batch {n} entry {k}".encode()), "Remote": remote(f"203.0.113.{100 + n}", 5000 + k)},
         sent(f"batch {n} entry {k}".encode())) for k in range(n + 1)
    ])
e.write()

# ---------------- SNS control message ----------------
e = Event("control-SubscriptionConfirmation.json", "udp")
name = "sub-confirm"
env = envelope(name, T_UDP, "You have chosen to subscribe to the topic " + T_UDP + ".\nTo confirm the subscription, "
               "visit the SubscribeURL included in this message.", region=None, type_="SubscriptionConfirmation",
               extra={"Token": "2336412f37fb687f5d51e6e2425dacbba" + "0" * 32,
                      "SubscribeURL": f"https://sns.{REGION}.amazonaws.com/?Action=ConfirmSubscription&TopicArn={T_UDP}&Token=2336412f37fb687f5d51e6e2425dacbba" + "0" * 32})
del env["UnsubscribeURL"]
rec = record(name, env)
e.records.append(rec)
e.outcomes.append({"Id": rec["messageId"], "Outcome": "Control", "Type": "SubscriptionConfirmation"})
e.message("sub-confirm-sibling", T_UDP, [good_udp(b"sibling")])
e.write()

# ---------------- bad messages: one file per reason, good siblings beside ----------------
e = Event("bad-MalformedMessage.json", "udp")
e.whole("mm-notjson", T_UDP, "MalformedMessage", message='{"Messages": [ {"Data": "AQ==", ')
e.whole("mm-nomessages", T_UDP, "MalformedMessage", message={"Packets": []})
e.whole("mm-entry-not-object", T_UDP, "MalformedMessage", message={"Messages": [good_udp()[0], "AQID"]})
e.whole("mm-envelope-not-json", None, "MalformedMessage", body="this is not an SNS envelope")
e.message("mm-sibling", T_UDP, [good_udp(b"sibling survives")])
e.write()

# Forgeries: a customer that switched its subscription to raw delivery can put any JSON in the
# queue, e.g. an envelope naming another tenant's registered topic. None may be attributed.
THIEF = topic("thief-topic", "444455556666")


def forged_topic(env):
    env["TopicArn"] = T_UDP  # signed for the thief's topic, then renamed to the victim's


def stripped(env):
    for k in ("Signature", "SignatureVersion", "SigningCertURL"):
        del env[k]


def cert_elsewhere(env):
    env["SigningCertURL"] = "https://sns.us-west-2.amazonaws.com.evil.example/SimpleNotificationService-x.pem"


def version3(env):
    env["SignatureVersion"] = "3"


def sv2_claimed(env):
    env["SignatureVersion"] = "2"  # signed as SignatureVersion 1


e = Event("bad-BadSignature.json", "udp")
e.whole("bs-forged-topic", THIEF, "BadSignature", entries=[good_udp(b"stolen listener")[0]], tamper=forged_topic,
        dry_entries=[sent(b"stolen listener")])
e.whole("bs-unsigned", T_UDP, "BadSignature", entries=[good_udp(b"no signature")[0]], tamper=stripped,
        dry_entries=[sent(b"no signature")])
# The dry run verifies no signatures: without an envelope, the body is not an SNS message to it.
e.whole("bs-raw-delivery", None, "BadSignature", body={"Messages": [good_udp(b"raw delivery")[0]]},
        dry_whole="MalformedMessage")
e.whole("bs-cert-url", T_UDP, "BadSignature", entries=[good_udp(b"other host")[0]], tamper=cert_elsewhere,
        dry_entries=[sent(b"other host")])
e.whole("bs-version", T_UDP, "BadSignature", entries=[good_udp(b"version 3")[0]], tamper=version3,
        dry_entries=[sent(b"version 3")])
e.whole("bs-wrong-digest", T_UDP, "BadSignature", entries=[good_udp(b"wrong digest")[0]], tamper=sv2_claimed,
        dry_entries=[sent(b"wrong digest")])
e.message("bs-sibling", T_UDP, [good_udp(b"signed by SNS")])
e.write()

e = Event("bad-MalformedMessage-too-many-entries.json", "udp")
e.whole("mm-too-many", T_UDP, "MalformedMessage", message={"Messages": [good_udp(b"x")[0]] * 501})
e.message("mm-501-sibling", T_UDP, [good_udp(b"x")] * 3)
e.write()

e = Event("bad-MalformedMessage-region.json", "udp")
e.whole("mm-region-other", T_UDP, "MalformedMessage", entries=[good_udp()[0]], region="eu-central-1")
e.whole("mm-region-missing", T_UDP, "MalformedMessage", entries=[good_udp()[0]], region=None)
e.message("mm-region-sibling", T_UDP, [good_udp(b"right region")])
e.write()

e = Event("bad-UnknownTopic.json", "udp")
e.whole("unknown-topic", T_UNKNOWN, "UnknownTopic", entries=[good_udp(b"from a stranger")[0]],
        dry_entries=[sent(b"from a stranger")])
e.message("unknown-topic-sibling", T_UDP, [good_udp(b"registered")])
e.write()

e = Event("bad-SourceDisabled.json", "udp")
e.whole("source-disabled", T_DISABLED, "SourceDisabled", entries=[good_udp(b"disabled")[0]],
        dry_entries=[sent(b"disabled")])
e.message("source-disabled-sibling", T_UDP, [good_udp(b"enabled")])
e.write()

e = Event("bad-Stale.json", "udp")
e.whole("stale", T_MAXAGE, "Stale", entries=[good_udp(b"old news")[0]], ts="2024-01-01T00:00:00.000Z",
        dry_entries=[sent(b"old news")])
e.message("stale-sibling", T_UDP, [good_udp(b"no max age")], ts="2024-01-01T00:00:00.000Z")
e.write()

e = Event("bad-BadFormatter.json", "udp")
e.message("bad-formatter", T_UDP, [
    good_udp(b"before"),
    ({"Data": "AQID", "Formatter": "base32", "Remote": remote()}, discarded("BadFormatter")),
    ({"Data": "AQID", "Formatter": 7, "Remote": remote()}, discarded("BadFormatter")),
    good_udp(b"after"),
])
e.write()

e = Event("bad-DecodeError.json", "udp")
e.message("decode-error", T_UDP, [
    ({"Data": "not base64!", "Formatter": "base64", "Remote": remote()}, discarded("DecodeError")),
    ({"Data": "abc", "Formatter": "hex", "Remote": remote()}, discarded("DecodeError")),
    ({"Data": "café", "Formatter": "ascii", "Remote": remote()}, discarded("DecodeError")),
    ({"Data": {"Type": 9, "Code": "0.01", "MessageId": 1}, "Formatter": "coap", "Remote": remote()}, discarded("DecodeError")),
    ({"Data": 12345, "Remote": remote()}, discarded("DecodeError")),
    ({"Remote": remote()}, discarded("DecodeError")),
    good_udp(b"sibling"),
])
e.write()

e = Event("bad-DecodeError-wg.json", "wg")
e.message("decode-error-wg", T_WG, [
    ({"Data": b64(b"not an IP packet"), "Remote": remote("203.0.113.50", 51820, PEER_A)}, discarded("DecodeError")),
    ({"Data": b64(INNER_PKT[:-1]), "Remote": remote("203.0.113.50", 51820, PEER_A)}, discarded("DecodeError")),
    ({"Data": b64(INNER_PKT), "Remote": remote("203.0.113.50", 51820, PEER_A)}, sent(INNER_PKT)),
])
e.write()

e = Event("bad-MalformedRemote.json", "udp")
e.message("malformed-remote", T_UDP, [
    ({"Data": "AQ==", "Remote": remote("example.com", 5683)}, discarded("MalformedRemote")),
    ({"Data": "AQ==", "Remote": remote("203.0.113.256", 5683)}, discarded("MalformedRemote")),
    ({"Data": "AQ==", "Remote": remote("203.0.113.042", 5683)}, discarded("MalformedRemote")),
    ({"Data": "AQ==", "Remote": remote("[2001:db8::1]", 5683)}, discarded("MalformedRemote")),
    ({"Data": "AQ==", "Remote": remote("2001:db8::1%eth0", 5683)}, discarded("MalformedRemote")),
    ({"Data": "AQ==", "Remote": remote("2001:db8:::1", 5683)}, discarded("MalformedRemote")),
    ({"Data": "AQ==", "Remote": remote("203.0.113.9", 0)}, discarded("MalformedRemote")),
    ({"Data": "AQ==", "Remote": remote("203.0.113.9", 65536)}, discarded("MalformedRemote")),
    ({"Data": "AQ==", "Remote": {"Address": "203.0.113.9", "Port": "5683"}}, discarded("MalformedRemote")),
    ({"Data": "AQ==", "Remote": None}, discarded("MalformedRemote")),
    ({"Data": "AQ==", "Remote": remote("203.0.113.9", 5683, "ignored-for-udp")}, sent(b"\x01")),
    good_udp(b"sibling"),
])
e.write()

e = Event("bad-MalformedRemote-wg.json", "wg")
e.message("malformed-remote-wg", T_WG, [
    ({"Data": b64(INNER_PKT), "Remote": remote("203.0.113.50", 51820, None)}, discarded("MalformedRemote")),
    ({"Data": b64(INNER_PKT), "Remote": remote("203.0.113.50", 51820, b64(b"\x01" * 31))}, discarded("MalformedRemote")),
    ({"Data": b64(INNER_PKT), "Remote": {"Address": "203.0.113.50", "Port": 51820}}, discarded("MalformedRemote")),
    ({"Data": b64(INNER_PKT), "Remote": remote("203.0.113.50", 51820, PEER_A)}, sent(INNER_PKT)),
])
e.write()

INNER4 = {"SourceAddress": "10.0.0.1", "SourcePort": 53, "DestinationAddress": "10.0.0.2", "DestinationPort": 12345}
e = Event("bad-MalformedRemote-inner.json", "wg-decap")
e.message("malformed-remote-inner", T_DECAP, [
    ({"Data": "AQ==", "Remote": remote("203.0.113.50", 51820, PEER_A),
      "Inner": {**INNER4, "DestinationAddress": "fd00:1::2"}}, discarded("MalformedRemote")),
    ({"Data": "AQ==", "Remote": remote("203.0.113.50", 51820, PEER_A), "Inner": {**INNER4, "Version": 6}},
     discarded("MalformedRemote")),
    ({"Data": "AQ==", "Remote": remote("203.0.113.50", 51820, PEER_A), "Inner": {**INNER4, "Protocol": 6}},
     discarded("MalformedRemote")),
    ({"Data": "AQ==", "Remote": remote("203.0.113.50", 51820, PEER_A), "Inner": {**INNER4, "SourcePort": 0}},
     discarded("MalformedRemote")),
    ({"Data": "AQ==", "Remote": remote("203.0.113.50", 51820, PEER_A), "Inner": {**INNER4, "SourceAddress": "gateway"}},
     discarded("MalformedRemote")),
    ({"Data": "AQ==", "Remote": remote("203.0.113.50", 51820, PEER_A), "Inner": INNER4},
     sent(udp_frame("10.0.0.1", 53, "10.0.0.2", 12345, b"\x01"))),
])
e.write()

e = Event("bad-EgressDenied.json", "udp")
e.message("egress-denied", T_UDP, [
    ({"Data": "AQ==", "Remote": remote("10.1.2.3", 5683)}, discarded("EgressDenied")),
    ({"Data": "AQ==", "Remote": remote("169.254.169.254", 80)}, discarded("EgressDenied")),
    ({"Data": "AQ==", "Remote": remote("::ffff:192.168.1.1", 5683)}, discarded("EgressDenied")),
    ({"Data": "AQ==", "Remote": remote("fd00:ec2::254", 80)}, discarded("EgressDenied")),
    ({"Data": "AQ==", "Remote": remote("255.255.255.255", 5683)}, discarded("EgressDenied")),
    ({"Data": "AQ==", "Remote": remote("100.64.0.1", 5683)}, discarded("EgressDenied")),
    ({"Data": "AQ==", "Remote": remote("::ffff:0:203.0.113.9", 5683)}, discarded("EgressDenied")),
    ({"Data": "AQ==", "Remote": remote("100::1", 5683)}, discarded("EgressDenied")),
    good_udp(b"public is fine"),
])
e.write()

# An IPv4-only Listener cannot reach IPv6 remotes, however public they look: their last 4
# bytes would otherwise be read as an IPv4 address by the socket.
e = Event("bad-AddressFamilyUnreachable.json", "udp", families="ipv4")
e.message("family-unreachable", T_UDP_V4, [
    ({"Data": "AQ==", "Remote": remote("2001:db8::a9fe:a9fe", 5683)}, discarded("AddressFamilyUnreachable")),
    ({"Data": "AQ==", "Remote": remote("2001:db8::a00:1", 5683)}, discarded("AddressFamilyUnreachable")),
    ({"Data": "AQ==", "Remote": remote("2600::7f00:1", 5683)}, discarded("AddressFamilyUnreachable")),
    ({"Data": b64(b"mapped is IPv4"), "Remote": remote("::ffff:203.0.113.9", 5683)}, sent(b"mapped is IPv4")),
    good_udp(b"IPv4 is fine"),
])
e.write()

big = bytes(range(256)) * 256
e = Event("bad-TooLarge.json", "udp")
e.message("too-large-udp", T_UDP, [
    ({"Data": b64(big[:65508]), "Remote": remote()}, discarded("TooLarge")),
    ({"Data": b64(big[:65507]), "Remote": remote()}, sent(big[:65507])),
])
e.write()

e = Event("bad-TooLarge-wg-decap.json", "wg-decap")
e.message("too-large-decap", T_DECAP, [
    ({"Data": b64(big[:1393]), "Remote": remote("203.0.113.50", 51820, PEER_A), "Inner": INNER4}, discarded("TooLarge")),
    ({"Data": b64(big[:1392]), "Remote": remote("203.0.113.50", 51820, PEER_A), "Inner": INNER4},
     sent(udp_frame("10.0.0.1", 53, "10.0.0.2", 12345, big[:1392]))),
])
e.write()

e = Event("bad-MissingInner.json", "wg-decap")
e.message("missing-inner", T_DECAP, [
    ({"Data": "AQ==", "Remote": remote("203.0.113.50", 51820, PEER_A), "Inner": None}, discarded("MissingInner")),
    ({"Data": "AQ==", "Remote": remote("203.0.113.50", 51820, PEER_A)}, discarded("MissingInner")),
    ({"Data": "AQ==", "Remote": remote("203.0.113.50", 51820, PEER_A), "Inner": INNER4},
     sent(udp_frame("10.0.0.1", 53, "10.0.0.2", 12345, b"\x01"))),
])
e.write()

manifest = {
    "description": "Expected outcome of the pure core (Validate + Admit + Format, with the state budget of a Pipe batch size of 1 and no rate limit) per test-events file and entry. "
                   "Sent = ready to send with exactly these bytes (PayloadHex, or PayloadLength + PayloadSha256 above 4096 bytes; WireGuard packets still need a live session). Denied addresses are those of the default egress policy (no allow-list). "
                   "Message-level discards have the SQS messageId as Id; entries have <messageId>/<index>. "
                   "dryRunOutcomes: what `packet-source dry-run --pipe-batch-size 1 --listener-type T --listener-families A --region R [--formatter F]` shows "
                   "where it differs (the dry run accepts every topic as a registered, enabled source without max age, "
                   "and verifies no SNS signatures).",
    "registry": REGISTRY,
    "files": dict(sorted(FILES.items())),
}
with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump(manifest, f, indent=2)
    f.write("\n")
print(f"wrote {len(FILES)} event files and expected.json")
