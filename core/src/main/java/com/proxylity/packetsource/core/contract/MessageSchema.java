package com.proxylity.packetsource.core.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The published JSON Schema ({@code schema/packet-source-message.schema.json}), applied in two
 * parts so one bad entry never discards its siblings: {@code #/$defs/message} decides whether the
 * body is readable at all, {@code #/$defs/entry} is applied to each entry on its own and the
 * failing field picks the discard reason. Thread-safe; build once.
 */
public final class MessageSchema {
    public static final String ID =
            "https://schemas.proxylity.com/packet-source/packet-source-message.schema.json";
    public static final String RESOURCE = "schema/packet-source-message.schema.json";

    private final JsonSchema message;
    private final JsonSchema entry;

    public MessageSchema() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.schemaMappers(m -> m.mapPrefix(ID, "classpath:" + RESOURCE)));
        this.message = factory.getSchema(SchemaLocation.of(ID + "#/$defs/message"));
        this.entry = factory.getSchema(SchemaLocation.of(ID + "#/$defs/entry"));
        message.initializeValidators();
        entry.initializeValidators();
    }

    /** Whole-message check: a JSON object with 1..500 entries that are all objects. */
    public void checkMessage(JsonNode body) throws MalformedMessageException {
        Set<ValidationMessage> errors = message.validate(body);
        if (!errors.isEmpty()) {
            ValidationMessage first = errors.stream().min(Comparator.comparing(ValidationMessage::getInstanceLocation)).get();
            // The validator's message names the location and what it found and expected
            // ("$.Messages: object found, array expected"), never a value.
            throw new MalformedMessageException("body does not match the schema at " + first.getMessage()
                    + caseHint(first, body));
        }
    }

    /**
     * Per-entry check. Parts the Listener ignores (Inner unless wg-decap, PeerKey for plain UDP,
     * docs/architecture.md#message-contract) are not held against the entry.
     */
    public Optional<EntryProblem> checkEntry(JsonNode entryNode, ListenerType type) {
        Set<ValidationMessage> errors = entry.validate(entryNode);
        return errors.stream()
                .filter(e -> !ignored(field(e), type))
                .min(Comparator.comparingInt((ValidationMessage e) -> rank(field(e)))
                        .thenComparing(ValidationMessage::getInstanceLocation))
                .map(e -> problem(e, entryNode));
    }

    /** The first-level field an error is about ("Remote" for /Remote/Port, "Data" for required Data). */
    static String field(ValidationMessage e) {
        JsonNodePath at = e.getInstanceLocation();
        if (at.getNameCount() > 0) {
            String first = at.getName(0);
            if ("Remote".equals(first) && at.getNameCount() > 1 && "PeerKey".equals(at.getName(1))) {
                return "Remote.PeerKey";
            }
            return first;
        }
        return e.getProperty() == null ? "" : e.getProperty();
    }

    private static boolean ignored(String field, ListenerType type) {
        if ("Inner".equals(field)) return !type.decapsulated();
        if ("Remote.PeerKey".equals(field)) return !type.isWireGuard();
        return false;
    }

    /**
     * For a required property that is missing but present in another case ({@code data} for
     * {@code Data}): the names are case-sensitive, and "not found" alone sends a person looking
     * for a field they can see. Only ever names the schema's own field, never what was written.
     */
    static String caseHint(ValidationMessage e, JsonNode root) {
        String wanted = e.getProperty();
        if (!"required".equals(e.getType()) || wanted == null) return "";
        JsonNode at = root;
        JsonNodePath path = e.getInstanceLocation();
        for (int i = 0; i < path.getNameCount() && at != null; i++) {
            Object step = path.getElement(i);
            at = step instanceof Integer index ? at.get(index) : at.get(String.valueOf(step));
        }
        if (at == null || !at.isObject()) return "";
        for (var names = at.fieldNames(); names.hasNext(); ) {
            if (names.next().equalsIgnoreCase(wanted)) {
                return " (field names are case-sensitive: write '" + wanted + "')";
            }
        }
        return "";
    }

    /** Same order as the checks in the Format step, so the reason does not depend on the path. */
    private static final List<String> ORDER = List.of("Formatter", "Data", "Remote", "Remote.PeerKey", "Inner");

    private static int rank(String field) {
        int i = ORDER.indexOf(field);
        return i < 0 ? ORDER.size() : i;
    }

    private static EntryProblem problem(ValidationMessage e, JsonNode entryNode) {
        String field = field(e);
        // networknt messages name the location and the rule, not the offending value.
        String detail = "schema: " + e.getMessage().replaceFirst("^\\$(\\.|: )?", "");
        JsonNode address = entryNode.path("Remote").path("Address");
        if (detail.startsWith("schema: Remote.Address:") && address.isTextual() && address.asText().matches("[^:]*[A-Za-z][^:]*")) {
            // The pattern's regex tells a person nothing: say what is wrong with what they wrote.
            detail = "Remote.Address is a host name: only IPv4 and IPv6 literals are allowed (Packet Source never resolves names)";
        }
        if (detail.startsWith("schema: Remote.PeerKey:") && "pattern".equals(e.getType())) {
            detail = "Remote.PeerKey is not a WireGuard public key: 44 characters of base64 for 32 bytes, as 'wg pubkey'"
                    + " prints it";
        }
        detail += caseHint(e, entryNode);
        DiscardReason reason = switch (field) {
            case "Formatter" -> DiscardReason.BadFormatter;
            case "Data" -> DiscardReason.DecodeError;
            case "Inner" -> {
                JsonNode inner = entryNode.get("Inner");
                yield inner == null || inner.isNull() ? DiscardReason.MissingInner : DiscardReason.MalformedRemote;
            }
            default -> DiscardReason.MalformedRemote;
        };
        return new EntryProblem(reason, detail);
    }
}
