package com.proxylity.packetsource.functions.config;

import com.proxylity.packetsource.core.egressapi.EgressKeySet;
import com.proxylity.packetsource.core.egressapi.EgressSigner;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.core.egresspolicy.EgressPolicy;
import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import com.proxylity.packetsource.core.registry.Registry;
import com.proxylity.packetsource.core.session.SessionDirectory;
import com.proxylity.packetsource.core.snsauth.EnvelopeVerifier;
import com.proxylity.packetsource.core.snsauth.SnsSignatureVerifier;
import com.proxylity.packetsource.functions.snsauth.SigningCertificates;
import com.proxylity.packetsource.dynamodb.DynamoDbClients;
import com.proxylity.packetsource.dynamodb.DynamoDbRegistry;
import com.proxylity.packetsource.dynamodb.DynamoDbSessionDirectory;
import com.proxylity.packetsource.dynamodb.Tables;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import com.proxylity.packetsource.functions.egressclient.EgressKey;
import com.proxylity.packetsource.functions.egressclient.EgressTransport;
import com.proxylity.packetsource.functions.egressclient.HttpEgressTransport;
import com.proxylity.packetsource.functions.metrics.PipelineMetrics;
import com.proxylity.packetsource.core.pipeline.RateLimiter;
import com.proxylity.packetsource.functions.ratelimit.TokenBucketRateLimiter;
import com.proxylity.packetsource.functions.registry.DeploymentDefaultsRegistry;
import com.proxylity.packetsource.functions.subscription.SnsSubscriptionConfirmer;
import com.proxylity.packetsource.functions.subscription.SubscriptionConfirmer;
import java.util.Arrays;
import com.proxylity.packetsource.functions.resource.AwsCustomerAccounts;
import com.proxylity.packetsource.dynamodb.DynamoDbRegistrationStore;
import com.proxylity.packetsource.dynamodb.DynamoDbTaskDirectory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import com.proxylity.packetsource.functions.resource.PacketSourceLifecycle;
import com.proxylity.packetsource.core.registry.RegistrationStore;
import com.proxylity.packetsource.dynamodb.ReplicatedRegistrationStore;
import com.proxylity.packetsource.functions.resource.ResponseUrls;
import com.proxylity.packetsource.core.session.TaskDirectory;

/**
 * What the no-argument (Lambda) constructors build from environment variables. Everything here
 * is created once per execution environment (the handlers are constructed once). Variables:
 * <ul>
 *   <li>{@code AWS_REGION} (set by Lambda): this deployment's region; EgressRegion must name it</li>
 *   <li>{@code PACKET_SOURCE_TABLE_PACKET_SOURCES}, {@code PACKET_SOURCE_TABLE_LISTENERS},
 *       {@code PACKET_SOURCE_TABLE_SESSIONS}: the registry and session tables</li>
 *   <li>{@code PACKET_SOURCE_MAX_AGE_SECONDS}: deployment max age for sources without one (0: off)</li>
 *   <li>{@code PACKET_SOURCE_EGRESS_ALLOW_CIDRS}: comma-separated CIDRs exempt from the egress deny list</li>
 *   <li>{@code PACKET_SOURCE_EGRESS_KEY_SECRET_ARN}: Secrets Manager secret holding the egress HMAC
 *       key set (SecretString: a base64 key or the JSON set; SecretBinary: one raw key); or, for development only,
 *       {@code PACKET_SOURCE_EGRESS_KEY} (a base64 key or the JSON key set of {@code EgressKeySet})</li>
 *   <li>{@code PACKET_SOURCE_EGRESS_TIMEOUT_MS}: per request to the sender (default 10000)</li>
 *   <li>{@code PACKET_SOURCE_REGISTRY_CACHE_SECONDS}: how long a warm handler trusts a registry
 *       answer (default 30; 0: read every time). A disabled source stops at most this much later.</li>
 *   <li>{@code PACKET_SOURCE_PIPE_BATCH_SIZE}: the Pipe's BatchSize (default 10); sets each
 *       message's share of the state size limit</li>
 *   <li>{@code POWERTOOLS_METRICS_NAMESPACE}, {@code POWERTOOLS_SERVICE_NAME}: the metrics'
 *       namespace (default {@value PipelineMetrics#NAMESPACE}) and service (default packet-source)</li>
 *   <li>the custom resource provider ({@code PacketSourceResource}) only:
 *       {@code PACKET_SOURCE_TABLE_CUSTOMERS} (the customers table, besides the registry tables),
 *       {@code PACKET_SOURCE_SERVED_REGIONS} (comma-separated regions a customer topic may be in) and
 *       {@code PACKET_SOURCE_DELIVERY_QUEUE_ARNS} (comma-separated, one delivery queue per served region)</li>
 * </ul>
 */
