#!/usr/bin/env python3
"""Writes the fuzz targets' seed inputs (docs/fuzzing.md): meaningful starting points taken from
test-events/ plus hand-picked spellings of denied addresses. Seeds are named seed-*; inputs the
fuzzer found and we kept are named finding-* and are never rewritten here. Run from the repo root."""
import json, os, glob, base64, struct, pathlib

ROOT = pathlib.Path(__file__).resolve().parents[4]
RES = ROOT / "core/src/test/resources/com/proxylity/packetsource/core"
LISTENERS = {"udp": 0, "wg": 1, "wg-decap": 2}


def target(cls, method):
    d = RES / cls / method
    d.mkdir(parents=True, exist_ok=True)
    for old in d.glob("seed-*"):
        old.unlink()
    return d


def write(d, name, data):
    (d / ("seed-" + name)).write_bytes(data if isinstance(data, bytes) else data.encode())


def pipeline():
    manifest = json.loads((ROOT / "test-events/expected.json").read_text())
    sns = target("fuzz/PipelineFuzzTestInputs", "snsRecord")
    body = target("fuzz/PipelineFuzzTestInputs", "messageBody")
    for f in sorted(glob.glob(str(ROOT / "test-events/*.json"))):
        name = os.path.basename(f)[:-5]
        if name == "expected":
            continue
        doc = json.loads(pathlib.Path(f).read_text())
        records = doc if isinstance(doc, list) else doc["Records"]
        ltype = manifest["files"][name + ".json"]["listenerType"]
        for i, r in enumerate(records):
            write(sns, f"{name}-{i}", r["body"])
            try:
                env = json.loads(r["body"])
            except ValueError:
                continue
            if "Message" in env and env.get("Type") == "Notification":
                write(body, f"{name}-{i}", bytes([LISTENERS[ltype]]) + env["Message"].encode())
    # Every spelling the issue names, one entry each, on each Listener type.
    spellings = ["::ffff:10.0.0.1", "::ffff:a9fe:a9fe", "::10.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::1",
                 "2002:a00:1::", "2001:0:a9fe:a9fe::", "2001::f5ff:fffe", "::ffff:0:a00:1", "100::1",
                 "2001:db8::a9fe:a9fe", "2001:db8::a00:1", "2600::7f00:1", "fe80::1%eth0", "fd00:ec2::254",
                 "[::1]", "0x7f.1", "127.1", "010.0.0.1", "203.0.113.42", "2001:db8::1"]
    entries = [{"Data": "AQID", "Remote": {"Address": a, "Port": 9999, "PeerKey": None}} for a in spellings]
    write(body, "spellings-udp", bytes([0]) + json.dumps({"Messages": entries}).encode())
    write(body, "spellings-udp-ipv4", bytes([3]) + json.dumps({"Messages": entries}).encode())
    key = base64.b64encode(bytes(range(32))).decode()
    inner = {"SourceAddress": "10.0.0.1", "SourcePort": 53, "DestinationAddress": "10.0.0.2", "DestinationPort": 5353}
    wg = [{"Data": "AQID", "Remote": {"Address": a, "Port": 51820, "PeerKey": key}, "Inner": inner} for a in spellings]
    write(body, "spellings-wg-decap", bytes([2]) + json.dumps({"Messages": wg}).encode())


def coap():
    d = target("format/coap/CoapFuzzTestInputs", "roundTrip")
    events = [json.loads(json.loads(json.loads(r["body"])["Message"])["Messages"][i]["Data"]) if isinstance(
        json.loads(json.loads(r["body"])["Message"])["Messages"][i]["Data"], str) else
        json.loads(json.loads(r["body"])["Message"])["Messages"][i]["Data"]
        for r in json.loads((ROOT / "test-events/udp-coap.json").read_text())["Records"] for i in range(2)]
    for i, e in enumerate(events):
        write(d, f"udp-coap-{i}", json.dumps(e))
    write(d, "block-observe", json.dumps({"Type": "CON", "Code": "0.01", "MessageId": 65535, "Token": "AQIDBAUGBwg=",
              "Options": [{"Number": 6, "Value": 0}, {"Number": 23, "Value": 4294967295}, {"Number": 60, "Value": 1024},
                          {"Number": 65535, "Value": "AA=="}, {"Number": 11, "Value": "YQ=="}], "Payload": "aGVsbG8="}))
    write(d, "empty", json.dumps({"Type": 2, "Code": 0, "MessageId": 0}))
    binary = target("format/coap/CoapFuzzTestInputs", "decodeReencode")
    write(binary, "min", bytes([0x40, 0x01, 0x00, 0x01]))
    write(binary, "options", bytes([0x52, 0x45, 0x12, 0x67, 0x01, 0x02, 0xB3, 0x61, 0x62, 0x63, 0xD1, 0x0F, 0x01,
                                    0xE1, 0x00, 0x00, 0x05, 0xFF]) + b"payload")


def egress_api():
    d = target("egressapi/EgressApiFuzzTestInputs", "request")
    write(d, "one", json.dumps({"BatchId": "b-1", "Listener": "udp-listener", "Packets": [
        {"Id": "m/0", "Address": "203.0.113.42", "Port": 9999, "PeerKey": None, "Payload": "AQID", "PublishedAt": 1}]}))
    write(d, "coerced-port", '{"Listener":"l","Packets":[{"Id":"a","Address":"::1","Port":"9999","Payload":""}]}')
    write(d, "duplicate", '{"Listener":"l","Listener":"m","Packets":[]}')
    v = target("egressapi/EgressApiFuzzTestInputs", "verifier")
    write(v, "signed-here", b"\x01" + b"1795939200000\nAAAAAAAAAAAAAAAAAAAAAA\n\n{}")
    write(v, "signed-here-stale", b"\x01" + b"1795939100000\nAAAAAAAAAAAAAAAAAAAAAA\n\n{}")
    write(v, "forged", b"\x00" + b"1795939200000\nAAAAAAAAAAAAAAAAAAAAAA\n" + b"A" * 44 + b"\n{}")


def wireguard():
    d = target("wireguard/WireGuardReceiveFuzzTestInputs", "receive")
    write(d, "raw-keepalive-shape", bytes([0, 0, 4, 0, 0, 0]) + b"\x00" * 28)
    write(d, "live-index-roamed", bytes([1, 1]) + b"\x00" * 8 + b"\x00" * 32)
    write(d, "initiation-mac1", bytes([2, 0]) + bytes(range(112)))
    write(d, "initiation-genuine-flip", bytes([3, 0]) + b"\x00" * 40 + b"\x01")
    write(d, "transport-genuine", bytes([4, 0, 2]))
    write(d, "transport-genuine-roamed", bytes([4, 2, 3]))
    write(d, "transport-genuine-flip", bytes([4, 0, 1]) + b"\x00" * 20 + b"\x80")
    write(d, "cookie-reply-shape", bytes([0, 0, 3, 0, 0, 0]) + b"\x00" * 60)

if __name__ == "__main__":
    pipeline()
    coap()
    egress_api()
    wireguard()
