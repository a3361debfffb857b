package com.proxylity.packetsource.cdk;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.CfnEIP;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ecr.IRepository;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LoadBalancerTargetOptions;
import software.amazon.awscdk.services.ecs.LogDriver;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.Protocol;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.NetworkListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.NetworkLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.NetworkTargetGroup;
import software.amazon.awscdk.services.elasticloadbalancingv2.SubnetMapping;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;
import software.amazon.awscdk.services.elasticloadbalancingv2.AddNetworkTargetsProps;
import software.amazon.awscdk.services.elasticloadbalancingv2.BaseNetworkListenerProps;
import com.fasterxml.jackson.core.JsonProcessingException;
import software.amazon.awscdk.services.ecs.MountPoint;
import software.amazon.awscdk.services.ecs.Volume;

/**
 * The sender on Fargate in the private subnets behind an internet-facing NLB with one Elastic IP
 * per AZ: one UDP listener per configured Listener (IP targets, client IP preserved), health
 * checked on {@code GET /health}. Secrets reach the container through ECS {@code secrets}
 * (the execution role reads them), never through the template or the task's environment text.
 * The egress API is reachable only from the Egress Lambda's security group (and the NLB's, for
 * the health check; the NLB has no listener on that port, so nobody outside can use it).
 */
public final class SenderService extends Construct {
    public static final String REPOSITORY = "packet-source-sender";
    public static final String CONTAINER = "sender";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final NetworkLoadBalancer nlb;
    private final FargateService service;
    private final Cluster cluster;
    private final List<CfnEIP> addresses = new ArrayList<>();
    private final Map<String, NetworkTargetGroup> targetGroups = new LinkedHashMap<>();

