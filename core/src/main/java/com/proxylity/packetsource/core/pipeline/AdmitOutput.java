package com.proxylity.packetsource.core.pipeline;

import java.util.List;

/**
 * Output of the Admit step: the entries Format may turn into packets, and every discard so far
 * (Validate's, except those of a message refused whole, plus Admit's own).
 */
public record AdmitOutput(List<ValidatedEntry> entries, List<Discard> discards) {
    public AdmitOutput {
        entries = List.copyOf(entries);
        discards = List.copyOf(discards);
    }
}
