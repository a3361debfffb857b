package com.proxylity.packetsource.core.registry;

import java.util.List;
import java.util.Objects;

/**
 * A Packet Source as the custom resource registered it: the source the pipeline reads, plus who
 * owns it. {@code resourceId} (the CloudFormation physical id) owns the topic: only that
 * resource may replace or remove the registration, so a replaced resource's Delete cannot
 * deregister its successor on the same topic. The owning customer is the source's
 * {@link PacketSource#customerId()}; a resource of another customer never touches it.
 *
 * @param roleArn the customer's role the subscriptions were made with (Unsubscribe uses it again)
 * @param subscriptionArns one per regional delivery queue
 */
public record Registration(PacketSource source, String resourceId, String roleArn,
                           String description, List<String> subscriptionArns) {
    public Registration {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(source.customerId(), "a registration's source names its customer");
        subscriptionArns = subscriptionArns == null ? List.of() : List.copyOf(subscriptionArns);
    }

    public String topicArn() {
        return source.topicArn();
    }

    public String customerId() {
        return source.customerId();
    }
}