public final class Environment {
    public static final String REGION = "AWS_REGION";
    public static final String MAX_AGE_SECONDS = "PACKET_SOURCE_MAX_AGE_SECONDS";
    public static final String EGRESS_ALLOW_CIDRS = "PACKET_SOURCE_EGRESS_ALLOW_CIDRS";
    public static final String EGRESS_KEY_SECRET_ARN = "PACKET_SOURCE_EGRESS_KEY_SECRET_ARN";
    public static final String EGRESS_KEY = "PACKET_SOURCE_EGRESS_KEY";
    public static final String EGRESS_TIMEOUT_MS = "PACKET_SOURCE_EGRESS_TIMEOUT_MS";
    public static final String PIPE_BATCH_SIZE = "PACKET_SOURCE_PIPE_BATCH_SIZE";
    public static final String REGISTRY_CACHE_SECONDS = "PACKET_SOURCE_REGISTRY_CACHE_SECONDS";
    /** {@code on}: several sender tasks per Listener; route each packet to the task that owns its flow or session. */
    public static final String OWNER_ROUTING = "PACKET_SOURCE_OWNER_ROUTING";
    public static final String SERVED_REGIONS = "PACKET_SOURCE_SERVED_REGIONS";
    public static final String DELIVERY_QUEUE_ARNS = "PACKET_SOURCE_DELIVERY_QUEUE_ARNS";
    /** The region whose replica of the global registry tables takes the provider's writes. */
    public static final String HOME_REGION = "PACKET_SOURCE_HOME_REGION";
    /** The region's outcome publisher role: the provider assumes it to verify a customer's outcome topic. */
    public static final String OUTCOME_PUBLISHER_ROLE_ARN = "PACKET_SOURCE_OUTCOME_PUBLISHER_ROLE_ARN";
    public static final String METRICS_NAMESPACE = "POWERTOOLS_METRICS_NAMESPACE";
    public static final String METRICS_SERVICE = "POWERTOOLS_SERVICE_NAME";
    /** The Pipe batch size the payload-limit arithmetic of docs/pipeline.md is done for. */
    public static final int DEFAULT_PIPE_BATCH_SIZE = DeploymentNumbers.PIPE_BATCH_SIZE;

    private static DynamoDbClient dynamoDb;
    private static EnvelopeVerifier envelopeVerifier;
    /**
     * A batch of ten records, each naming a certificate not yet cached, stays well inside
     * Validate's 30 s timeout; a retry is cheaper than a stuck batch.
     */
    static final Duration SIGNING_CERT_FETCH_TIMEOUT = Duration.ofSeconds(2);

    private Environment() {}

    public static String region() {
        return required(REGION);
    }

    /** The DynamoDB registry (cached reads), with the deployment's default max age applied. */
    public static Registry registry() {
        return new DeploymentDefaultsRegistry(registry(dynamoDb(), Tables.fromEnvironment(), registryCacheTtl()),
                maxAgeSeconds());
    }

    /**
     * The registry reads as the handlers use them: cached per execution environment. Uncached,
     * every record costs two or three strongly consistent GetItems (Validate reads the source
     * twice and the Listener, LookupSessions the Listener again to address the egress batches), so registry throttling, not the
     * messages, would decide when whole batches fail.
     */
    static Registry registry(DynamoDbClient client, Tables tables, Duration cacheTtl) {
        return new DynamoDbRegistry(client, tables, cacheTtl, Clock.systemUTC());
    }

    /** {@value #REGISTRY_CACHE_SECONDS}, default 30 s ({@link DynamoDbRegistry#DEFAULT_CACHE_TTL}); 0 turns the cache off. */
    static Duration registryCacheTtl() {
        String v = optional(REGISTRY_CACHE_SECONDS, null);
        return v == null ? DynamoDbRegistry.DEFAULT_CACHE_TTL : Duration.ofSeconds(Long.parseLong(v.trim()));
    }

