package com.proxylity.packetsource.functions.resource;

import com.proxylity.packetsource.core.registry.ApiKeys;
import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.Listener;
import com.proxylity.packetsource.core.registry.PacketSource;
import com.proxylity.packetsource.core.registry.Registration;
import com.proxylity.packetsource.core.registry.RegistrationStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Create, Update and Delete of a Packet Source, independent of how the request arrived.
 *
 * <p>Order matters. Create registers the source before subscribing: Validate confirms a
 * SubscriptionConfirmation only for a registered topic, and SNS may deliver it at once. Messages
 * are authenticated by the registry, so on Update the old topic is deregistered before it is
 * unsubscribed: whatever still arrives from it is UnknownTopic. Every step is idempotent
 * (Subscribe of the same queue with the same attributes returns the same subscription), so
 * CloudFormation's retries converge.
 */
public final class PacketSourceLifecycle {
    private static final Logger LOG = LogManager.getLogger(PacketSourceLifecycle.class);

    /** What goes back to CloudFormation; {@code data} are the Fn::GetAtt outputs. */
    public record Outcome(boolean success, String physicalId, String reason, Map<String, String> data) {
        static Outcome failed(String physicalId, String reason) {
            return new Outcome(false, physicalId, reason, Map.of());
        }
    }

    /**
     * @param servedRegions regions a topic may be in
     * @param deliveryQueueArns one delivery queue per served region; each subscribes with the
     *                          filter policy of its own region
     */
    public record Settings(List<String> servedRegions, List<String> deliveryQueueArns) {
        public Settings {
            servedRegions = List.copyOf(servedRegions);
            deliveryQueueArns = List.copyOf(deliveryQueueArns);
            if (servedRegions.isEmpty() || deliveryQueueArns.isEmpty()) {
                throw new IllegalArgumentException("served regions and delivery queues must not be empty");
            }
        }
    }

    private final RegistrationStore store;
    private final CustomerAccounts accounts;
    private final Settings settings;

    public PacketSourceLifecycle(RegistrationStore store, CustomerAccounts accounts, Settings settings) {
        this.store = Objects.requireNonNull(store);
        this.accounts = Objects.requireNonNull(accounts);
        this.settings = Objects.requireNonNull(settings);
    }

    public Outcome create(ResourceRequest r) {
        String listenerName = r.properties() == null ? null : String.valueOf(r.properties().get("ListenerName"));
        String id = PhysicalIds.of(r.stackId(), r.logicalId(), listenerName);
        try {
            ResourceProperties p = ResourceProperties.parse(r.properties(), settings.servedRegions());
            return establish(id, p, null, null);
        } catch (ResourceFailure f) {
            return Outcome.failed(id, f.reason());
        }
    }

    public Outcome update(ResourceRequest r) {
        String oldId = r.physicalId();
        ResourceProperties p;
        try {
            p = ResourceProperties.parse(r.properties(), settings.servedRegions());
        } catch (ResourceFailure f) {
            return Outcome.failed(oldId, f.reason());
        }
        ResourceProperties old = parseQuietly(r.oldProperties());
        try {
            if (old == null || !old.listenerName().equals(p.listenerName())) {
                // Replacement: a new physical id; CloudFormation deletes the old one afterwards,
                // which leaves a topic this resource took over alone (it is no longer the owner).
                String newId = PhysicalIds.of(r.stackId(), r.logicalId(), p.listenerName());
                return establish(newId, p, oldId, null);
            }
            return establish(oldId, p, null, old);
        } catch (ResourceFailure f) {
            return Outcome.failed(oldId, f.reason());
        }
    }

