package com.proxylity.packetsource.sender.api;

import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import java.net.InetAddress;

/**
 * Stage 4 of the send path (package comment of {@code com.proxylity.packetsource.sender}): each
 * packet judged on its own, so a bad one never stops its siblings. The pipeline already validated
 * and formatted everything (docs/architecture.md, "Inner frames"); this is the sender's own guard,
 * so a buggy or compromised caller still cannot make it send malformed, oversized or denied
 * datagrams. The egress rule is given once, here.
 */
final class PacketCheck {
    /** Null: no rule (embedded without one). */
    private final EgressPolicy policy;

    PacketCheck(EgressPolicy policy) {
        this.policy = policy;
    }

    /** Why {@code p} (its address parsed as {@code addr}, null if not a literal) is refused, or null. */
    DiscardReason judge(BatchPacket p, InetAddress addr, ListenerType type, AddressFamilies families) {
        if (p.id() == null || p.payload() == null) return DiscardReason.MalformedMessage;
        if (p.port() < 1 || p.port() > 65_535 || addr == null) return DiscardReason.MalformedRemote;
        if (p.length() > type.maxInnerPacket()) return DiscardReason.TooLarge;
        if (type.isWireGuard() && (p.peerKey() == null || p.peerKey().isEmpty())) return DiscardReason.MalformedRemote;
        if (policy != null && !policy.permits(addr)) return DiscardReason.EgressDenied;
        // Checked explicitly (SocketFamily checks again per datagram): a socket is never handed an
        // address of another family.
        if (!families.reaches(addr)) return DiscardReason.AddressFamilyUnreachable;
        return null;
    }
}
