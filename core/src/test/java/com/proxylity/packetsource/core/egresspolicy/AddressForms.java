package com.proxylity.packetsource.core.egresspolicy;

import com.proxylity.packetsource.core.contract.AddressFamilies;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared address-form table ({@code egress/address-forms.psv}): every spelling of every
 * denied range with its expected verdicts, read by the Format, sender and dry-run tests. The
 * expectations are written by hand, never derived from the policy under test.
 */
public final class AddressForms {
    public static final String RESOURCE = "/egress/address-forms.psv";
    /** An outcome that is not a discard. */
    public static final String SENT = "Sent";

    public enum Verdict { Malformed, Denied, Permitted }

    /** @param family 4, 6, or 0 when the spelling is not a literal */
    public record Row(int index, String spelling, int family, Verdict standard, Verdict loopback, String wire, String what) {
        /** "Sent" or the discard reason's name. */
        public String expected(AddressFamilies listener, boolean loopbackAllowed) {
            return switch (loopbackAllowed ? loopback : standard) {
                case Malformed -> "MalformedRemote";
                case Denied -> "EgressDenied";
                case Permitted -> (family == 4 ? listener.reachesIpv4() : listener.reachesIpv6())
                        ? SENT : "AddressFamilyUnreachable";
            };
        }

        /** Whether the on-wire test may hand this spelling to a socket of these families. */
        public boolean safeOnWire(AddressFamilies socket) {
            return switch (wire) {
                case "all" -> true;
                case "v4" -> socket == AddressFamilies.IPV4;
                case "v6" -> socket != AddressFamilies.IPV4;
                default -> false;
            };
        }

        @Override
        public String toString() {
            return spelling + " (" + what + ")";
        }
    }

    private AddressForms() {}

    public static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = AddressForms.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " missing");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] c = line.split("\\|", -1);
                if (c.length != 6) throw new IllegalStateException("bad row: " + line);
                int family = c[1].equals("-") ? 0 : Integer.parseInt(c[1]);
                String wire = c[4];
                if (!List.of("all", "v4", "v6", "none").contains(wire)) throw new IllegalStateException("bad wire: " + line);
                rows.add(new Row(rows.size(), c[0], family, Verdict.valueOf(c[2]), Verdict.valueOf(c[3]), wire, c[5]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(rows);
    }
}