    /** Never FAILED: whatever is already gone is fine, and a failed Create's Delete succeeds. */
    public Outcome delete(ResourceRequest r) {
        String id = r.physicalId();
        ResourceProperties p = parseQuietly(r.properties());
        if (p == null || id == null || !id.startsWith(PhysicalIds.PREFIX)) return new Outcome(true, id, null, Map.of());
        try {
            remove(id, p.topicArn(), p.roleArn(), customerOf(p).map(Customer::externalId).orElse(null));
        } catch (RuntimeException e) {
            // Logged for us; the customer's stack must not get stuck in DELETE_FAILED for it.
            LOG.warn("delete left something behind resource={} topic={} error={}", id, p.topicArn(), e.toString());
        }
        return new Outcome(true, id, null, Map.of());
    }

    private Outcome establish(String id, ResourceProperties p, String takeOverFrom, ResourceProperties old) throws ResourceFailure {
        Customer customer = authenticate(p.apiKey());
        Listener listener = store.listener(p.listenerName())
                .orElseThrow(() -> new ResourceFailure(Reasons.unknownListener(p.listenerName())));
        Optional<Registration> existing = store.registration(p.topicArn());
        if (existing.isPresent() && !existing.get().resourceId().equals(id) && !existing.get().resourceId().equals(takeOverFrom)) {
            throw new ResourceFailure(Reasons.topicTaken(p.topicArn()));
        }
        if (existing.isEmpty() && store.packetSource(p.topicArn()).isPresent()) {
            throw new ResourceFailure(Reasons.topicTaken(p.topicArn())); // registered by hand, owned by no resource
        }
        boolean sameSubscriptions = old != null && old.topicArn().equals(p.topicArn()) && old.roleArn().equals(p.roleArn())
                && existing.isPresent() && existing.get().resourceId().equals(id)
                && existing.get().subscriptionArns().size() == settings.deliveryQueueArns().size();
        if (sameSubscriptions) {
            // Formatter, Enabled or Description only: the registry, no SNS call.
            put(registration(id, p, customer, existing.get().subscriptionArns()), takeOverFrom);
            return success(id, p, listener, existing.get().subscriptionArns());
        }
        boolean fresh = existing.isEmpty();
        List<String> made = new ArrayList<>();
        try (CustomerAccounts.TopicSession session = assume(p.roleArn(), customer.externalId())) {
            // Registered first: the pipeline confirms SubscriptionConfirmations of registered topics only.
            put(registration(id, p, customer, existing.map(Registration::subscriptionArns).orElse(List.of())), takeOverFrom);
            try {
                for (String queueArn : settings.deliveryQueueArns()) {
                    made.add(subscribe(session, p, queueArn));
                }
            } catch (ResourceFailure | RuntimeException e) {
                if (fresh) rollBack(id, p.topicArn(), session, made);
                throw e;
            }
            put(registration(id, p, customer, made), takeOverFrom);
        }
        if (old != null && !old.topicArn().equals(p.topicArn())) {
            try {
                remove(id, old.topicArn(), old.roleArn(), customer.externalId());
            } catch (RuntimeException e) {
                // Deregistered first, so the old topic's messages are refused (UnknownTopic)
                // even if its subscriptions could not be removed (the old role may be gone).
                LOG.warn("old topic left subscribed resource={} topic={} error={}", id, old.topicArn(), e.toString());
            }
        }
        LOG.info("packet source established resource={} topic={} listener={} subscriptions={}",
                id, p.topicArn(), p.listenerName(), made.size());
        return success(id, p, listener, made);
    }

    private Customer authenticate(String apiKey) throws ResourceFailure {
        Optional<Customer> c = ApiKeys.customerId(apiKey).flatMap(store::customer);
        // Unknown customer and wrong secret read the same, so the reason never confirms an account id.
        if (c.isEmpty() || !ApiKeys.matches(apiKey, c.get())) throw new ResourceFailure(Reasons.invalidApiKey());
        return c.get();
    }

    private Optional<Customer> customerOf(ResourceProperties p) {
        return ApiKeys.customerId(p.apiKey()).flatMap(store::customer);
    }

    private CustomerAccounts.TopicSession assume(String roleArn, String externalId) throws ResourceFailure {
        try {
            return accounts.assume(roleArn, externalId);
        } catch (CustomerCallException e) {
            if (e.kind() == CustomerCallException.Kind.ACCESS_DENIED) throw new ResourceFailure(Reasons.assumeDenied(roleArn, externalId));
            throw new ResourceFailure(Reasons.callFailed(e));
        }
    }

