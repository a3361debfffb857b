package com.proxylity.packetsource.dynamodb;

import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The registry tables and the usage table: their names in one deployment and their schema (attribute names are
 * the single source for the repositories, the tests and the CDK stack; see docs/registry.md).
 *
 * @param packetSources table of Packet Sources, key {@link PacketSources#TOPIC_ARN}
 * @param listeners table of Listeners, key {@link Listeners#NAME}
 * @param sessions table of WireGuard session metadata, key {@link Sessions#LISTENER} + {@link Sessions#PEER_KEY}
 * @param customers table of customers (ApiKey hash, ExternalId), key {@link Customers#CUSTOMER_ID};
 *                  null in processes that never read it (the pipeline, the sender)
 * @param usage regional table of usage records (docs/usage.md), key {@link Usage#CUSTOMER_ID} +
 *              {@link Usage#HOUR_SOURCE}; null in processes that never touch it
 */
public record Tables(String packetSources, String listeners, String sessions, String customers, String usage) {
    public static final String ENV_PACKET_SOURCES = "PACKET_SOURCE_TABLE_PACKET_SOURCES";
    public static final String ENV_LISTENERS = "PACKET_SOURCE_TABLE_LISTENERS";
    public static final String ENV_SESSIONS = "PACKET_SOURCE_TABLE_SESSIONS";
    public static final String ENV_CUSTOMERS = "PACKET_SOURCE_TABLE_CUSTOMERS";
    public static final String ENV_USAGE = "PACKET_SOURCE_TABLE_USAGE";

    public Tables {
        Objects.requireNonNull(packetSources, "packetSources");
        Objects.requireNonNull(listeners, "listeners");
        Objects.requireNonNull(sessions, "sessions");
    }

    /** The deployed tables' prefix: {@code PacketSource-Customers}, ... (one stack per region creates them). */
    public static final String DEPLOYED_PREFIX = "PacketSource-";

    /** The three tables of the pipeline and the sender, without customers. */
    public Tables(String packetSources, String listeners, String sessions) {
        this(packetSources, listeners, sessions, null, null);
    }

    /** The registry without the usage table. */
    public Tables(String packetSources, String listeners, String sessions, String customers) {
        this(packetSources, listeners, sessions, customers, null);
    }

    /** {@code <prefix>PacketSources}, {@code <prefix>Listeners}, {@code <prefix>Sessions}, {@code <prefix>Customers}, {@code <prefix>Usage}. */
    public static Tables withPrefix(String prefix) {
        return new Tables(prefix + "PacketSources", prefix + "Listeners", prefix + "Sessions", prefix + "Customers",
                prefix + "Usage");
    }

    /**
     * Names from the environment variables {@value #ENV_PACKET_SOURCES}, {@value #ENV_LISTENERS},
     * {@value #ENV_SESSIONS} and, where set, {@value #ENV_CUSTOMERS} and {@value #ENV_USAGE}.
     */
    public static Tables fromEnvironment() {
        return new Tables(env(ENV_PACKET_SOURCES), env(ENV_LISTENERS), env(ENV_SESSIONS), optionalEnv(ENV_CUSTOMERS),
                optionalEnv(ENV_USAGE));
    }

    private static String optionalEnv(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** The customers table's name; fails where this process was not given one. */
    public String requireCustomers() {
        if (customers == null) throw new IllegalStateException("environment variable " + ENV_CUSTOMERS + " is not set");
        return customers;
    }

    private static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) throw new IllegalStateException("environment variable " + name + " is not set");
        return v;
    }

    /** Packet Sources: one item per customer topic. */
    public static final class PacketSources {
        /** Partition key (S): the customer's SNS topic ARN, as in the SNS envelope. */
        public static final String TOPIC_ARN = "TopicArn";
        /** S: the Listener packets of this source leave from. */
        public static final String LISTENER_NAME = "ListenerName";
        /** BOOL. */
        public static final String ENABLED = "Enabled";
        /** S, optional: default formatter (absent = base64). */
        public static final String FORMATTER = "Formatter";
        /** N, optional (absent = 0 = off). */
        public static final String MAX_AGE_SECONDS = "MaxAgeSeconds";
        /** N, optional (absent = 0 = unlimited). */
        public static final String RATE_PER_SECOND = "RatePerSecond";
        /**
         * S, optional: physical id of the custom resource that registered the topic; absent for a
         * source seeded by hand. Only that resource may replace or delete the item (conditional writes).
         */
        public static final String RESOURCE_ID = "ResourceId";
        /**
         * S, optional: the customer that owns the source (absent: registered by the operator).
         * It may bind only a Listener whose {@link Listeners#OWNER} is the same customer.
         */
        public static final String CUSTOMER_ID = "CustomerId";
        /**
         * S, optional: the customer's topic that receives this source's outcome summaries (absent:
         * none; docs/packet-sources.md, "Your own outcomes").
         */
        public static final String OUTCOME_TOPIC_ARN = "OutcomeTopicArn";
        /** S, optional: the customer's role the subscriptions were made with. */
        public static final String ROLE_ARN = "RoleArn";
        /** S, optional: the resource's Description. */
        public static final String DESCRIPTION = "Description";
        /** L of S, optional: the delivery queues' subscription ARNs. */
        public static final String SUBSCRIPTION_ARNS = "SubscriptionArns";

        private PacketSources() {}
    }

    /** Listeners: one item per Listener name. No private key here (Secrets Manager holds it). */
    public static final class Listeners {
        /** Partition key (S). */
        public static final String NAME = "Name";
        /** S: {@code udp} or {@code wg}. */
        public static final String PROTOCOL = "Protocol";
        /** BOOL, optional (absent = false); only meaningful for {@code wg}. */
        public static final String DECAPSULATED_DELIVERY = "DecapsulatedDelivery";
        /** N: the Listener's UDP port. */
        public static final String PORT = "Port";
        /** L of S, optional: public addresses clients talk to. */
        public static final String PUBLIC_ADDRESSES = "PublicAddresses";
        /** S, optional: base64 WireGuard public key. */
        public static final String PUBLIC_KEY = "PublicKey";
        /** S, optional: base URL of the egress API of the sender that owns this Listener. */
        public static final String SENDER_ENDPOINT = "SenderEndpoint";
        /**
         * S, optional: remote address families the Listener's socket reaches, {@code ipv4},
         * {@code ipv6} or {@code dual-stack}; absent = {@code ipv4} (the sender's default bind).
         */
        public static final String ADDRESS_FAMILIES = "AddressFamilies";
        /**
         * L of S, optional: base64 public keys of the WireGuard peers allowed to handshake. Set by
         * the operator; the sender re-reads it periodically (absent: its configuration's list).
         * The sender's own registration never writes it.
         */
        public static final String ALLOWED_PEERS = "AllowedPeers";
        /**
         * S, optional: the customer id the Listener is assigned to, from the deployment
         * configuration (the sender writes it with the rest of its Listener, and removes it when
         * the configuration names none). Absent: no customer's Packet Source may use it.
         */
        public static final String OWNER = "Owner";

        private Listeners() {}
    }

    /** Customers: who may create Packet Sources. The ApiKey itself is never stored. */
    public static final class Customers {
        /** Partition key (S): the customer id, the first part of its ApiKeys. */
        public static final String CUSTOMER_ID = "CustomerId";
        /** S: lowercase hex SHA-256 of the current ApiKey. */
        public static final String API_KEY_SHA256 = "ApiKeySha256";
        /** S, optional: hash of the key a rotation replaced; valid too until the operator retires it. */
        public static final String PREVIOUS_API_KEY_SHA256 = "PreviousApiKeySha256";
        /** BOOL, optional: true refuses the customer's Creates and Updates; absent reads as false. */
        public static final String DISABLED = "Disabled";
        /** S: the ExternalId we pass on sts:AssumeRole for this customer ({@code psx-...}). */
        public static final String EXTERNAL_ID = "ExternalId";
        /**
         * L of S: the customer's AWS account ids. Its Packet Sources may name topics and roles of
         * these accounts only; absent or empty, it can create none. The deployment's `customers`
         * lists the same accounts for the queue policy (docs/deployment.md#customers).
         */
        public static final String ACCOUNTS = "Accounts";

        private Customers() {}
    }

    /** Sessions: metadata of live WireGuard sessions, written by the sender. Never key material. */
    public static final class Sessions {
        /** Partition key (S): Listener name. Scoping every lookup to it keeps customers apart. */
        public static final String LISTENER = "Listener";
        /** Sort key (S): base64 X25519 public key of the peer. */
        public static final String PEER_KEY = "PeerKey";
        /** S: last authenticated outer endpoint, {@code addr:port} or {@code [v6]:port}. */
        public static final String ENDPOINT = "Endpoint";
        /** S: the sender instance that owns the keypair. */
        public static final String OWNER = "Owner";
        /** N: epoch seconds (rounded down) of the handshake. */
        public static final String ESTABLISHED_AT = "EstablishedAt";
        /** N: epoch seconds (rounded down, so never later than the real expiry). */
        public static final String EXPIRES_AT = "ExpiresAt";
        /**
         * N: DynamoDB TTL attribute, epoch seconds: {@code ExpiresAt} plus {@link #TTL_GRACE_SECONDS},
         * so an expired session stays readable for a while ({@code SessionExpired} rather than
         * {@code NoSession}). Deletion is lazy: readers always compare {@code ExpiresAt}.
         */
        public static final String TTL = "Ttl";
        public static final long TTL_GRACE_SECONDS = 3600;
        /**
         * BOOL, task records only ({@code PeerKey} = {@code task:<id>}, written by
         * {@link DynamoDbTaskDirectory}): the task is stopping and takes no new flows.
         */
        public static final String DRAINING = "Draining";

        private Sessions() {}
    }

    /**
     * Usage: one item per customer, Packet Source and UTC hour of one region, only ever added to
     * (docs/usage.md). A customer's hours are one partition, so a range of hours is one Query.
     */
    public static final class Usage {
        /** Partition key (S): the customer id, or {@code -} for the operator's own sources. */
        public static final String CUSTOMER_ID = "CustomerId";
        /** Sort key (S): {@code <yyyy-MM-ddTHHZ>#<sourceId>}, so hours sort as time does. */
        public static final String HOUR_SOURCE = "HourSource";
        /** S: the Packet Source's topic ARN, set by Validate's first count of the hour. */
        public static final String TOPIC_ARN = "TopicArn";
        /** N: SNS messages received (first receive). */
        public static final String MESSAGES = "Messages";
        /** N: packets the sender sent. */
        public static final String DELIVERED = "Delivered";
        /** N: payload bytes of those packets. */
        public static final String BYTES = "Bytes";
        /** N per reason: {@code Discarded<Reason>}, e.g. {@code DiscardedNoSession}. */
        public static final String DISCARDED_PREFIX = "Discarded";
        /** N: DynamoDB TTL, epoch seconds: the hour's end plus {@link #RETENTION_SECONDS}. */
        public static final String TTL = "Ttl";
        /** 400 days: a year of invoices and a month to dispute the last. */
        public static final long RETENTION_SECONDS = 400L * 24 * 3600;

        private Usage() {}
    }

    /** CreateTable requests (on-demand capacity) for tests and local mode; CDK declares the same schema. */
    public List<CreateTableRequest> createTableRequests() {
        List<CreateTableRequest> all = new java.util.ArrayList<>(List.of(
                hashOnly(packetSources, PacketSources.TOPIC_ARN),
                hashOnly(listeners, Listeners.NAME),
                CreateTableRequest.builder().tableName(sessions)
                        .attributeDefinitions(string(Sessions.LISTENER), string(Sessions.PEER_KEY))
                        .keySchema(key(Sessions.LISTENER, KeyType.HASH), key(Sessions.PEER_KEY, KeyType.RANGE))
                        .billingMode(BillingMode.PAY_PER_REQUEST).build()));
        if (customers != null) all.add(hashOnly(customers, Customers.CUSTOMER_ID));
        if (usage != null) {
            all.add(CreateTableRequest.builder().tableName(usage)
                    .attributeDefinitions(string(Usage.CUSTOMER_ID), string(Usage.HOUR_SOURCE))
                    .keySchema(key(Usage.CUSTOMER_ID, KeyType.HASH), key(Usage.HOUR_SOURCE, KeyType.RANGE))
                    .billingMode(BillingMode.PAY_PER_REQUEST).build());
        }
        return List.copyOf(all);
    }

    private static CreateTableRequest hashOnly(String table, String key) {
        return CreateTableRequest.builder().tableName(table).attributeDefinitions(string(key))
                .keySchema(key(key, KeyType.HASH)).billingMode(BillingMode.PAY_PER_REQUEST).build();
    }

    private static AttributeDefinition string(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