    public static SessionDirectory sessionDirectory() {
        return new DynamoDbSessionDirectory(dynamoDb(), Tables.fromEnvironment().sessions());
    }

    /**
     * The sender tasks' heartbeats when {@value #OWNER_ROUTING} is {@code on} (several tasks per
     * Listener): LookupSessions then routes each packet to its owning task's own endpoint.
     */
    public static Optional<TaskDirectory> taskDirectory() {
        if (!"on".equals(optional(OWNER_ROUTING, "off").trim())) return Optional.empty();
        return Optional.of(new DynamoDbTaskDirectory(dynamoDb(),
                Tables.fromEnvironment().sessions()));
    }

    /** The region's usage table ({@code PACKET_SOURCE_TABLE_USAGE}): required, a pipeline that bills no one is a deployment error. */
    public static com.proxylity.packetsource.core.usage.UsageStore usageStore() {
        String table = Tables.fromEnvironment().usage();
        if (table == null) throw new IllegalStateException("environment variable " + Tables.ENV_USAGE + " is not set");
        return new com.proxylity.packetsource.dynamodb.DynamoDbUsageStore(dynamoDb(), table, region());
    }

    /** The design's deny list, minus the deployment's explicit allow-list (none by default). */
    public static EgressPolicy egressPolicy() {
        String allow = optional(EGRESS_ALLOW_CIDRS, "");
        return allow.isBlank() ? DefaultEgressPolicy.standard() : DefaultEgressPolicy.allowing(allow);
    }

    private static synchronized DynamoDbClient dynamoDb() {
        if (dynamoDb == null) dynamoDb = DynamoDbClients.fromEnvironment();
        return dynamoDb;
    }

    /**
     * The custom resource's work: the registry tables (uncached, with customers), our regions and
     * delivery queues, and STS/SNS with the SDK (the SNS calls run under the customer's role).
     */
    public static PacketSourceLifecycle packetSourceLifecycle() {
        List<String> served = list(required(SERVED_REGIONS));
        var settings = new PacketSourceLifecycle.Settings(
                served, list(required(DELIVERY_QUEUE_ARNS)));
        return new PacketSourceLifecycle(registrationStore(served),
                new AwsCustomerAccounts(region(), null, null, null), settings, outcomeTopicCheck());
    }

    /**
     * The provider publishes OutcomeTopicVerified as the outcome publisher role itself (assumed
     * with its own credentials), so the check passes only if the customer's topic policy grants
     * the principal that will publish the summaries. Without the role: no outcome topics.
     */
    static com.proxylity.packetsource.functions.resource.OutcomeTopicCheck outcomeTopicCheck() {
        String role = optional(OUTCOME_PUBLISHER_ROLE_ARN, null);
        if (role == null) return com.proxylity.packetsource.functions.resource.OutcomeTopicCheck.none();
        var sts = software.amazon.awssdk.services.sts.StsClient.builder().region(software.amazon.awssdk.regions.Region.of(region()))
                .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build();
        var credentials = software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                .refreshRequest(r -> r.roleArn(role).roleSessionName("packet-source-outcome-topic-check")).build();
        return new com.proxylity.packetsource.functions.resource.OutcomeTopicCheck(role,
                new com.proxylity.packetsource.functions.outcomes.SnsOutcomePublisher(r -> software.amazon.awssdk.services.sns.SnsClient.builder()
                        .region(software.amazon.awssdk.regions.Region.of(r)).credentialsProvider(credentials)
                        .overrideConfiguration(com.proxylity.packetsource.functions.outcomes.SnsOutcomePublisher.BOUNDED)
                        .httpClientBuilder(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()).build()));
    }