    private String subscribe(CustomerAccounts.TopicSession session, ResourceProperties p, String queueArn) throws ResourceFailure {
        String filter = "{\"EgressRegion\":[\"" + queueArn.split(":")[3] + "\"]}";
        try {
            return session.subscribe(p.topicArn(), queueArn, filter);
        } catch (CustomerCallException e) {
            throw new ResourceFailure(switch (e.kind()) {
                case ACCESS_DENIED -> Reasons.snsDenied("sns:Subscribe", p.roleArn(), p.topicArn());
                case NOT_FOUND -> "SnsTopicSource.TopicArn " + p.topicArn() + " does not exist (sns:Subscribe answered NotFound)";
                default -> Reasons.callFailed(e);
            });
        }
    }

    private void put(Registration reg, String takeOverFrom) throws ResourceFailure {
        if (!store.put(reg, takeOverFrom)) throw new ResourceFailure(Reasons.topicTaken(reg.topicArn()));
    }

    private void rollBack(String id, String topicArn, CustomerAccounts.TopicSession session, List<String> made) {
        store.delete(topicArn, id);
        for (String arn : made) {
            try {
                session.unsubscribe(arn);
            } catch (RuntimeException e) {
                LOG.warn("roll back could not unsubscribe resource={} error={}", id, e.toString());
            }
        }
    }

    /**
     * Deregisters {@code topicArn} if {@code id} owns it, then unsubscribes our queues. A topic
     * owned by another resource (this one's replacement) is left alone; an unregistered one (a
     * failed Create) is cleaned by listing its subscriptions to our queues.
     */
    private void remove(String id, String topicArn, String roleArn, String externalId) {
        Optional<Registration> reg = store.registration(topicArn);
        if (reg.isPresent() && !reg.get().resourceId().equals(id)) return;
        // Registered by hand (no resource owns it): its subscriptions are not this resource's.
        if (reg.isEmpty() && store.packetSource(topicArn).isPresent()) return;
        store.delete(topicArn, id);
        if (externalId == null) return;
        String role = reg.map(Registration::roleArn).orElse(roleArn);
        try (CustomerAccounts.TopicSession session = accounts.assume(role, externalId)) {
            List<String> arns = new ArrayList<>(reg.map(Registration::subscriptionArns).orElse(List.of()));
            if (arns.isEmpty()) {
                for (CustomerAccounts.Subscription s : session.subscriptions(topicArn)) {
                    if (settings.deliveryQueueArns().contains(s.endpoint()) && !s.pending()) arns.add(s.subscriptionArn());
                }
            }
            for (String arn : arns) session.unsubscribe(arn);
        }
    }

    private Registration registration(String id, ResourceProperties p, Customer c, List<String> subscriptions) {
        return new Registration(new PacketSource(p.topicArn(), p.listenerName(), p.enabled(), p.formatter(), 0, 0),
                id, c.id(), p.roleArn(), p.description(), subscriptions);
    }

    private Outcome success(String id, ResourceProperties p, Listener l, List<String> subscriptions) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("TopicArn", p.topicArn());
        data.put("ListenerName", l.name());
        data.put("ListenerAddress", l.publicAddresses().isEmpty() ? "" : l.publicAddresses().get(0));
        data.put("ListenerAddresses", String.join(",", l.publicAddresses()));
        data.put("ListenerPort", Integer.toString(l.port()));
        data.put("ListenerPublicKey", l.publicKey() == null ? "" : l.publicKey());
        data.put("SubscriptionArns", String.join(",", subscriptions));
        return new Outcome(true, id, null, data);
    }

    private ResourceProperties parseQuietly(Map<String, Object> props) {
        try {
            return ResourceProperties.parse(props, settings.servedRegions());
        } catch (ResourceFailure | RuntimeException e) {
            return null;
        }
    }
}
