package com.proxylity.packetsource.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.contract.ContractLimits;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.egresspolicy.IpLiteral;
import com.proxylity.packetsource.core.format.DecodeException;
import com.proxylity.packetsource.core.format.Formatter;
import com.proxylity.packetsource.core.format.Formatters;
import com.proxylity.packetsource.core.frame.InnerFrame;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.net.Inet4Address;

/**
 * The Format step (run by the Validate state): a validated entry to the exact bytes to send, or
 * one discard. Pure and thread-safe. Checks run in this order and the first failing one decides the reason:
 * <ol>
 *   <li>formatter known ({@code BadFormatter})</li>
 *   <li>Data decodes ({@code DecodeError})</li>
 *   <li>Remote.Address an IP literal, Remote.Port 1-65535 ({@code MalformedRemote})</li>
 *   <li>Remote.Address permitted by the egress policy ({@code EgressDenied})</li>
 *   <li>Remote.Address of a family the Listener reaches ({@code AddressFamilyUnreachable})</li>
 *   <li>WireGuard: Remote.PeerKey present and 32 bytes of base64 ({@code MalformedRemote})</li>
 *   <li>wg-decap: Inner present ({@code MissingInner}); Inner addresses literals of one family,
 *       ports 1-65535, Version/Protocol agreeing ({@code MalformedRemote});
 *       wg: Data is an IPv4/IPv6 packet whose length field matches ({@code DecodeError})</li>
 *   <li>final bytes within the Listener type's cap ({@code TooLarge})</li>
 * </ol>
 */
public final class FormatStage {
    private final EgressPolicy egressPolicy;

    public FormatStage(EgressPolicy egressPolicy) {
        this.egressPolicy = egressPolicy;
    }

    public PacketsOutput format(List<ValidatedEntry> entries) {
        List<ReadyPacket> packets = new ArrayList<>();
        List<Discard> discards = new ArrayList<>();
        for (ValidatedEntry e : entries) {
            EntryOutcome o = formatEntry(e);
            if (o instanceof ReadyPacket p) packets.add(p);
            else discards.add((Discard) o);
        }
        return new PacketsOutput(packets, discards);
    }

    /** One entry; never throws for any entry content. */
    public EntryOutcome formatEntry(ValidatedEntry e) {
        try {
            return build(e);
        } catch (Rejected r) {
            return new Discard(e.id(), r.reason, r.getMessage());
        }
    }

    private ReadyPacket build(ValidatedEntry e) throws Rejected {
        JsonNode entry = e.entry();
        if (entry == null || !entry.isObject()) throw new Rejected(DiscardReason.MalformedMessage, "entry is not an object");
        Formatter formatter = Formatters.byName(e.formatter())
                .orElseThrow(() -> new Rejected(DiscardReason.BadFormatter, "unknown formatter"));
        byte[] data;
        try {
            data = formatter.decode(entry.get("Data"));
        } catch (DecodeException x) {
            throw new Rejected(DiscardReason.DecodeError, withoutData(x.getMessage()));
        } catch (RuntimeException x) {
            // A formatter bug must still end as one countable discard, not a failed batch.
            throw new Rejected(DiscardReason.DecodeError, formatter.name() + ": Data does not decode");
        }

        JsonNode remote = entry.get("Remote");
        if (remote == null || !remote.isObject()) throw new Rejected(DiscardReason.MalformedRemote, "Remote is missing");
        InetAddress address = IpLiteral.parse(text(remote.get("Address"))).orElseThrow(() -> notLiteral("Remote.Address"));
        int port = port(remote.get("Port"), "Remote.Port");
        // The range and its rule, never the address: a Detail names fields and rules, not values.
        var denied = egressPolicy.whyDenied(address);
        if (denied.isPresent()) throw new Rejected(DiscardReason.EgressDenied, "Remote.Address is in " + denied.get());
        if (!e.listenerFamilies().reaches(address)) {
            throw new Rejected(DiscardReason.AddressFamilyUnreachable, "Remote.Address is "
                    + (address instanceof Inet4Address ? "IPv4" : "IPv6") + "; the Listener reaches "
                    + e.listenerFamilies().wireName() + " remotes only");
        }

        ListenerType type = e.listenerType();
        String peerKey = type.isWireGuard() ? peerKey(remote.get("PeerKey")) : null;
        byte[] payload = switch (type) {
            case UDP -> data;
            case WG -> checkIpPacket(data);
            case WG_DECAP -> frame(entry.get("Inner"), data, type);
        };
        if (payload.length > type.maxInnerPacket()) {
            throw new Rejected(DiscardReason.TooLarge, (type.isWireGuard() ? "inner packet " : "payload ")
                    + payload.length + " bytes exceeds the " + type.wireName() + " cap of " + type.maxInnerPacket());
        }
        return new ReadyPacket(e.id(), e.listener(), type, remote.get("Address").textValue(), port, peerKey, payload);
    }

