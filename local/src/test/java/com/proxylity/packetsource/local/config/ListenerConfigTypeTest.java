package com.proxylity.packetsource.local.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.proxylity.packetsource.core.contract.ListenerType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Local mode's Listener spelling (protocol plus decapsulated) is the core type's, for every type. */
class ListenerConfigTypeTest {
    @ParameterizedTest
    @EnumSource(ListenerType.class)
    void everyTypeCanBeConfigured(ListenerType type) {
        LocalConfig.ListenerConfig l = new LocalConfig.ListenerConfig("l", type.protocol(), type.decapsulated(), 0, null,
                null, null);
        assertEquals(type, l.type());
    }

    @Test
    void anAbsentProtocolIsUdpAndAnUnknownOneIsRefusedByName() {
        assertEquals(ListenerType.UDP, new LocalConfig.ListenerConfig("l", null, false, 0, null, null, null).type());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LocalConfig.ListenerConfig("l", "tcp", false, 0, null, null, null));
        assertEquals("listener l: protocol must be udp or wg", e.getMessage());
    }
}
