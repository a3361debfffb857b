package com.proxylity.packetsource.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.ListenerType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Listener each example was written for, as the manifest beside it names it
 * ({@code test-events/expected.json}: {@code files.<name>.listenerType} and
 * {@code listenerFamilies}). Without it a dry run over {@code test-events/} would judge the
 * WireGuard examples as plain UDP. A file with no manifest beside it, or one the manifest does
 * not list, has no Listener here; the caller's default applies.
 */
final class EventsManifest {
    static final String FILE_NAME = "expected.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The Listener a manifest names for one file; either part may be absent. */
    record Listener(Optional<ListenerType> type, Optional<AddressFamilies> families) {
        static final Listener NONE = new Listener(Optional.empty(), Optional.empty());
    }

    /** One read per directory: a dry run over test-events/*.json asks once per file. */
    private final Map<Path, JsonNode> filesByDirectory = new HashMap<>();

    Listener listenerOf(Path file) {
        Path name = file.getFileName();
        if (name == null || file.toString().equals(MessageFile.STDIN)) return Listener.NONE;
        Path dir = file.toAbsolutePath().normalize().getParent();
        JsonNode entry = filesByDirectory.computeIfAbsent(dir, EventsManifest::filesSection).path(name.toString());
        return new Listener(text(entry, "listenerType").map(ListenerType::fromWireName),
                text(entry, "listenerFamilies").map(AddressFamilies::fromWireName));
    }

    private static Optional<String> text(JsonNode entry, String field) {
        JsonNode v = entry.path(field);
        return v.isTextual() ? Optional.of(v.textValue()) : Optional.empty();
    }

    /** The manifest's files section; an absent or unreadable manifest names nothing (a missing node). */
    private static JsonNode filesSection(Path dir) {
        Path manifest = dir == null ? null : dir.resolve(FILE_NAME);
        if (manifest == null || !Files.isRegularFile(manifest)) return JSON.missingNode();
        try {
            return JSON.readTree(manifest.toFile()).path("files");
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }
}
