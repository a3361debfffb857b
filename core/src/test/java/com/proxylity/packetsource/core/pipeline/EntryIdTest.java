package com.proxylity.packetsource.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EntryIdTest {
    @Test
    void anEntryIdSplitsBackIntoItsMessageAndIndex() {
        String id = EntryId.of("5fea7756-0ea4-451a-a703-a558b933e274", 12);
        assertEquals("5fea7756-0ea4-451a-a703-a558b933e274/12", id);
        assertTrue(EntryId.isEntry(id));
        assertEquals("5fea7756-0ea4-451a-a703-a558b933e274", EntryId.messageIdOf(id));
        assertEquals(12, EntryId.indexOf(id));
    }

    @Test
    void aMessageLevelIdIsItsOwnMessageAndSortsBeforeEveryEntry() {
        assertFalse(EntryId.isEntry("m"));
        assertEquals("m", EntryId.messageIdOf("m"));
        assertEquals(-1, EntryId.indexOf("m"));
        assertEquals(-1, EntryId.indexOf("m/x"));
    }
}
