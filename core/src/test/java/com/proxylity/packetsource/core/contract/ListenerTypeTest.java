package com.proxylity.packetsource.core.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Both spellings of a Listener type, and nothing else, name it. */
class ListenerTypeTest {
    @ParameterizedTest
    @EnumSource(ListenerType.class)
    void eachTypeReadsBackFromEitherSpelling(ListenerType type) {
        assertEquals(type, ListenerType.fromWireName(type.wireName()));
        assertEquals(type, ListenerType.of(type.protocol(), type.decapsulated()));
        assertEquals(type.isWireGuard(), type.protocol().equals("wg"));
    }

    @Test
    void theSpellingsAreThoseTheConfigurationsAndTheRegistryUse() {
        assertEquals(ListenerType.UDP, ListenerType.of("udp", false));
        assertEquals(ListenerType.UDP, ListenerType.of(null, false));
        assertEquals(ListenerType.WG, ListenerType.of("wg", false));
        assertEquals(ListenerType.WG_DECAP, ListenerType.of("WG", true));
        assertEquals("udp, wg, wg-decap", ListenerType.wireNames());
    }

    @Test
    void noTwoTypesShareASpelling() {
        Set<String> wire = new HashSet<>();
        Set<String> described = new HashSet<>();
        for (ListenerType t : ListenerType.values()) {
            assertEquals(true, wire.add(t.wireName()), t.wireName());
            assertEquals(true, described.add(t.protocol() + "/" + t.decapsulated()), t.name());
        }
    }

    @ParameterizedTest
    @CsvSource({"udp,true,decapsulated needs protocol wg", "tcp,false,protocol must be udp or wg",
            "wg-decap,false,protocol must be udp or wg"})
    void anythingElseIsRefusedWithWhatWouldDo(String protocol, boolean decapsulated, String message) {
        assertEquals(message, assertThrows(IllegalArgumentException.class,
                () -> ListenerType.of(protocol, decapsulated)).getMessage());
    }

    @Test
    void anUnknownWireNameListsTheKnownOnes() {
        assertEquals("unknown listener type: tcp (udp, wg, wg-decap)",
                assertThrows(IllegalArgumentException.class, () -> ListenerType.fromWireName("tcp")).getMessage());
    }
}
