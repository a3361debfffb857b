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
 * <p>Every event is untrusted (docs/architecture.md#tenancy): anyone who may invoke the provider
 * writes all of it. So each request is authenticated by its ApiKey, and acts only on what that
 * customer owns: a physical id names its owner ({@link PhysicalIds}), a registration records its
 * customer and is written conditionally on it, and a Listener must be assigned to the customer.
 *
 * <p>All or nothing: a Create or Update that fails or is refused leaves the registry and every
 * subscription as they were. Registered first (the pipeline confirms the SubscriptionConfirmations
 * of registered topics only, and SNS may send one at once), then subscribed, then committed; a
 * failure after the first write restores the registration it replaced (or removes its own) and
 * unsubscribes what it subscribed, keeping what was there before. On Update the old topic is
 * deregistered before it is unsubscribed: whatever still arrives from it is UnknownTopic. Every
 * step is idempotent (Subscribe of the same queue with the same attributes returns the same
 * subscription), so CloudFormation's retries converge.
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

    /** Our side failed (registry, STS, SNS unreachable); the id is the one the answer must carry. */
    public static final class InternalFailure extends RuntimeException {
        private final String physicalId;

        InternalFailure(String physicalId, RuntimeException cause) {
            super(cause.toString(), cause);
            this.physicalId = physicalId;
        }

        public String physicalId() {
            return physicalId;
        }
    }

    private final RegistrationStore store;
    private final CustomerAccounts accounts;
    private final Settings settings;
    private final OutcomeTopicCheck outcomeTopics;

    /** A deployment that offers no outcome topics. */
    public PacketSourceLifecycle(RegistrationStore store, CustomerAccounts accounts, Settings settings) {
        this(store, accounts, settings, OutcomeTopicCheck.none());
    }

    /** @param outcomeTopics publishes OutcomeTopicVerified to a resource's OutcomeTopicArn before anything is written */
    public PacketSourceLifecycle(RegistrationStore store, CustomerAccounts accounts, Settings settings,
                                 OutcomeTopicCheck outcomeTopics) {
        this.store = Objects.requireNonNull(store);
        this.accounts = Objects.requireNonNull(accounts);
        this.settings = Objects.requireNonNull(settings);
        this.outcomeTopics = Objects.requireNonNull(outcomeTopics);
    }

    public Outcome create(ResourceRequest r) {
        // Until the ApiKey authenticates, the answer carries an id that owns nothing.
        String id = PhysicalIds.unowned(r.stackId(), r.logicalId());
        try {
            ResourceProperties p = ResourceProperties.parse(r.properties(), settings.servedRegions());
            Customer customer = authenticate(p.apiKey());
            id = PhysicalIds.of(customer.id(), r.stackId(), r.logicalId());
            if (customer.disabled()) throw new ResourceFailure(Reasons.accountDisabled());
            return establish(id, p, customer, null);
        } catch (ResourceFailure f) {
            return Outcome.failed(id, f.reason());
        } catch (RuntimeException e) {
            throw new InternalFailure(id, e);
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
            Customer customer = authenticate(p.apiKey());
            if (!PhysicalIds.ownedBy(oldId, customer.id())) throw new ResourceFailure(Reasons.notYours());
            if (customer.disabled()) throw new ResourceFailure(Reasons.accountDisabled());
            // Every change is in place, a new Listener too: CloudFormation undoes an Update with
            // another Update, but would undo a replacement by deleting the new resource, which
            // holds the topic by then.
            return establish(oldId, p, customer, old);
        } catch (ResourceFailure f) {
            return Outcome.failed(oldId, f.reason());
        } catch (RuntimeException e) {
            // FAILED keeps the old id: CloudFormation then rolls back to the resource it has.
            throw new InternalFailure(oldId, e);
        }
    }

    /**
     * Never FAILED, so a stack can always be deleted: whatever is already gone is fine, and a
     * failed Create's Delete succeeds. It changes something only for the customer its ApiKey
     * authenticates and only on a physical id that customer owns; any other Delete (a foreign id,
     * an unowned id, a revoked key) answers SUCCESS and changes nothing.
     */
    public Outcome delete(ResourceRequest r) {
        String id = r.physicalId();
        ResourceProperties p = parseQuietly(r.properties());
        if (p == null || id == null) return new Outcome(true, id, null, Map.of());
        Optional<Customer> customer = authenticated(p.apiKey());
        if (customer.isEmpty() || !PhysicalIds.ownedBy(id, customer.get().id())) {
            LOG.warn("delete changed nothing: not authenticated as the owner of resource={}", id);
            return new Outcome(true, id, null, Map.of());
        }
        try {
            remove(id, p.topicArn(), p.roleArn(), customer.get());
        } catch (RuntimeException e) {
            // Logged for us; the customer's stack must not get stuck in DELETE_FAILED for it.
            LOG.warn("delete left something behind resource={} topic={} error={}", id, p.topicArn(), e.toString());
        }
        return new Outcome(true, id, null, Map.of());
    }

    private Outcome establish(String id, ResourceProperties p, Customer customer, ResourceProperties old)
            throws ResourceFailure {
        // Before anything is written or assumed: another customer's topic or role is never ours
        // to touch, even for the moment an undo would take.
        if (!customer.owns(p.topicArn())) throw new ResourceFailure(Reasons.notYourAccount("SnsTopicSource.TopicArn", p.topicArn()));
        if (!customer.owns(p.roleArn())) throw new ResourceFailure(Reasons.notYourAccount("SnsTopicSource.Role", p.roleArn()));
        if (p.outcomeTopicArn() != null && !customer.owns(p.outcomeTopicArn())) {
            throw new ResourceFailure(Reasons.notYourAccount("OutcomeTopicArn", p.outcomeTopicArn()));
        }
        Listener listener = store.listener(p.listenerName()).filter(l -> customer.id().equals(l.owner()))
                // Another customer's Listener reads as unknown: the answer never confirms it exists.
                .orElseThrow(() -> new ResourceFailure(Reasons.unknownListener(p.listenerName())));
        Optional<Registration> existing = store.registration(p.topicArn());
        // The resource's current registration: this topic's, or on a topic change the old one's.
        Optional<Registration> current = existing.filter(r -> r.resourceId().equals(id))
                .or(() -> old == null ? Optional.empty() : store.registration(old.topicArn())
                        .filter(r -> r.resourceId().equals(id) && r.customerId().equals(customer.id())));
        PacketSource limits = current.map(Registration::source).orElse(null);
        if (existing.isPresent() && !(existing.get().customerId().equals(customer.id()) && existing.get().resourceId().equals(id))) {
            throw new ResourceFailure(Reasons.topicTaken(p.topicArn()));
        }
        if (existing.isEmpty() && store.packetSource(p.topicArn()).isPresent()) {
            throw new ResourceFailure(Reasons.topicTaken(p.topicArn())); // registered by hand, owned by no resource
        }
        String registeredOutcomeTopic = limits == null ? null : limits.outcomeTopicArn();
        if (p.outcomeTopicArn() != null && !p.outcomeTopicArn().equals(registeredOutcomeTopic)) {
            // A packet topic as outcome topic would deliver each summary back into the pipeline
            // (Validate also refuses our Subjects, OutcomeSubjects): refused before any write.
            if (p.outcomeTopicArn().equals(p.topicArn()) || store.packetSource(p.outcomeTopicArn()).isPresent()) {
                throw new ResourceFailure(Reasons.outcomeTopicIsPacketTopic(p.outcomeTopicArn()));
            }
            // A publish to the customer's own topic changes nothing of ours: checked before any
            // write, so a topic policy that does not grant the publisher role leaves everything as
            // it was. Only a new or changed topic: an Update that keeps it (CloudFormation's
            // rollback too) never fails on a publish to it.
            outcomeTopics.verify(p.outcomeTopicArn(), p.topicArn(), p.topicRegion());
        }
        boolean sameSubscriptions = old != null && old.topicArn().equals(p.topicArn()) && old.roleArn().equals(p.roleArn())
                && existing.isPresent() && existing.get().resourceId().equals(id)
                && existing.get().subscriptionArns().size() == settings.deliveryQueueArns().size();
        if (sameSubscriptions) {
            // Formatter, Enabled, Description, Listener or OutcomeTopicArn only: one conditional write, no subscription.
            try {
                put(registration(id, p, customer, existing.get().subscriptionArns(), limits));
            } catch (RuntimeException e) {
                restore(id, existing.get()); // it may have landed before it failed
                throw e;
            }
            return success(id, p, listener, existing.get().subscriptionArns());
        }
        List<String> made = new ArrayList<>();
        Optional<Retired> retired = Optional.empty();
        Optional<Registration> oldTopicBefore = Optional.empty();
        try (CustomerAccounts.TopicSession session = assume(p.roleArn(), customer.externalId())) {
            boolean wrote = false;
            try {
                // Set first: a write can land and still throw (a replica that never shows it),
                // and undoing one that did not land changes nothing.
                wrote = true;
                put(registration(id, p, customer, existing.map(Registration::subscriptionArns).orElse(List.of()), limits));
                for (String queueArn : settings.deliveryQueueArns()) {
                    made.add(subscribe(session, p, queueArn));
                }
                put(registration(id, p, customer, made, limits));
                // A new topic replaces the old one in the same step: both or neither.
                if (old != null && !old.topicArn().equals(p.topicArn())) {
                    oldTopicBefore = store.registration(old.topicArn());
                    retired = deregister(id, old.topicArn(), old.roleArn(), customer);
                }
            } catch (ResourceFailure | RuntimeException e) {
                undo(id, customer, p.topicArn(), existing, wrote, session, made);
                oldTopicBefore.filter(r -> r.resourceId().equals(id) && r.customerId().equals(customer.id()))
                        .ifPresent(r -> restore(id, r));
                throw e;
            }
        }
        if (retired.isPresent()) {
            try {
                unsubscribe(retired.get(), customer);
            } catch (RuntimeException e) {
                // Deregistered already, so the old topic's messages are refused (UnknownTopic)
                // even if its subscriptions could not be removed (the old role may be gone).
                LOG.warn("old topic left subscribed resource={} topic={} error={}", id, old.topicArn(), e.toString());
            }
        }
        LOG.info("packet source established resource={} customer={} topic={} listener={} subscriptions={}",
                id, customer.id(), p.topicArn(), p.listenerName(), made.size());
        return success(id, p, listener, made);
    }

    /** Puts back a registration this request removed or rewrote, unless someone else has changed it since. */
    private void restore(String id, Registration r) {
        try {
            Optional<Registration> now = store.registration(r.topicArn());
            boolean ours = now.isEmpty() || now.get().resourceId().equals(id) && now.get().customerId().equals(r.customerId());
            if (ours && !now.equals(Optional.of(r)) && !store.put(r, id)) {
                LOG.warn("undo: old topic changed meanwhile resource={}", id);
            }
        } catch (RuntimeException e) {
            LOG.warn("undo could not re-register the old topic resource={} error={}", id, e.toString());
        }
    }

    /**
     * Puts back what a failed Create or Update changed: the registration it replaced (or none),
     * and no subscription it made that was not there before. Best effort, each step on its own:
     * a failing step is logged and the others still run.
     */
    private void undo(String id, Customer customer, String topicArn, Optional<Registration> before, boolean wrote,
                      CustomerAccounts.TopicSession session, List<String> made) {
        if (wrote) {
            try {
                if (before.isPresent()) {
                    if (!store.put(before.get(), id)) LOG.warn("undo: registration changed meanwhile resource={}", id);
                } else {
                    store.delete(topicArn, id, customer.id());
                }
            } catch (RuntimeException e) {
                LOG.warn("undo could not restore the registration resource={} error={}", id, e.toString());
            }
        }
        List<String> kept = before.map(Registration::subscriptionArns).orElse(List.of());
        for (String arn : made) {
            if (kept.contains(arn)) continue;
            try {
                session.unsubscribe(arn);
            } catch (RuntimeException e) {
                LOG.warn("undo could not unsubscribe resource={} error={}", id, e.toString());
            }
        }
    }

    private Customer authenticate(String apiKey) throws ResourceFailure {
        Optional<Customer> c = ApiKeys.customerId(apiKey).flatMap(store::customer);
        // Unknown customer and wrong secret read the same, so the reason never confirms an account id.
        // During a rotation the current and the previous key both match (ApiKeys.matches).
        if (c.isEmpty() || !ApiKeys.matches(apiKey, c.get())) throw new ResourceFailure(Reasons.invalidApiKey());
        return c.get();
    }

    private Optional<Customer> authenticated(String apiKey) {
        try {
            return Optional.of(authenticate(apiKey));
        } catch (ResourceFailure f) {
            return Optional.empty();
        }
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

    private void put(Registration reg) throws ResourceFailure {
        if (!store.put(reg, null)) throw new ResourceFailure(Reasons.topicTaken(reg.topicArn()));
    }

    /**
     * Deregisters {@code topicArn} if {@code id} of {@code customer} owns it, then unsubscribes
     * our queues. A topic owned by another resource (this one's replacement) or customer is left
     * alone; an unregistered one (a Create whose undo could not unsubscribe) is cleaned by
     * listing its subscriptions to our queues, through the customer's own role and ExternalId.
     */
    private void remove(String id, String topicArn, String roleArn, Customer customer) {
        deregister(id, topicArn, roleArn, customer).ifPresent(c -> unsubscribe(c, customer));
    }

    /** What unsubscribing a deregistered topic needs. */
    private record Retired(String topicArn, String roleArn, List<String> subscriptionArns) {}

    /** Removes the topic's registration if it is this resource's; empty if the topic is not its to clean. */
    private Optional<Retired> deregister(String id, String topicArn, String roleArn, Customer customer) {
        Optional<Registration> reg = store.registration(topicArn);
        if (reg.isPresent() && !(reg.get().resourceId().equals(id) && reg.get().customerId().equals(customer.id()))) {
            return Optional.empty();
        }
        // Registered by hand (no resource owns it): its subscriptions are not this resource's.
        if (reg.isEmpty() && store.packetSource(topicArn).isPresent()) return Optional.empty();
        store.delete(topicArn, id, customer.id());
        return Optional.of(new Retired(topicArn, reg.map(Registration::roleArn).orElse(roleArn),
                reg.map(Registration::subscriptionArns).orElse(List.of())));
    }

    private void unsubscribe(Retired r, Customer customer) {
        try (CustomerAccounts.TopicSession session = accounts.assume(r.roleArn(), customer.externalId())) {
            List<String> arns = new ArrayList<>(r.subscriptionArns());
            if (arns.isEmpty()) {
                for (CustomerAccounts.Subscription s : session.subscriptions(r.topicArn())) {
                    if (settings.deliveryQueueArns().contains(s.endpoint()) && !s.pending()) arns.add(s.subscriptionArn());
                }
            }
            for (String arn : arns) session.unsubscribe(arn);
        }
    }

    /**
     * The registration this request writes. MaxAgeSeconds and RatePerSecond are the operator's
     * (no resource property sets them): kept from the registration this resource already had, so
     * a customer's Update can never lift a limit the operator set.
     */
    private Registration registration(String id, ResourceProperties p, Customer c, List<String> subscriptions,
                                      PacketSource limits) {
        return new Registration(new PacketSource(p.topicArn(), p.listenerName(), p.enabled(), p.formatter(),
                limits == null ? 0 : limits.maxAgeSeconds(), limits == null ? 0 : limits.ratePerSecond(), c.id(),
                p.outcomeTopicArn()),
                id, p.roleArn(), p.description(), subscriptions);
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
