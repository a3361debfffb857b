package com.proxylity.packetsource.dynamodb;

import com.proxylity.packetsource.core.contract.AddressFamilies;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.dynamodb.Tables.Customers;
import com.proxylity.packetsource.dynamodb.Tables.Listeners;
import com.proxylity.packetsource.dynamodb.Tables.PacketSources;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import java.util.Set;
import java.nio.charset.StandardCharsets;

/**
 * PacketSource/Listener <-> items. Listeners are stored as customers describe them (Protocol
 * udp|wg plus DecapsulatedDelivery), spelled and parsed by the core's {@link ListenerType}.
 */
final class RegistryItems {
    private RegistryItems() {}

    static Map<String, AttributeValue> toItem(PacketSource p) {
        requireKey(p.topicArn(), "topicArn");
        requireKey(p.listenerName(), "listenerName");
        if (p.maxAgeSeconds() < 0 || p.ratePerSecond() < 0) throw new IllegalArgumentException("maxAgeSeconds and ratePerSecond must be >= 0");
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PacketSources.TOPIC_ARN, Attr.s(p.topicArn()));
        item.put(PacketSources.LISTENER_NAME, Attr.s(p.listenerName()));
        item.put(PacketSources.ENABLED, Attr.bool(p.enabled()));
        if (p.formatter() != null) item.put(PacketSources.FORMATTER, Attr.s(p.formatter()));
        item.put(PacketSources.MAX_AGE_SECONDS, Attr.n(p.maxAgeSeconds()));
        item.put(PacketSources.RATE_PER_SECOND, Attr.n(p.ratePerSecond()));
        if (p.customerId() != null) item.put(PacketSources.CUSTOMER_ID, Attr.s(p.customerId()));
        if (p.outcomeTopicArn() != null) item.put(PacketSources.OUTCOME_TOPIC_ARN, Attr.s(p.outcomeTopicArn()));
        return item;
    }

    static PacketSource packetSource(Map<String, AttributeValue> item, String table) {
        String arn = Attr.reqS(item, PacketSources.TOPIC_ARN, table);
        String where = table + "[" + arn + "]";
        return new PacketSource(arn,
                Attr.reqS(item, PacketSources.LISTENER_NAME, where),
                Attr.optBool(item, PacketSources.ENABLED, false), // absent = not enabled: fail closed
                Attr.optS(item, PacketSources.FORMATTER),
                Attr.optN(item, PacketSources.MAX_AGE_SECONDS, 0, where),
                Math.toIntExact(Attr.optN(item, PacketSources.RATE_PER_SECOND, 0, where)),
                Attr.optS(item, PacketSources.CUSTOMER_ID),
                Attr.optS(item, PacketSources.OUTCOME_TOPIC_ARN));
    }

    static Map<String, AttributeValue> toItem(Listener l) {
        requireKey(l.name(), "name");
        if (l.type() == null) throw new IllegalArgumentException("listener type is required");
        if (l.port() < 1 || l.port() > 65535) throw new IllegalArgumentException("listener port must be 1-65535");
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Listeners.NAME, Attr.s(l.name()));
        item.put(Listeners.PROTOCOL, Attr.s(l.type().protocol()));
        item.put(Listeners.DECAPSULATED_DELIVERY, Attr.bool(l.type().decapsulated()));
        item.put(Listeners.PORT, Attr.n(l.port()));
        item.put(Listeners.PUBLIC_ADDRESSES, Attr.list(l.publicAddresses()));
        if (l.publicKey() != null) item.put(Listeners.PUBLIC_KEY, Attr.s(l.publicKey()));
        if (l.senderEndpoint() != null) item.put(Listeners.SENDER_ENDPOINT, Attr.s(l.senderEndpoint()));
        item.put(Listeners.ADDRESS_FAMILIES, Attr.s(l.families().wireName()));
        if (l.owner() != null) item.put(Listeners.OWNER, Attr.s(l.owner()));
        return item;
    }

    static Listener listener(Map<String, AttributeValue> item, String table) {
        String name = Attr.reqS(item, Listeners.NAME, table);
        String where = table + "[" + name + "]";
        String protocol = Attr.reqS(item, Listeners.PROTOCOL, where);
        boolean decap = Attr.optBool(item, Listeners.DECAPSULATED_DELIVERY, false);
        ListenerType type;
        try {
            type = ListenerType.of(protocol, decap);
        } catch (IllegalArgumentException e) {
            throw Attr.bad(where, Listeners.PROTOCOL, "with DecapsulatedDelivery " + decap + ": " + e.getMessage());
        }
        long port = Attr.reqN(item, Listeners.PORT, where);
        if (port < 1 || port > 65535) throw Attr.bad(where, Listeners.PORT, "out of range 1-65535");
        String families = Attr.optS(item, Listeners.ADDRESS_FAMILIES);
        AddressFamilies reaches;
        try {
            reaches = families == null ? AddressFamilies.defaultFamilies() : AddressFamilies.fromWireName(families);
        } catch (IllegalArgumentException e) {
            throw Attr.bad(where, Listeners.ADDRESS_FAMILIES, "is not ipv4, ipv6 or dual-stack");
        }
        return new Listener(name, type, (int) port, Attr.optList(item, Listeners.PUBLIC_ADDRESSES),
                Attr.optS(item, Listeners.PUBLIC_KEY), Attr.optS(item, Listeners.SENDER_ENDPOINT), reaches,
                Attr.optS(item, Listeners.OWNER));
    }

    /** DynamoDB rejects empty keys and keys over 2048 bytes; such a lookup can only miss. */
    static Map<String, AttributeValue> toItem(Customer c) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(Customers.CUSTOMER_ID, Attr.s(c.id()));
        item.put(Customers.API_KEY_SHA256, Attr.s(c.apiKeySha256()));
        item.put(Customers.EXTERNAL_ID, Attr.s(c.externalId()));
        item.put(Customers.ACCOUNTS, Attr.list(c.accounts().stream().sorted().toList()));
        if (c.previousApiKeySha256() != null) item.put(Customers.PREVIOUS_API_KEY_SHA256, Attr.s(c.previousApiKeySha256()));
        if (c.disabled()) item.put(Customers.DISABLED, Attr.bool(true));
        return item;
    }

    static Customer customer(Map<String, AttributeValue> item, String table) {
        String id = Attr.reqS(item, Customers.CUSTOMER_ID, table);
        String where = table + "[" + id + "]";
        return new Customer(id, Attr.reqS(item, Customers.API_KEY_SHA256, where), Attr.reqS(item, Customers.EXTERNAL_ID, where),
                Set.copyOf(Attr.optList(item, Customers.ACCOUNTS)), Attr.optS(item, Customers.PREVIOUS_API_KEY_SHA256),
                Attr.optBool(item, Customers.DISABLED, false));
    }

    static boolean validKey(String s) {
        return s != null && !s.isEmpty() && s.getBytes(StandardCharsets.UTF_8).length <= SessionItems.MAX_PARTITION_KEY_BYTES;
    }

    private static void requireKey(String s, String what) {
        if (!validKey(s)) throw new IllegalArgumentException(what + " must be 1-2048 bytes");
    }

    static Map<String, AttributeValue> key(String attribute, String value) {
        return Map.of(attribute, Attr.s(value));
    }
}
