package com.proxylity.packetsource.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import com.proxylity.packetsource.functions.resource.PacketSourceLifecycle;
import com.proxylity.packetsource.functions.resource.PhysicalIds;
import com.proxylity.packetsource.functions.resource.ResourceRequest;
import com.proxylity.packetsource.functions.resource.ResponseLimits;
import com.proxylity.packetsource.functions.resource.GuardedHttpClient;
import java.net.URI;
import java.util.function.Predicate;
import com.proxylity.packetsource.functions.config.Environment;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.lambda.powertools.cloudformation.AbstractCustomResourceHandler;
import software.amazon.lambda.powertools.cloudformation.Response;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The provider of {@code Custom::ProxylityUdpGatewayPacketSource}: CloudFormation's request in,
 * {@link PacketSourceLifecycle} does the work, the response goes to the pre-signed ResponseURL
 * (Powertools). The physical id is always set here (Powertools would otherwise use the log stream
 * name, which changes between invocations and would make CloudFormation replace the resource), and
 * every response is bounded to what CloudFormation accepts ({@link ResponseLimits}). Nothing is
 * thrown for a customer mistake: a thrown exception would send FAILED without a reason.
 *
 * <p>The event is untrusted (docs/architecture.md#tenancy): a ResponseURL outside
 * {@link ResponseUrls} gets no work done and no answer, and the HTTP client that sends answers
 * refuses such a URL a second time, follows no redirect and gives up after bounded time.
 */
public final class PacketSourceResource extends AbstractCustomResourceHandler {
    private static final Logger LOG = LogManager.getLogger(PacketSourceResource.class);
    /** Connecting and each read or write of the answer; CloudFormation's bucket answers in far less. */
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    private final PacketSourceLifecycle lifecycle;
    private final Predicate<URI> responseUrls;

    public PacketSourceResource() {
        this(Environment.packetSourceLifecycle(), Environment.responseUrls());
    }

    /** @param responseUrls where answers may go: CloudFormation's hosts in AWS, loopback only locally */
    public PacketSourceResource(PacketSourceLifecycle lifecycle, Predicate<URI> responseUrls) {
        super(new GuardedHttpClient(UrlConnectionHttpClient.builder()
                .connectionTimeout(RESPONSE_TIMEOUT).socketTimeout(RESPONSE_TIMEOUT).build(), responseUrls));
        this.lifecycle = lifecycle;
        this.responseUrls = responseUrls;
    }

    @Override
    protected Response create(CloudFormationCustomResourceEvent event, Context context) {
        return respond(event, "Create", () -> lifecycle.create(request(event)));
    }

    @Override
    protected Response update(CloudFormationCustomResourceEvent event, Context context) {
        return respond(event, "Update", () -> lifecycle.update(request(event)));
    }

    @Override
    protected Response delete(CloudFormationCustomResourceEvent event, Context context) {
        return respond(event, "Delete", () -> lifecycle.delete(request(event)));
    }

    private static ResourceRequest request(CloudFormationCustomResourceEvent e) {
        return new ResourceRequest(e.getStackId(), e.getLogicalResourceId(), e.getPhysicalResourceId(),
                e.getResourceProperties(), e.getOldResourceProperties());
    }

    private Response respond(CloudFormationCustomResourceEvent e, String type,
                             Supplier<PacketSourceLifecycle.Outcome> work) {
        if (!allowed(e.getResponseUrl())) {
            // Not CloudFormation's: nothing is done, and the client refuses to send this answer.
            LOG.warn("{} refused: ResponseURL is not a CloudFormation response URL request={}", type, e.getRequestId());
            return Response.builder().status(Response.Status.FAILED).physicalResourceId(e.getPhysicalResourceId())
                    .reason("ResponseURL refused").build();
        }
        PacketSourceLifecycle.Outcome o;
        try {
            o = work.get();
        } catch (RuntimeException ex) {
            // Our fault (registry down, ...): FAILED with a reason rather than an empty one; a
            // Delete must still succeed or the customer's stack could never be deleted.
            LOG.error("{} failed unexpectedly request={}", type, e.getRequestId(), ex);
            // The id a Create would have had, so the Delete that follows finds what it left.
            String id = ex instanceof PacketSourceLifecycle.InternalFailure f ? f.physicalId()
                    : e.getPhysicalResourceId() != null ? e.getPhysicalResourceId()
                    : PhysicalIds.unowned(e.getStackId(), e.getLogicalResourceId());
            o = "Delete".equals(type) ? new PacketSourceLifecycle.Outcome(true, e.getPhysicalResourceId(), null, Map.of())
                    : new PacketSourceLifecycle.Outcome(false, id,
                            "Internal error at Proxylity (request " + e.getRequestId() + "); retry the stack operation", Map.of());
        }
        String reason = o.reason() != null ? o.reason() : o.success() ? type + " succeeded" : "failed";
        o = ResponseLimits.fit(new ResponseLimits.Echo(e.getStackId(), e.getRequestId(), e.getLogicalResourceId()),
                new PacketSourceLifecycle.Outcome(o.success(), o.physicalId() == null ? e.getPhysicalResourceId() : o.physicalId(), reason, o.data()));
        LOG.info("{} {} resource={} reason={}", type, o.success() ? "SUCCESS" : "FAILED", o.physicalId(), o.reason());
        return Response.builder()
                .status(o.success() ? Response.Status.SUCCESS : Response.Status.FAILED)
                .physicalResourceId(o.physicalId())
                .reason(o.reason())
                .value(o.data())
                .build();
    }

    private boolean allowed(String url) {
        try {
            return url != null && responseUrls.test(new URI(url));
        } catch (URISyntaxException ex) {
            return false;
        }
    }
}