    /**
     * JDK decoder messages quote the offending character ("Illegal base64 character 20",
     * "not a hexadecimal digit: \"g\""); a Detail must not carry payload bytes, so cut them.
     */
    static String withoutData(String message) {
        if (message == null) return "Data does not decode";
        String s = message.replaceAll("character [0-9A-Fa-f]+\\b", "character"); // the byte's code, not "character at"
        int quote = s.indexOf('"');
        return quote >= 0 ? s.substring(0, quote).replaceFirst("[:\\s]+$", "") : s;
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    private static Rejected notLiteral(String field) {
        return new Rejected(DiscardReason.MalformedRemote, field + " is not an IPv4 or IPv6 literal");
    }

    /** Bytes as written (4, or 16 also for ::ffff:a.b.c.d): the inner family is what the customer wrote. */
    /**
     * Inner addresses in their family's own form: an IPv4-mapped IPv6 literal means the IPv4
     * address, because an IPv6 frame carrying mapped addresses is dropped by the receiving stack.
     */
    private static byte[] literal(JsonNode node, String field) throws Rejected {
        return IpLiteral.parse(text(node)).map(InetAddress::getAddress).orElseThrow(() -> notLiteral(field));
    }

    private static int port(JsonNode node, String field) throws Rejected {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()
                || node.intValue() < 1 || node.intValue() > 0xFFFF) {
            throw new Rejected(DiscardReason.MalformedRemote, field + " is not an integer 1-65535");
        }
        return node.intValue();
    }

    /** Canonical base64 of the key, so session lookups match however the key was padded. */
    private static String peerKey(JsonNode node) throws Rejected {
        if (node == null || node.isNull()) {
            throw new Rejected(DiscardReason.MalformedRemote, "Remote.PeerKey is required for a WireGuard Listener");
        }
        byte[] key = null;
        if (node.isTextual()) {
            try {
                key = Base64.getDecoder().decode(node.textValue());
            } catch (IllegalArgumentException ignored) {
                key = null;
            }
        }
        if (key == null || key.length != ContractLimits.PEER_KEY_BYTES) {
            throw new Rejected(DiscardReason.MalformedRemote, "Remote.PeerKey is not a base64 32-byte key");
        }
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * For a plain WireGuard Listener Data is a whole inner packet; a receiving peer drops one
     * whose IP length disagrees with what it decrypted, so it is caught here instead.
     */
    private static byte[] checkIpPacket(byte[] p) throws Rejected {
        int version = p.length == 0 ? 0 : (p[0] & 0xFF) >>> 4;
        boolean ok = switch (version) {
            case 4 -> p.length >= InnerFrame.IPV4_HEADER && (p[0] & 0x0F) >= 5
                    && (((p[2] & 0xFF) << 8) | (p[3] & 0xFF)) == p.length;
            case 6 -> p.length >= InnerFrame.IPV6_HEADER
                    && (((p[4] & 0xFF) << 8) | (p[5] & 0xFF)) + InnerFrame.IPV6_HEADER == p.length;
            default -> false;
        };
        if (!ok) throw new Rejected(DiscardReason.DecodeError, "Data is not an IPv4 or IPv6 packet of its stated length");
        return p;
    }

    private static byte[] frame(JsonNode inner, byte[] payload, ListenerType type) throws Rejected {
        if (inner == null || inner.isNull()) {
            throw new Rejected(DiscardReason.MissingInner, "Inner is required for a DecapsulatedDelivery Listener");
        }
        if (!inner.isObject()) throw new Rejected(DiscardReason.MalformedRemote, "Inner is not an object");
        byte[] src = literal(inner.get("SourceAddress"), "Inner.SourceAddress");
        int srcPort = port(inner.get("SourcePort"), "Inner.SourcePort");
        byte[] dst = literal(inner.get("DestinationAddress"), "Inner.DestinationAddress");
        int dstPort = port(inner.get("DestinationPort"), "Inner.DestinationPort");
        int version = src.length == 4 ? 4 : 6;
        if (src.length != dst.length) {
            throw new Rejected(DiscardReason.MalformedRemote, "Inner source and destination are of different address families");
        }
        JsonNode v = inner.get("Version");
        if (v != null && !v.isNull() && !(v.isIntegralNumber() && v.intValue() == version)) {
            throw new Rejected(DiscardReason.MalformedRemote, "Inner.Version does not match the addresses (IPv" + version + ")");
        }
        JsonNode proto = inner.get("Protocol");
        if (proto != null && !proto.isNull() && !(proto.isIntegralNumber() && proto.intValue() == InnerFrame.PROTOCOL_UDP)) {
            throw new Rejected(DiscardReason.MalformedRemote, "Inner.Protocol must be 17 (UDP)");
        }
        // Checked before building so an oversized payload never allocates a frame.
        int size = payload.length + InnerFrame.overhead(src.length);
        if (size > type.maxInnerPacket()) {
            throw new Rejected(DiscardReason.TooLarge, "inner packet " + size + " bytes exceeds the "
                    + type.wireName() + " cap of " + type.maxInnerPacket());
        }
        return InnerFrame.build(src, srcPort, dst, dstPort, payload);
    }

    private static final class Rejected extends Exception {
        final DiscardReason reason;

        Rejected(DiscardReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }
}
