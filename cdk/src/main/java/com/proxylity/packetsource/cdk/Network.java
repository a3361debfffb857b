package com.proxylity.packetsource.cdk;

import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.constructs.Construct;
import software.constructs.IDependable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Two AZs: public subnets for the NLB, isolated private subnets for the sender tasks and the
 * Egress Lambda. No NAT gateway: AWS APIs are reached through VPC endpoints (gateway endpoints
 * for DynamoDB and S3 cost nothing; interface endpoints for ECR, CloudWatch Logs and Secrets
 * Manager), chosen by cost in docs/cost.md. Without a default route a packet the sender
 * originates can leave only through the NLB (the client's flow), never from another address:
 * docs/deployment.md.
 */
public final class Network extends Construct {
    /** Interface endpoints the tasks need: image pull (ECR API + registry), logs, injected secrets. */
    public static final List<InterfaceVpcEndpointAwsService> INTERFACE_ENDPOINTS = List.of(
            InterfaceVpcEndpointAwsService.ECR, InterfaceVpcEndpointAwsService.ECR_DOCKER,
            InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS, InterfaceVpcEndpointAwsService.SECRETS_MANAGER);
    public static final String REJECTED_FLOWS_LOG_GROUP = "/packet-source/vpc/rejected-flows";
    private final Vpc vpc;
    private final Map<String, IDependable> endpoints = new LinkedHashMap<>();

    public Network(Construct scope, String id) {
        super(scope, id);
        vpc = Vpc.Builder.create(this, "Vpc")
                .ipAddresses(IpAddresses.cidr("10.40.0.0/16"))
                .maxAzs(2)
                .natGateways(0)
                .subnetConfiguration(List.of(
                        SubnetConfiguration.builder().name("Public").subnetType(SubnetType.PUBLIC).cidrMask(24)
                                .mapPublicIpOnLaunch(false).build(),
                        SubnetConfiguration.builder().name("Private").subnetType(SubnetType.PRIVATE_ISOLATED)
                                .cidrMask(22).build()))
                .build();
        // Flow logs are billed per GB of records; accepted traffic would be a record per client
        // flow, rejected traffic is what explains a security group that drops what it should
        // not (or shows who probes the Listeners), at a fraction of the volume.
        LogGroup rejected = LogGroup.Builder.create(this, "RejectedFlows")
                .logGroupName(REJECTED_FLOWS_LOG_GROUP)
                .retention(RetentionDays.TWO_WEEKS)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        vpc.addFlowLog("Rejected", FlowLogOptions.builder()
                .trafficType(FlowLogTrafficType.REJECT)
                .destination(FlowLogDestination.toCloudWatchLogs(rejected))
                .build());
        SubnetSelection isolated = SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build();
        endpoints.put("dynamodb", vpc.addGatewayEndpoint("DynamoDb", GatewayVpcEndpointOptions.builder()
                .service(GatewayVpcEndpointAwsService.DYNAMODB).subnets(List.of(isolated)).build()));
        // ECR stores image layers in S3.
        endpoints.put("s3", vpc.addGatewayEndpoint("S3", GatewayVpcEndpointOptions.builder()
                .service(GatewayVpcEndpointAwsService.S3).subnets(List.of(isolated)).build()));
        int i = 0;
        for (InterfaceVpcEndpointAwsService service : INTERFACE_ENDPOINTS) {
            endpoints.put(service.getShortName(), vpc.addInterfaceEndpoint("Endpoint" + (i++),
                    InterfaceVpcEndpointOptions.builder().service(service).subnets(isolated).privateDnsEnabled(true).build()));
        }
    }

    public Vpc vpc() {
        return vpc;
    }

    /** The Secrets Manager endpoint: what Egress's SnapStart initialisation reads the key through. */
    public IDependable secretsManagerEndpoint() {
        return endpoints.get(InterfaceVpcEndpointAwsService.SECRETS_MANAGER.getShortName());
    }

    /** Every endpoint, gateway and interface: the sender's task needs all of them to start. */
    public List<IDependable> endpoints() {
        return List.copyOf(endpoints.values());
    }
}
