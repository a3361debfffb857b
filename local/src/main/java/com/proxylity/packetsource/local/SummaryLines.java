package com.proxylity.packetsource.local;

/**
 * Which summary lines {@code local} prints: only one that differs from the last printed, so an
 * idle stack is quiet and a new line always means something happened. The lines carry counts
 * only (no clock), so an unchanged stack gives the same line.
 */
public final class SummaryLines {
    private String last;

    /** True (and remembered) when {@code line} differs from the last line this returned true for. */
    public boolean changed(String line) {
        if (line.equals(last)) return false;
        last = line;
        return true;
    }
}
