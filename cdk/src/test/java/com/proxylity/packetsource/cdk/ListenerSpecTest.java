package com.proxylity.packetsource.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.proxylity.packetsource.core.contract.ListenerType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The app's Listener spelling (protocol plus decapsulated) is the core type's, for every type. */
class ListenerSpecTest {
    @ParameterizedTest
    @EnumSource(ListenerType.class)
    void everyTypeIsDeclaredAndHandedToTheSenderUnderItsOwnNames(ListenerType type) {
        ListenerSpec spec = new ListenerSpec("l", type.protocol(), type.decapsulated(), 5683, List.of());
        assertEquals(type, spec.type());
        assertEquals(type.wireName(), spec.senderType());
        assertEquals(type.isWireGuard(), spec.wireGuard());
    }

    @Test
    void aDecapsulatedUdpListenerIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ListenerSpec("l", "udp", true, 5683, List.of()));
        assertEquals("listener l: decapsulated needs protocol wg", e.getMessage());
    }
}
