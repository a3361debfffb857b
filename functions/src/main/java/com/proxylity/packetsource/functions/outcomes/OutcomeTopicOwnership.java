package com.proxylity.packetsource.functions.outcomes;

import com.proxylity.packetsource.core.contract.DependencyUnavailableException;
import com.proxylity.packetsource.core.pipeline.ValidatedMessage;
import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.Registry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Re-checks, per message, that a source's outcome topic is still its customer's: the registry row
 * was bound to the customer only when it was written, and the outcome publisher role may publish
 * to every onboarded account. So a customer since disabled, an account since moved to another
 * customer, or a row seeded by hand (no customer) sends no summary anywhere: the message keeps its
 * owner for everything else, without an outcome topic.
 */
public final class OutcomeTopicOwnership {
    private static final Logger LOG = LogManager.getLogger(OutcomeTopicOwnership.class);

    /** What survives the check, and how many messages lost their outcome topic. */
    public record Checked(Map<String, ValidatedMessage> owners, int refused) {}

    private final Registry registry;

    public OutcomeTopicOwnership(Registry registry) {
        this.registry = registry;
    }

    public Checked check(Map<String, ValidatedMessage> owners) {
        Map<String, ValidatedMessage> out = new LinkedHashMap<>();
        Map<String, Boolean> allowed = new HashMap<>(); // one customer read per source per batch
        int refused = 0;
        for (Map.Entry<String, ValidatedMessage> e : owners.entrySet()) {
            ValidatedMessage m = e.getValue();
            ValidatedMessage asValidated = m;
            if (m.outcomeTopicArn() != null && !allowed.computeIfAbsent(m.topicArn(), t -> allowed(asValidated))) {
                refused++;
                m = new ValidatedMessage(m.topicArn(), m.publishedAt(), m.ratePerSecond(), m.customerId(),
                        m.snsMessageId(), null);
            }
            out.put(e.getKey(), m);
        }
        return new Checked(out, refused);
    }

    private boolean allowed(ValidatedMessage m) {
        Optional<Customer> c;
        try {
            c = m.customerId() == null ? Optional.empty() : registry.customer(m.customerId());
        } catch (DependencyUnavailableException e) {
            // A summary is best effort: it is dropped, the batch is not retried for it.
            LOG.warn("outcome topic not re-checked, no summary source={} error={}", m.topicArn(), e.toString());
            return false;
        }
        boolean ok = c.isPresent() && !c.get().disabled() && c.get().owns(m.outcomeTopicArn());
        if (!ok) {
            LOG.warn("outcome topic not its customer's, no summary source={} customer={} outcomeTopic={} reason={}",
                    m.topicArn(), m.customerId(), m.outcomeTopicArn(), c.isEmpty() ? "no such customer"
                            : c.get().disabled() ? "customer disabled" : "account not the customer's");
        }
        return ok;
    }
}