    public SenderService(Construct scope, String id, DeploymentConfig config, Vpc vpc, RegistryTables tables,
                         ISecret egressKey, ISecurityGroup egressLambdaGroup) {
        super(scope, id);
        // No service-discovery name: a name resolving to any task would let a batch reach a task
        // without the flow or session. Each task announces its own private address instead
        // (heartbeat in the Sessions table) and the pipeline routes by owner.
        cluster = Cluster.Builder.create(this, "Cluster").vpc(vpc).build();

        FargateTaskDefinition task = FargateTaskDefinition.Builder.create(this, "Task")
                .cpu(512).memoryLimitMiB(1024)
                // The Jib image is an index of arm64 and amd64 (sender/pom.xml): Fargate pulls the
                // variant of the architecture asked for here.
                .runtimePlatform(RuntimePlatform.builder()
                        .cpuArchitecture(config.senderArchitecture().equals("amd64") ? CpuArchitecture.X86_64 : CpuArchitecture.ARM64)
                        .operatingSystemFamily(OperatingSystemFamily.LINUX).build())
                .build();
        LogGroup logs = LogGroup.Builder.create(this, "Logs").logGroupName("/packet-source/sender")
                .retention(RetentionDays.ONE_MONTH).removalPolicy(RemovalPolicy.DESTROY).build();

        // One Elastic IP per AZ: the Listeners' fixed public addresses (the NLB's subnet mappings).
        List<SubnetMapping> mappings = new ArrayList<>();
        int i = 0;
        for (ISubnet subnet : vpc.getPublicSubnets()) {
            CfnEIP eip = CfnEIP.Builder.create(this, "Address" + (i++)).domain("vpc").build();
            addresses.add(eip);
            mappings.add(SubnetMapping.builder().subnet(subnet).allocationId(eip.getAttrAllocationId()).build());
        }

        Map<String, Secret> secrets = new LinkedHashMap<>();
        secrets.put("PS_EGRESS_HMAC_KEY", Secret.fromSecretsManager(egressKey));
        for (ListenerSpec l : config.listeners()) {
            if (l.wireGuard()) {
                ISecret key = software.amazon.awscdk.services.secretsmanager.Secret.fromSecretNameV2(this,
                        "Key-" + l.name(), l.privateKeySecretName());
                secrets.put(l.privateKeyEnv(), Secret.fromSecretsManager(key));
            }
        }
        IRepository repository = Repository.fromRepositoryName(this, "Repository", REPOSITORY);
        ContainerDefinition container = task.addContainer(CONTAINER, ContainerDefinitionOptions.builder()
                .image(ContainerImage.fromEcrRepository(repository, config.senderImageTag()))
                .environment(Map.of(
                        "PS_SENDER_CONFIG_JSON", senderConfig(config, tables),
                        "PS_REGISTRY_LISTENERS_TABLE", tables.names().listeners(),
                        "PS_PUBLIC_ADDRESSES", Fn.join(",", addresses.stream().map(CfnEIP::getAttrPublicIp).toList()),
                        // Owner routing: heartbeat with this task's own endpoint, record plain UDP flow owners.
                        "PS_FLOW_OWNERS", "on"))
                .secrets(secrets)
                .logging(LogDriver.awsLogs(AwsLogDriverProps.builder().logGroup(logs).streamPrefix("sender").build()))
                .readonlyRootFilesystem(true)
                // Fargate's maximum: SIGTERM comes after the deregistration delay, and the task
                // still drains its queues and writes its last heartbeat.
                .stopTimeout(Duration.seconds(120))
                .build());
        // Read-only root, but the JVM and Netty (native epoll library extraction) need a writable /tmp.
        task.addVolume(Volume.builder().name("tmp").build());
        container.addMountPoints(MountPoint.builder()
                .sourceVolume("tmp").containerPath("/tmp").readOnly(false).build());
        container.addPortMappings(PortMapping.builder().containerPort(SenderPorts.EGRESS_API).protocol(Protocol.TCP).build());
        for (ListenerSpec l : config.listeners()) {
            container.addPortMappings(PortMapping.builder().containerPort(l.port()).protocol(Protocol.UDP).build());
        }

        // Sessions: the sender writes and removes session metadata. Listeners: it records its own
        // Listeners (public key, addresses, endpoint; UpdateItem keeps the operator's AllowedPeers)
        // and re-reads their AllowedPeers, for its configured Listener names only.
        task.getTaskRole().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:GetItem"))
                .resources(List.of(tables.sessions().getTableArn())).build());
        task.getTaskRole().addToPrincipalPolicy(PolicyStatement.Builder.create()
                .actions(List.of("dynamodb:UpdateItem", "dynamodb:GetItem"))
                .resources(List.of(tables.listeners().getTableArn()))
                .conditions(Map.of("ForAllValues:StringEquals",
                        Map.of("dynamodb:LeadingKeys", config.listeners().stream().map(ListenerSpec::name).toList())))
                .build());

        SecurityGroup nlbGroup = SecurityGroup.Builder.create(this, "NlbGroup").vpc(vpc)
                .description("packet-source NLB: the Listener ports from anywhere").allowAllOutbound(true).build();
        SecurityGroup senderGroup = SecurityGroup.Builder.create(this, "SenderGroup").vpc(vpc)
                .description("packet-source sender: Listener ports through the NLB only, egress API from Egress only")
                .allowAllOutbound(true).build();
        for (ListenerSpec l : config.listeners()) {
            nlbGroup.addIngressRule(Peer.anyIpv4(), Port.udp(l.port()), "Listener " + l.name());
            // The task sees the client's address (UDP keeps it), yet a rule naming the NLB's group
            // admits traffic through the NLB (AWS documents this with client IP preservation) and
            // refuses anything sent to the task directly.
            senderGroup.addIngressRule(nlbGroup, Port.udp(l.port()), "Listener " + l.name() + " through the NLB");
        }
        senderGroup.addIngressRule(egressLambdaGroup, Port.tcp(SenderPorts.EGRESS_API), "egress API from Egress Lambda");
        senderGroup.addIngressRule(nlbGroup, Port.tcp(SenderPorts.EGRESS_API), "NLB health check");

        service = FargateService.Builder.create(this, "Service")
                .cluster(cluster)
                .taskDefinition(task)
                .desiredCount(config.senderTasks())
                .assignPublicIp(false)
                .vpcSubnets(SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build())
                .securityGroups(List.of(senderGroup))
                .circuitBreaker(DeploymentCircuitBreaker.builder().rollback(true).build())
                .minHealthyPercent(100)
                .maxHealthyPercent(200)
                .healthCheckGracePeriod(Duration.seconds(60))
                .build();

