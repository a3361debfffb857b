package com.proxylity.packetsource.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.egresspolicy.AddressForms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The dry run over the shared address-form table: every spelling reported as Format decides it. */
class DryRunAddressFormTableTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}, loopback allowed: {1}")
    @CsvSource({"ipv4,false", "ipv4,true", "ipv6,false", "ipv6,true", "dual-stack,false", "dual-stack,true"})
    void everySpellingEndsAsTheTableSays(String families, boolean loopbackAllowed, @TempDir Path dir) throws Exception {
        List<AddressForms.Row> rows = AddressForms.rows();
        ObjectNode body = JSON.createObjectNode();
        ArrayNode messages = body.putArray("Messages");
        for (AddressForms.Row row : rows) {
            ObjectNode entry = messages.addObject().put("Data", "AQ==");
            entry.putObject("Remote").put("Address", row.spelling()).put("Port", 9);
        }
        Path file = dir.resolve("forms.json");
        Files.writeString(file, JSON.writeValueAsString(body));
        // One message of every spelling: more entries than the deployed batch's share can carry, so
        // the share of a one-message batch, else the message would be one TooLarge.
        List<String> args = new ArrayList<>(List.of("dry-run", "--json", "--pipe-batch-size", "1",
                "--listener-families", families));
        if (loopbackAllowed) args.addAll(List.of("--allow", "127.0.0.0/8,::1"));
        args.add(file.toString());
        DryRunCommandTest.Run r = DryRunCommandTest.run(args.toArray(String[]::new));
        JsonNode outcomes = JSON.readTree(r.out()).get("Files").get(0).get("Outcomes");
        assertEquals(rows.size(), outcomes.size(), r.err());
        AddressFamilies f = AddressFamilies.fromWireName(families);
        for (AddressForms.Row row : rows) {
            JsonNode o = outcomes.get(row.index());
            assertEquals("forms.json/" + row.index(), o.get("Id").asText());
            String got = "Sent".equals(o.get("Outcome").asText()) ? AddressForms.SENT : o.get("Reason").asText();
            assertEquals(row.expected(f, loopbackAllowed), got, row.toString());
        }
    }
}