    /**
     * The provider's registry: PacketSources and Customers in the home region
     * ({@value #HOME_REGION}, default this region), where every conditional write is decided;
     * Listeners in this region; each write waits until every other served region's replica shows
     * it (docs/deployment.md, "One registry for all regions").
     */
    static RegistrationStore registrationStore(List<String> served) {
        Tables tables = Tables.fromEnvironment();
        String here = region();
        String homeRegion = optional(HOME_REGION, here);
        DynamoDbClient homeClient = homeRegion.equals(here) ? dynamoDb() : DynamoDbClients.inRegion(homeRegion);
        var home = new DynamoDbRegistrationStore(homeClient, dynamoDb(), tables);
        Map<String, RegistrationStore> replicas = new HashMap<>();
        for (String r : served) {
            if (r.equals(homeRegion)) continue;
            DynamoDbClient c = r.equals(here) ? dynamoDb() : DynamoDbClients.inRegion(r);
            replicas.put(r, new DynamoDbRegistrationStore(c, dynamoDb(), tables));
        }
        return new ReplicatedRegistrationStore(home, replicas,
                ReplicatedRegistrationStore.DEFAULT_WAIT, Clock.systemUTC(),
                d -> Thread.sleep(d.toMillis()));
    }

    /** Where the provider may send its answers: CloudFormation's response hosts of the served regions. */
    public static ResponseUrls responseUrls() {
        return ResponseUrls.cloudFormation(list(required(SERVED_REGIONS)));
    }

    static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    /**
     * SNS's signature on every envelope, with certificates fetched from SNS's own hosts only and
     * chained to the JDK's trust store (docs/architecture.md#cross-account-subscription). One per
     * execution environment, so its certificate cache lives as long as the function is warm.
     */
    public static synchronized EnvelopeVerifier envelopeVerifier() {
        if (envelopeVerifier == null) {
            envelopeVerifier = new SnsSignatureVerifier(SigningCertificates.production(SIGNING_CERT_FETCH_TIMEOUT,
                    list(required(SERVED_REGIONS))));
        }
        return envelopeVerifier;
    }

    public static SubscriptionConfirmer subscriptionConfirmer() {
        return new SnsSubscriptionConfirmer();
    }

    /** The PublishOutcomes function's own credentials: its execution role is the region's outcome publisher role. */
    public static com.proxylity.packetsource.functions.outcomes.OutcomePublisher outcomePublisher() {
        return new com.proxylity.packetsource.functions.outcomes.SnsOutcomePublisher();
    }

    public static RateLimiter rateLimiter() {
        return new TokenBucketRateLimiter(Clock.systemUTC());
    }

    public static EgressTransport egressTransport() {
        // Not for the egress client: Http1Pool keeps its own connections to senders with its own
        // 20 s wall-clock idle rule. This property sets the JDK's keep-alive cache, which the AWS
        // SDK clients of this function still use (UrlConnectionHttpClient over HttpsURLConnection:
        // DynamoDB, Secrets Manager): where a service names no keep-alive time, their idle
        // connections are kept 20 s instead of the JDK's 5 s default. Left set so their behaviour
        // does not change with the egress client's; nothing measured says either value is better.
        // The cache reads it once, when its class loads: set before Egress builds its SDK clients
        // (the transport is built first, the Secrets Manager read inside it after this line).
        if (System.getProperty("http.keepAlive.time.server") == null) {
            System.setProperty("http.keepAlive.time.server", "20");
        }
        long timeout = Long.parseLong(optional(EGRESS_TIMEOUT_MS, "10000"));
        return new HttpEgressTransport(EgressSigner.current(egressKeys()), Clock.systemUTC(), Duration.ofMillis(timeout));
    }

    /** The secret when its ARN is set (the function's role may read only that secret), else the development key set. */
    private static EgressKeySet egressKeys() {
        String arn = optional(EGRESS_KEY_SECRET_ARN, null);
        return arn != null ? EgressKey.fromSecret(arn) : EgressKey.fromText(required(EGRESS_KEY), EGRESS_KEY);
    }

    public static PipelineMetrics pipelineMetrics() {
        return PipelineMetrics.create(optional(METRICS_NAMESPACE, null), optional(METRICS_SERVICE, null));
    }

    public static int pipeBatchSize() {
        return Integer.parseInt(optional(PIPE_BATCH_SIZE, Integer.toString(DEFAULT_PIPE_BATCH_SIZE)));
    }

    static long maxAgeSeconds() {
        return Long.parseLong(optional(MAX_AGE_SECONDS, "0"));
    }

    static String required(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) throw new IllegalStateException("environment variable " + name + " is not set");
        return v;
    }

    static String optional(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