        nlb = NetworkLoadBalancer.Builder.create(this, "Nlb")
                .vpc(vpc)
                .internetFacing(true)
                .subnetMappings(mappings)
                .securityGroups(List.of(nlbGroup))
                // One task may serve both AZs' addresses.
                .crossZoneEnabled(true)
                .build();
        for (ListenerSpec l : config.listeners()) {
            NetworkListener listener = nlb.addListener("Listener-" + l.name(),
                    BaseNetworkListenerProps.builder()
                            .port(l.port()).protocol(software.amazon.awscdk.services.elasticloadbalancingv2.Protocol.UDP)
                            .build());
            NetworkTargetGroup group = listener.addTargets("Targets-" + l.name(),
                    AddNetworkTargetsProps.builder()
                            .port(l.port())
                            .protocol(software.amazon.awscdk.services.elasticloadbalancingv2.Protocol.UDP)
                            .targets(List.of(service.loadBalancerTarget(LoadBalancerTargetOptions.builder()
                                    .containerName(CONTAINER).containerPort(l.port()).protocol(Protocol.UDP).build())))
                            .healthCheck(HealthCheck.builder()
                                    .protocol(software.amazon.awscdk.services.elasticloadbalancingv2.Protocol.HTTP)
                                    .port(Integer.toString(SenderPorts.EGRESS_API))
                                    .path(SenderPorts.HEALTH_PATH)
                                    .interval(Duration.seconds(10))
                                    .healthyThresholdCount(2).unhealthyThresholdCount(2).build())
                            // A stopping task keeps the flows it holds for the NLB's UDP idle
                            // timeout (it announces draining meanwhile, so it takes no new ones).
                            .deregistrationDelay(Duration.seconds(120))
                            .build());
            // At the end of the delay the NLB ends the stopping task's flows (AWS's default for UDP
            // target groups, stated so it cannot drift): each client's or peer's next datagram then
            // opens a flow to a live task, which takes it over (core Handover). Left open, a flow
            // would keep pointing at the stopped task until 120 s after the remote's last datagram.
            group.setAttribute("deregistration_delay.connection_termination.enabled", "true");
            targetGroups.put(l.name(), group);
        }
    }

    /** The sender's configuration document (sender module's ConfigLoader); secrets only by variable name. */
    static String senderConfig(DeploymentConfig config, RegistryTables tables) {
        List<Map<String, Object>> listeners = new ArrayList<>();
        for (ListenerSpec l : config.listeners()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("type", l.senderType());
            m.put("bindAddress", "0.0.0.0");
            m.put("port", l.port());
            if (l.owner() != null) m.put("owner", l.owner());
            if (l.wireGuard()) {
                m.put("privateKeyEnv", l.privateKeyEnv());
                m.put("allowedPeers", l.allowedPeers());
            }
            listeners.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("egress", Map.of("bindAddress", "0.0.0.0", "port", SenderPorts.EGRESS_API, "hmacKeyEnv", "PS_EGRESS_HMAC_KEY"));
        doc.put("listeners", listeners);
        doc.put("sessionDirectory", Map.of("type", "dynamodb", "table", tables.names().sessions()));
        doc.put("metrics", Map.of("intervalSeconds", 60, "namespace", "PacketSource"));
        doc.put("drainTimeoutSeconds", 20);
        try {
            return JSON.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code address:port} for every Elastic IP, for one Listener port. */
    public String listenerAddresses(int port) {
        return Fn.join(",", addresses.stream().map(a -> a.getAttrPublicIp() + ":" + port).toList());
    }

    public NetworkLoadBalancer nlb() {
        return nlb;
    }

    public FargateService service() {
        return service;
    }

    public Cluster cluster() {
        return cluster;
    }

    public List<CfnEIP> addresses() {
        return addresses;
    }

    public Map<String, NetworkTargetGroup> targetGroups() {
        return targetGroups;
    }
}
