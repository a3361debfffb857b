package com.proxylity.packetsource.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egresspolicy.AddressForms;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Format over the shared address-form table, for IPv4-only, IPv6-only and dual-stack Listeners. */
class AddressFormTableTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final FormatStage STANDARD = new FormatStage(DefaultEgressPolicy.standard());
    private static final FormatStage LOOPBACK = new FormatStage(DefaultEgressPolicy.localMode());

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (AddressForms.Row row : AddressForms.rows()) {
            for (AddressFamilies f : AddressFamilies.values()) {
                out.add(Arguments.of(row, f, false));
                out.add(Arguments.of(row, f, true));
            }
        }
        return out.stream();
    }

    static String outcome(FormatStage stage, String address, AddressFamilies families) {
        ObjectNode entry = M.createObjectNode().put("Data", "AQ==");
        entry.putObject("Remote").put("Address", address).put("Port", 9);
        EntryOutcome o = stage.formatEntry(new ValidatedEntry("m/0", "l", ListenerType.UDP, "base64", entry, families));
        return o instanceof Discard d ? d.reason().name() : AddressForms.SENT;
    }

    @ParameterizedTest(name = "{0} on {1}, loopback allowed: {2}")
    @MethodSource("cases")
    void formatDecidesAsTheTableSays(AddressForms.Row row, AddressFamilies families, boolean loopbackAllowed) {
        assertEquals(row.expected(families, loopbackAllowed),
                outcome(loopbackAllowed ? LOOPBACK : STANDARD, row.spelling(), families));
    }

    @Test
    void theIssuesThreeAddressesAreUnreachableOnAnIpv4Listener() {
        for (String a : List.of("2001:db8::a9fe:a9fe", "2001:db8::a00:1", "2600::7f00:1")) {
            assertEquals("AddressFamilyUnreachable", outcome(LOOPBACK, a, AddressFamilies.IPV4), a);
            assertEquals("AddressFamilyUnreachable", outcome(STANDARD, a, AddressFamilies.IPV4), a);
            assertEquals("Sent", outcome(STANDARD, a, AddressFamilies.DUAL), a);
        }
    }

    @Test
    void stateWrittenBeforeFamiliesExistedReadsAsIpv4Only() throws Exception {
        ValidatedEntry e = M.readValue("{\"Id\":\"m/0\",\"Listener\":\"l\",\"ListenerType\":\"udp\",\"Formatter\":\"base64\","
                + "\"Entry\":{\"Data\":\"AQ==\",\"Remote\":{\"Address\":\"2001:db8::1\",\"Port\":9}}}", ValidatedEntry.class);
        assertEquals(AddressFamilies.IPV4, e.listenerFamilies());
        ValidatedEntry back = M.readValue(M.writeValueAsString(
                new ValidatedEntry("m/0", "l", ListenerType.UDP, "base64", e.entry(), AddressFamilies.DUAL)), ValidatedEntry.class);
        assertEquals(AddressFamilies.DUAL, back.listenerFamilies());
    }
}
