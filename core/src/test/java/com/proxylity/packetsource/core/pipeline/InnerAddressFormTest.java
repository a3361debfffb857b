package com.proxylity.packetsource.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import org.junit.jupiter.api.Test;

/** How the address forms written in {@code Inner} decide the inner frame's family. */
class InnerAddressFormTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final String PEER = "vblMc9U8RAI6cVopcKEMTVT6lVC3D9nTTMSwot5d3L4=";
    private final FormatStage format = new FormatStage(DefaultEgressPolicy.standard());

    private EntryOutcome run(String src, String dst, String version) throws Exception {
        JsonNode entry = M.readTree("""
                {"Data":"AQID","Remote":{"Address":"203.0.113.7","Port":51820,"PeerKey":"%s"},
                 "Inner":{"SourceAddress":"%s","SourcePort":53,"DestinationAddress":"%s",
                          "DestinationPort":5000%s}}""".formatted(PEER, src, dst,
                version == null ? "" : ",\"Version\":" + version));
        return format.formatEntry(new ValidatedEntry("m/0", "wg", ListenerType.WG_DECAP, "base64", entry));
    }

    @Test
    void ipv4MappedInnerAddressesBuildAnIpv4Frame() throws Exception {
        ReadyPacket p = assertInstanceOf(ReadyPacket.class, run("::ffff:10.0.0.1", "::ffff:10.0.0.2", null));
        assertEquals(4, (p.payload()[0] & 0xFF) >>> 4, "IP version of the inner frame");
        assertEquals(20 + 8 + 3, p.payload().length);
    }

    @Test
    void mappedSourceWithPlainIpv4DestinationIsOneFamily() throws Exception {
        ReadyPacket p = assertInstanceOf(ReadyPacket.class, run("::ffff:10.0.0.1", "10.0.0.2", "4"));
        assertEquals(4, (p.payload()[0] & 0xFF) >>> 4);
    }

    @Test
    void mappedAddressesClaimingVersion6AreMalformed() throws Exception {
        Discard d = assertInstanceOf(Discard.class, run("::ffff:10.0.0.1", "::ffff:10.0.0.2", "6"));
        assertEquals(DiscardReason.MalformedRemote, d.reason());
    }

    @Test
    void realIpv6InnerAddressesStayIpv6() throws Exception {
        ReadyPacket p = assertInstanceOf(ReadyPacket.class, run("fd00::1", "fd00::2", "6"));
        assertEquals(6, (p.payload()[0] & 0xFF) >>> 4);
    }
}
