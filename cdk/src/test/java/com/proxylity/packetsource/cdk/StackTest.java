package com.proxylity.packetsource.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import com.proxylity.packetsource.dynamodb.Tables;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;

/** The Checks of the deployment issue, on every synthesized stack. */
class StackTest {

    @Test
    void oneStackPerRegionWithExplicitAccountAndRegion() {
        assertEquals(Synth.REGIONS, Synth.stacks().stream().map(s -> s.getRegion()).toList());
        for (PacketSourceStack s : Synth.stacks()) assertEquals(DeploymentConfig.PLACEHOLDER_ACCOUNT, s.getAccount());
    }

    @Test
    void theProviderRoleHasTheFixedNameCustomersTrustAndItIsAnOutput() {
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            String name = "packet-source-PacketSourceResource-" + stack.getRegion();
            String roleId = Templates.logicalId(t, "AWS::IAM::Role", "RoleName", name);
            JsonNode outputs = Templates.json(t).get("Outputs");
            assertEquals(roleId, outputs.at("/PacketSourceProviderRoleArn/Value/Fn::GetAtt/0").asText());
        }
    }

    @Test
    void deliveryQueueHasTheDlqRedriveSseAndAPolicyForCustomersTopicsOverTlsOnly() {
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            String region = stack.getRegion();
            JsonNode q = Templates.one(t, "AWS::SQS::Queue", "QueueName", DeploymentNumbers.deliveryQueueName(region)).get("Properties");
            JsonNode dlq = Templates.one(t, "AWS::SQS::Queue", "QueueName", DeploymentNumbers.deadLetterQueueName(region)).get("Properties");
            String dlqId = Templates.logicalId(t, "AWS::SQS::Queue", "QueueName", DeploymentNumbers.deadLetterQueueName(region));
            assertEquals(DeploymentNumbers.VISIBILITY_TIMEOUT_SECONDS, q.get("VisibilityTimeout").asInt());
            assertEquals(DeploymentNumbers.MAX_RECEIVE_COUNT, q.at("/RedrivePolicy/maxReceiveCount").asInt());
            assertEquals(dlqId, q.at("/RedrivePolicy/deadLetterTargetArn/Fn::GetAtt/0").asText());
            assertTrue(q.get("SqsManagedSseEnabled").asBoolean());
            assertTrue(dlq.get("SqsManagedSseEnabled").asBoolean());
            assertEquals(14 * 86_400, dlq.get("MessageRetentionPeriod").asInt());

            String qId = Templates.logicalId(t, "AWS::SQS::Queue", "QueueName", DeploymentNumbers.deliveryQueueName(region));
            JsonNode policy = Templates.resources(t, "AWS::SQS::QueuePolicy").stream().map(Map.Entry::getValue)
                    .filter(p -> p.at("/Properties/Queues/0/Ref").asText().equals(qId)).findFirst().orElseThrow();
            boolean sns = false, tlsOnly = false;
            for (JsonNode st : policy.at("/Properties/PolicyDocument/Statement")) {
                if (st.get("Effect").asText().equals("Allow")) {
                    assertEquals("sns.amazonaws.com", st.at("/Principal/Service").asText(), "only SNS may send");
                    assertEquals("sqs:SendMessage", st.get("Action").asText());
                    assertEquals(1, st.get("Condition").size(), st.toString());
                    assertEquals(Set.of("arn:aws:sns:*:" + Synth.ACME_ACCOUNT + ":*", "arn:aws:sns:*:" + Synth.GLOBEX_ACCOUNT + ":*"),
                            new HashSet<>(Templates.list(st.at("/Condition/ArnLike/aws:SourceArn")).stream().map(Templates::text).toList()),
                            "topics of onboarded customers' accounts only");
                    sns = true;
                }
                if (st.get("Effect").asText().equals("Deny")
                        && st.at("/Condition/Bool/aws:SecureTransport").asText().equals("false")) tlsOnly = true;
            }
            assertTrue(sns && tlsOnly, policy.toString());
        }
    }

    @Test
    void pipeReadsTheQueueAndStartsTheStateMachineSynchronously() {
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            String qId = Templates.logicalId(t, "AWS::SQS::Queue", "QueueName",
                    DeploymentNumbers.deliveryQueueName(stack.getRegion()));
            String smId = Templates.resources(t, "AWS::StepFunctions::StateMachine").get(0).getKey();
            List<Map.Entry<String, JsonNode>> pipes = Templates.resources(t, "AWS::Pipes::Pipe");
            assertEquals(1, pipes.size());
            JsonNode p = pipes.get(0).getValue().get("Properties");
            assertEquals(qId, p.at("/Source/Fn::GetAtt/0").asText());
            assertEquals(smId, p.at("/Target/Ref").asText());
            assertEquals(DeploymentNumbers.PIPE_BATCH_SIZE, p.at("/SourceParameters/SqsQueueParameters/BatchSize").asInt());
            assertEquals(DeploymentNumbers.PIPE_BATCHING_WINDOW_SECONDS,
                    p.at("/SourceParameters/SqsQueueParameters/MaximumBatchingWindowInSeconds").asInt());
            assertEquals("REQUEST_RESPONSE", p.at("/TargetParameters/StepFunctionStateMachineParameters/InvocationType").asText());
        }
    }

    @Test
    void stateMachineIsExpressWithTheFileAsDefinitionAndAliasArnsSubstituted() throws Exception {
        String file = Files.readString(Synth.REPO.resolve("statemachines/packet-source.asl.json"));
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            JsonNode sm = Templates.resources(t, "AWS::StepFunctions::StateMachine").get(0).getValue().get("Properties");
            assertEquals("EXPRESS", sm.get("StateMachineType").asText());
            assertEquals(file, sm.get("DefinitionString").asText(), "the definition is the file, not a copy");
            JsonNode subs = sm.get("DefinitionSubstitutions");
            Set<String> placeholders = new HashSet<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{(\\w+)}").matcher(file);
            while (m.find()) placeholders.add(m.group(1));
            Set<String> keys = new HashSet<>();
            subs.fieldNames().forEachRemaining(keys::add);
            assertEquals(placeholders, keys);
            for (String state : PipelineFunctions.STATES) {
                String aliasId = subs.at("/" + state + "FunctionArn/Ref").asText();
                JsonNode alias = Templates.json(t).at("/Resources/" + aliasId);
                assertEquals("AWS::Lambda::Alias", alias.get("Type").asText(), state);
                assertEquals(PipelineFunction.ALIAS, alias.at("/Properties/Name").asText());
            }
            assertFalse(sm.at("/LoggingConfiguration/IncludeExecutionData").asBoolean(true), "payloads stay out of logs");
            assertEquals("ALL", sm.at("/LoggingConfiguration/Level").asText());
            JsonNode asl = Templates.JSON.readTree(file);
            assertEquals(DeploymentNumbers.EXECUTION_TIMEOUT_SECONDS, asl.get("TimeoutSeconds").asInt());
            assertTrue(asl.get("TimeoutSeconds").asInt() + 30 <= DeploymentNumbers.VISIBILITY_TIMEOUT_SECONDS,
                    "the execution timeout stays well below the visibility timeout");
        }
    }

    @Test
    void functionsAreJava21Arm64WithSnapStartBehindAliasesWithTheirOwnRoles() {
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            List<Map.Entry<String, JsonNode>> fns = Templates.resources(t, "AWS::Lambda::Function");
            assertEquals(PipelineFunctions.STATES.size() + 1, fns.size());
            Set<String> handlers = new HashSet<>();
            Set<String> roles = new HashSet<>();
            for (Map.Entry<String, JsonNode> e : fns) {
                JsonNode p = e.getValue().get("Properties");
                assertEquals("java21", p.get("Runtime").asText());
                assertEquals("arm64", p.at("/Architectures/0").asText());
                assertEquals("PublishedVersions", p.at("/SnapStart/ApplyOn").asText());
                handlers.add(p.get("Handler").asText());
                roles.add(p.at("/Role/Fn::GetAtt/0").asText());
                assertEquals("log4j2-lambda.xml", p.at("/Environment/Variables/LOG4J_CONFIGURATION_FILE").asText());
                assertEquals("packet-source", p.at("/Environment/Variables/POWERTOOLS_SERVICE_NAME").asText());
                assertTrue(p.has("LoggingConfig"), "its own log group with retention");
                long aliases = Templates.resources(t, "AWS::Lambda::Alias").stream()
                        .filter(a -> a.getValue().at("/Properties/FunctionName/Ref").asText().equals(e.getKey())).count();
                assertEquals(1, aliases, e.getKey() + " has its alias");
                long versions = Templates.resources(t, "AWS::Lambda::Version").stream()
                        .filter(a -> a.getValue().at("/Properties/FunctionName/Ref").asText().equals(e.getKey())).count();
                assertEquals(1, versions, e.getKey() + " has a published version");
            }
            assertEquals(fns.size(), roles.size(), "one role per function");
            for (String s : PipelineFunctions.STATES) {
                assertTrue(handlers.contains("com.proxylity.packetsource.functions." + s + "::handleRequest"), s);
            }
            assertTrue(handlers.contains("com.proxylity.packetsource.functions.PacketSourceResource::handleRequest"));
            for (JsonNode g : Templates.resources(t, "AWS::Logs::LogGroup").stream().map(Map.Entry::getValue).toList()) {
                assertTrue(g.at("/Properties/RetentionInDays").asInt() > 0, "every log group has a retention");
            }
            JsonNode provider = Templates.one(t, "AWS::Lambda::Function", "FunctionName", "packet-source-" + ResourceProvider.HANDLER);
        assertEquals(Synth.HOME, provider.at("/Properties/Environment/Variables/PACKET_SOURCE_HOME_REGION").asText());
        JsonNode validate = Templates.one(t, "AWS::Lambda::Function", "FunctionName", "packet-source-Validate");
            assertEquals(Integer.toString(DeploymentNumbers.PIPE_BATCH_SIZE),
                    validate.at("/Properties/Environment/Variables/PACKET_SOURCE_PIPE_BATCH_SIZE").asText());
            assertEquals(4, validate.at("/Properties/ReservedConcurrentExecutions").asInt(), "bounds the rate limit");
            // Validate fetches SNS's signing certificates from sns.<region>.amazonaws.com (and calls
            // the SNS API): outside the VPC it has Lambda's own internet access; the isolated
            // subnets have no route there (docs/architecture.md#cross-account-subscription).
            assertTrue(validate.at("/Properties/VpcConfig").isMissingNode(), "Validate runs outside the VPC");
            JsonNode egress = Templates.one(t, "AWS::Lambda::Function", "FunctionName", "packet-source-Egress");
            assertTrue(egress.at("/Properties/VpcConfig/SubnetIds").size() >= 2, "Egress runs in the private subnets");
        }
    }

    /**
     * PacketSources and Customers are one global table each, owned by the home stack with a
     * replica in every served region; Listeners and Sessions are regional tables in every stack.
     * Keys and attributes of both kinds come from {@code Tables}.
     */
    @Test
    void tablesAreExactlyWhatTablesDefinesWithTheRegistryGlobalFromTheHomeRegion() {
        Tables names = Tables.withPrefix(RegistryTables.PREFIX);
        Set<String> global = Set.of(names.packetSources(), names.customers());
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            boolean home = stack.getRegion().equals(Synth.HOME);
            List<CreateTableRequest> expected = names.createTableRequests();
            assertEquals(expected.size() - global.size(), Templates.resources(t, "AWS::DynamoDB::Table").size());
            assertEquals(home ? global.size() : 0, Templates.resources(t, "AWS::DynamoDB::GlobalTable").size(),
                    "only the home stack creates the global tables: " + stack.getRegion());
            for (CreateTableRequest r : expected) {
                boolean isGlobal = global.contains(r.tableName());
                if (isGlobal && !home) continue;
                JsonNode resource = Templates.one(t, isGlobal ? "AWS::DynamoDB::GlobalTable" : "AWS::DynamoDB::Table",
                        "TableName", r.tableName());
                assertEquals("Retain", resource.path("DeletionPolicy").asText(), r.tableName());
                JsonNode p = resource.get("Properties");
                List<String> keys = new ArrayList<>();
                p.get("KeySchema").forEach(k -> keys.add(k.get("AttributeName").asText() + "/" + k.get("KeyType").asText()));
                assertEquals(r.keySchema().stream().map(k -> k.attributeName() + "/" + k.keyTypeAsString()).toList(), keys);
                List<String> attrs = new ArrayList<>();
                p.get("AttributeDefinitions").forEach(a -> attrs.add(a.get("AttributeName").asText() + "/" + a.get("AttributeType").asText()));
                assertEquals(r.attributeDefinitions().stream().map(a -> a.attributeName() + "/" + a.attributeTypeAsString())
                        .sorted().toList(), attrs.stream().sorted().toList());
                assertEquals("PAY_PER_REQUEST", p.get("BillingMode").asText());
                assertTrue(p.at("/SSESpecification/SSEEnabled").asBoolean());
                if (!isGlobal) {
                    assertTrue(p.at("/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled").asBoolean());
                    continue;
                }
                Set<String> replicas = new HashSet<>();
                for (JsonNode replica : p.get("Replicas")) {
                    replicas.add(replica.get("Region").asText());
                    assertTrue(replica.at("/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled").asBoolean(),
                            r.tableName() + " in " + replica.get("Region").asText());
                }
                assertEquals(Set.copyOf(Synth.REGIONS), replicas, r.tableName() + ": a replica in every served region");
            }
            JsonNode sessions = Templates.one(t, "AWS::DynamoDB::Table", "TableName", names.sessions()).get("Properties");
            assertEquals(Tables.Sessions.TTL, sessions.at("/TimeToLiveSpecification/AttributeName").asText());
            assertTrue(sessions.at("/TimeToLiveSpecification/Enabled").asBoolean());
        }
    }

    /**
     * A stack of another region creates no registry table of its own: its functions read and
     * write the global tables' replica in their own region, by its fixed name, and the app
     * deploys it after the home stack that creates that replica.
     */
    @Test
    void anotherRegionsFunctionsUseTheReplicaInTheirOwnRegion() {
        Tables names = Tables.withPrefix(RegistryTables.PREFIX);
        PacketSourceStack other = Synth.stack("eu-west-1");
        Template t = Synth.template(other);
        String replica = "arn:aws:dynamodb:eu-west-1:" + DeploymentConfig.PLACEHOLDER_ACCOUNT + ":table/";
        String home = "arn:aws:dynamodb:" + Synth.HOME + ":" + DeploymentConfig.PLACEHOLDER_ACCOUNT + ":table/";
        // The provider writes only in the home replica, where conditional writes are decided, and
        // reads this region's replica back before it subscribes.
        Map<String, Set<String>> expected = Map.of(
                PipelineFunction.roleName("Validate", "eu-west-1"), Set.of(replica + names.packetSources() + " dynamodb:GetItem"),
                PipelineFunction.roleName(ResourceProvider.HANDLER, "eu-west-1"), Set.of(
                        replica + names.packetSources() + " dynamodb:GetItem", home + names.packetSources() + " dynamodb:GetItem",
                        home + names.packetSources() + " dynamodb:PutItem", home + names.packetSources() + " dynamodb:DeleteItem",
                        home + names.customers() + " dynamodb:GetItem"));
        for (Map.Entry<String, Set<String>> e : expected.entrySet()) {
            Set<String> onGlobal = new HashSet<>();
            for (String grant : dynamoGrants(t, e.getKey())) {
                if (grant.contains(names.packetSources()) || grant.contains(names.customers())) onGlobal.add(grant);
            }
            assertEquals(e.getValue(), onGlobal, e.getKey());
        }
        JsonNode provider = Templates.one(t, "AWS::Lambda::Function", "FunctionName", "packet-source-" + ResourceProvider.HANDLER);
        assertEquals(Synth.HOME, provider.at("/Properties/Environment/Variables/PACKET_SOURCE_HOME_REGION").asText());
        JsonNode validate = Templates.one(t, "AWS::Lambda::Function", "FunctionName", "packet-source-Validate");
        assertEquals(names.packetSources(), validate.at("/Properties/Environment/Variables/" + Tables.ENV_PACKET_SOURCES).asText());
        assertTrue(other.getDependencies().contains(Synth.stack(Synth.HOME)), "deployed after the home stack");
        assertTrue(Synth.stack(Synth.HOME).getDependencies().isEmpty());
    }

    /** Every dynamodb action of the role's policies, as {@code <resource ARN or GetAtt id> <action>}. */
    static Set<String> dynamoGrants(Template t, String roleName) {
        String roleId = Templates.logicalId(t, "AWS::IAM::Role", "RoleName", roleName);
        Set<String> grants = new HashSet<>();
        for (Map.Entry<String, JsonNode> p : Templates.resources(t, "AWS::IAM::Policy")) {
            boolean ours = false;
            for (JsonNode r : p.getValue().at("/Properties/Roles")) ours |= roleId.equals(r.path("Ref").asText());
            if (!ours) continue;
            for (JsonNode st : p.getValue().at("/Properties/PolicyDocument/Statement")) {
                for (JsonNode action : Templates.list(st.get("Action"))) {
                    if (!action.asText().startsWith("dynamodb:")) continue;
                    for (JsonNode r : Templates.list(st.get("Resource"))) {
                        String id = r.at("/Fn::GetAtt/0").asText();
                        grants.add((id.isEmpty() ? Templates.text(r) : id) + " " + action.asText());
                    }
                }
            }
        }
        return grants;
    }

    @Test
    void senderSitsBehindAnNlbWithOneElasticIpPerAzAndUdpListeners() {
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            JsonNode nlb = Templates.resources(t, "AWS::ElasticLoadBalancingV2::LoadBalancer").get(0).getValue().get("Properties");
            assertEquals("network", nlb.get("Type").asText());
            assertEquals("internet-facing", nlb.get("Scheme").asText());
            for (Map.Entry<String, JsonNode> subnet : Templates.resources(t, "AWS::EC2::Subnet")) {
                assertTrue(subnet.getValue().at("/Properties/AvailabilityZone/Fn::Select").isArray(),
                        "AZs resolved at deploy (Fn::GetAZs), never CDK's offline placeholders");
            }
            List<Map.Entry<String, JsonNode>> eips = Templates.resources(t, "AWS::EC2::EIP");
            assertEquals(2, eips.size());
            assertEquals(2, nlb.get("SubnetMappings").size(), "two AZs");
            Set<String> mapped = new HashSet<>();
            nlb.get("SubnetMappings").forEach(m -> mapped.add(m.at("/AllocationId/Fn::GetAtt/0").asText()));
            assertEquals(Set.of(eips.get(0).getKey(), eips.get(1).getKey()), mapped);

            List<Map.Entry<String, JsonNode>> listeners = Templates.resources(t, "AWS::ElasticLoadBalancingV2::Listener");
            assertEquals(stack.sender().targetGroups().size(), listeners.size());
            Set<Integer> ports = new HashSet<>();
            for (Map.Entry<String, JsonNode> l : listeners) {
                assertEquals("UDP", l.getValue().at("/Properties/Protocol").asText());
                ports.add(l.getValue().at("/Properties/Port").asInt());
            }
            assertEquals(Set.of(5683, 51820), ports);
            for (Map.Entry<String, JsonNode> g : Templates.resources(t, "AWS::ElasticLoadBalancingV2::TargetGroup")) {
                JsonNode p = g.getValue().get("Properties");
                assertEquals("ip", p.get("TargetType").asText());
                assertEquals("UDP", p.get("Protocol").asText());
                assertEquals("HTTP", p.get("HealthCheckProtocol").asText());
                assertEquals(SenderPorts.HEALTH_PATH, p.get("HealthCheckPath").asText());
                assertEquals(Integer.toString(SenderPorts.EGRESS_API), p.get("HealthCheckPort").asText());
            }
        }
    }

    @Test
    void twoSenderTasksRoutedByOwnerWithTheirOwnEndpointsAndTimeToDrain() throws Exception {
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            JsonNode service = Templates.resources(t, "AWS::ECS::Service").get(0).getValue().get("Properties");
            assertEquals(2, service.get("DesiredCount").asInt());
            assertEquals(100, service.at("/DeploymentConfiguration/MinimumHealthyPercent").asInt());
            assertEquals(200, service.at("/DeploymentConfiguration/MaximumPercent").asInt());
            assertFalse(service.has("ServiceRegistries"), "no name that resolves to any task");
            assertTrue(Templates.resources(t, "AWS::ServiceDiscovery::Service").isEmpty());
            JsonNode container = Templates.resources(t, "AWS::ECS::TaskDefinition").get(0).getValue()
                    .at("/Properties/ContainerDefinitions/0");
            assertEquals(120, container.get("StopTimeout").asInt());
            for (Map.Entry<String, JsonNode> g : Templates.resources(t, "AWS::ElasticLoadBalancingV2::TargetGroup")) {
                boolean delay = false;
                for (JsonNode a : g.getValue().at("/Properties/TargetGroupAttributes")) {
                    if (a.get("Key").asText().equals("deregistration_delay.timeout_seconds")) {
                        assertEquals("120", a.get("Value").asText());
                        delay = true;
                    }
                }
                assertTrue(delay, "a stopping task keeps its flows for the UDP idle timeout");
            }
            String text = Templates.json(t).toString();
            assertTrue(text.contains("PACKET_SOURCE_OWNER_ROUTING"), "LookupSessions routes by owner");
            assertTrue(text.contains("dynamodb:Query"), "LookupSessions lists a Listener's task heartbeats");
        }
    }

    @Test
    void secretsAreInjectedByEcsAndTheEgressApiAdmitsOnlySecurityGroups() throws Exception {
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            JsonNode container = Templates.resources(t, "AWS::ECS::TaskDefinition").get(0).getValue()
                    .at("/Properties/ContainerDefinitions/0");
            Set<String> secretNames = new HashSet<>();
            container.get("Secrets").forEach(s -> secretNames.add(s.get("Name").asText()));
            assertEquals(Set.of("PS_EGRESS_HMAC_KEY", "PS_WG_KEY_WG"), secretNames);
            Map<String, JsonNode> env = new java.util.HashMap<>();
            container.get("Environment").forEach(e -> env.put(e.get("Name").asText(), e.get("Value")));
            assertEquals("PacketSource-Listeners", env.get("PS_REGISTRY_LISTENERS_TABLE").asText(),
                    "the sender registers its Listeners and reloads their allowed peers");
            assertFalse(env.containsKey("PS_SENDER_ENDPOINT"), "each task announces its own address; no shared name");
            assertEquals(2, env.get("PS_PUBLIC_ADDRESSES").at("/Fn::Join/1").size(), "the Elastic IPs");
            assertEquals("on", env.get("PS_FLOW_OWNERS").asText(), "heartbeats and flow records for owner routing");
            JsonNode senderConfig = Templates.JSON.readTree(env.get("PS_SENDER_CONFIG_JSON").asText());
            assertEquals("wg-decap", senderConfig.at("/listeners/1/type").asText());
            assertEquals("PS_WG_KEY_WG", senderConfig.at("/listeners/1/privateKeyEnv").asText());
            assertEquals("PacketSource-Sessions", senderConfig.at("/sessionDirectory/table").asText());
            String text = Templates.json(t).toString();
            assertFalse(text.contains("\"SecretString\""), "no secret value in the template");
            assertTrue(Templates.resources(t, "AWS::SecretsManager::Secret").get(0).getValue()
                    .at("/Properties/GenerateSecretString/PasswordLength").asInt() >= 43, "≥ 32 bytes once base64-decoded");

            for (Map.Entry<String, JsonNode> rule : Templates.resources(t, "AWS::EC2::SecurityGroupIngress")) {
                JsonNode p = rule.getValue().get("Properties");
                if (p.path("FromPort").asInt() == SenderPorts.EGRESS_API) {
                    assertFalse(p.has("CidrIp") || p.has("CidrIpv6"), "egress API from security groups only: " + p);
                    assertTrue(p.has("SourceSecurityGroupId"));
                }
            }
            for (Map.Entry<String, JsonNode> sg : Templates.resources(t, "AWS::EC2::SecurityGroup")) {
                for (JsonNode in : sg.getValue().at("/Properties/SecurityGroupIngress")) {
                    if (in.path("CidrIp").asText().equals("0.0.0.0/0")) {
                        assertEquals("udp", in.get("IpProtocol").asText(), "only the Listener ports are open to all: " + in);
                    }
                }
            }
            String export = Templates.json(t).at("/Outputs/PacketSourceServiceToken/Export/Name").asText();
            assertEquals("ProxylityPacketSourceServiceToken-" + stack.getRegion(), export);
        }
    }

    @Test
    void everyAlarmIsPresentWithItsMetricAndNotifiesTheTopic() {
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            Map<String, String> expected = new java.util.LinkedHashMap<>();
            expected.put("DlqNotEmpty", "AWS/SQS ApproximateNumberOfMessagesVisible");
            expected.put("DeliveryQueueOldestMessageAge", "AWS/SQS ApproximateAgeOfOldestMessage");
            expected.put("PipeExecutionFailed", "AWS/EventBridge/Pipes ExecutionFailed");
            expected.put("PipeTargetStageFailed", "AWS/EventBridge/Pipes TargetStageFailed");
            expected.put("StateMachineExecutionsFailed", "AWS/States ExecutionsFailed");
            expected.put("StateMachineExecutionsTimedOut", "AWS/States ExecutionsTimedOut");
            for (String s : PipelineFunctions.STATES) {
                expected.put("Lambda-" + s + "-Errors", "AWS/Lambda Errors");
                expected.put("Lambda-" + s + "-Throttles", "AWS/Lambda Throttles");
            }
            expected.put("Lambda-PacketSourceResource-Errors", "AWS/Lambda Errors");
            for (DiscardReason r : DiscardReason.values()) expected.put("Discards-" + r.name(), "PacketSource PacketsDiscarded");
            for (String l : List.of("udp", "wg")) {
                expected.put("Sender-" + l + "-UnhealthyHosts", "AWS/NetworkELB UnHealthyHostCount");
                expected.put("Sender-" + l + "-NoHealthyHost", "AWS/NetworkELB HealthyHostCount");
            }
            expected.put("SenderCpuHigh", "AWS/ECS CPUUtilization");
            expected.put("SenderMemoryHigh", "AWS/ECS MemoryUtilization");

            Map<String, JsonNode> alarms = new java.util.HashMap<>();
            for (Map.Entry<String, JsonNode> a : Templates.resources(t, "AWS::CloudWatch::Alarm")) {
                alarms.put(a.getValue().at("/Properties/AlarmName").asText(), a.getValue().get("Properties"));
            }
            String topicId = Templates.resources(t, "AWS::SNS::Topic").get(0).getKey();
            for (Map.Entry<String, String> e : expected.entrySet()) {
                JsonNode a = alarms.get("packet-source-" + e.getKey());
                assertTrue(a != null, "alarm " + e.getKey());
                assertEquals(e.getValue(), a.get("Namespace").asText() + " " + a.get("MetricName").asText(), e.getKey());
                assertEquals(topicId, a.at("/AlarmActions/0/Ref").asText(), e.getKey() + " notifies the topic");
            }
            assertEquals(0, alarms.get("packet-source-Discards-BadSignature").get("Threshold").asDouble(),
                    "any record SNS did not sign alarms");
            JsonNode discard = alarms.get("packet-source-Discards-EgressDenied");
            assertEquals("Reason", discard.at("/Dimensions/0/Name").asText());
            assertEquals("EgressDenied", discard.at("/Dimensions/0/Value").asText());
            assertEquals(1, Templates.resources(t, "AWS::SNS::Subscription").size(), "the e-mail from context");
            assertEquals(1, Templates.resources(t, "AWS::CloudWatch::Dashboard").size());
        }
    }

    /**
     * Each pipeline function's grants on the registry tables, exactly (docs/pipeline.md,
     * "Least privilege"): LookupSessions also addresses the egress batches (the batching Batch
     * did before the fold), so it reads Listeners; nothing else reads what it does not need.
     */
    @Test
    void eachPipelineFunctionReadsExactlyTheTablesItsWorkNeeds() {
        Tables names = Tables.withPrefix(RegistryTables.PREFIX);
        Map<String, Set<String>> expected = Map.of(
                "Validate", Set.of(names.packetSources() + " dynamodb:GetItem", names.listeners() + " dynamodb:GetItem"),
                "LookupSessions", Set.of(names.sessions() + " dynamodb:BatchGetItem", names.sessions() + " dynamodb:GetItem", names.sessions() + " dynamodb:Query",
                        names.listeners() + " dynamodb:GetItem"),
                "Egress", Set.of(),
                "ReportFailures", Set.of());
        assertEquals(Set.copyOf(PipelineFunctions.STATES), expected.keySet());
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            for (String state : PipelineFunctions.STATES) {
                String roleId = Templates.logicalId(t, "AWS::IAM::Role", "RoleName",
                        PipelineFunction.roleName(state, stack.getRegion()));
                Set<String> grants = new HashSet<>();
                for (Map.Entry<String, JsonNode> p : Templates.resources(t, "AWS::IAM::Policy")) {
                    boolean ours = false;
                    for (JsonNode r : p.getValue().at("/Properties/Roles")) ours |= roleId.equals(r.path("Ref").asText());
                    if (!ours) continue;
                    for (JsonNode st : p.getValue().at("/Properties/PolicyDocument/Statement")) {
                        List<String> actions = new ArrayList<>();
                        if (st.get("Action").isArray()) st.get("Action").forEach(x -> actions.add(x.asText()));
                        else actions.add(st.get("Action").asText());
                        List<JsonNode> resources = new ArrayList<>();
                        if (st.get("Resource").isArray()) st.get("Resource").forEach(resources::add);
                        else resources.add(st.get("Resource"));
                        for (String action : actions) {
                            if (!action.startsWith("dynamodb:")) continue;
                            for (JsonNode r : resources) {
                                grants.add(Templates.table(t, stack.getRegion(), r) + " " + action);
                            }
                        }
                    }
                }
                assertEquals(expected.get(state), grants, state + " in " + stack.getRegion());
            }
        }
    }

    /**
     * Only onboarded customers may invoke the provider: a customer with declared CloudFormation
     * service roles through those roles only, otherwise through its accounts; never a wildcard,
     * and only the alias (the ServiceToken).
     */
    @Test
    void onlyOnboardedCustomersMayInvokeTheProviderAndAssumeOnlyTheirRoles() {
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            String aliasId = Templates.json(t).at("/Outputs/PacketSourceServiceToken/Value/Ref").asText();
            Set<String> principals = new HashSet<>();
            for (Map.Entry<String, JsonNode> e : Templates.resources(t, "AWS::Lambda::Permission")) {
                JsonNode p = e.getValue().get("Properties");
                assertEquals("lambda:InvokeFunction", p.get("Action").asText());
                assertEquals(aliasId, p.at("/FunctionName/Ref").asText(), "the alias only: " + p);
                principals.add(Templates.text(p.get("Principal")));
            }
            assertEquals(Set.of(Synth.ACME_ACCOUNT, Synth.GLOBEX_CFN_ROLE), principals,
                    "acme's account; globex only through its CloudFormation service role");

            String roleId = Templates.logicalId(t, "AWS::IAM::Role", "RoleName",
                    PipelineFunction.roleName(ResourceProvider.HANDLER, stack.getRegion()));
            Set<String> assumable = new HashSet<>();
            for (Map.Entry<String, JsonNode> pol : Templates.resources(t, "AWS::IAM::Policy")) {
                if (!pol.getValue().at("/Properties/Roles/0/Ref").asText().equals(roleId)) continue;
                for (JsonNode st : pol.getValue().at("/Properties/PolicyDocument/Statement")) {
                    if (!Templates.list(st.get("Action")).stream().map(JsonNode::asText).toList().contains("sts:AssumeRole")) continue;
                    assertEquals("psx-*", st.at("/Condition/StringLike/sts:ExternalId").asText());
                    Templates.list(st.get("Resource")).forEach(r -> assumable.add(Templates.text(r)));
                }
            }
            assertEquals(Set.of("arn:aws:iam::" + Synth.ACME_ACCOUNT + ":role/*", "arn:aws:iam::" + Synth.GLOBEX_ACCOUNT + ":role/*"),
                    assumable, "roles of customers' accounts only");
        }
    }

    /** Without customers the deployment fails closed: no topic may deliver, nobody may invoke the provider. */
    @Test
    void withoutCustomersTheQueueAdmitsNoTopicAndNobodyMayInvokeTheProvider() {
        PacketSourceStack stack = Synth.withoutCustomers();
        Template t = Synth.template(stack);
        String qId = Templates.logicalId(t, "AWS::SQS::Queue", "QueueName", DeploymentNumbers.deliveryQueueName("us-east-1"));
        JsonNode policy = Templates.resources(t, "AWS::SQS::QueuePolicy").stream().map(Map.Entry::getValue)
                .filter(p -> p.at("/Properties/Queues/0/Ref").asText().equals(qId)).findFirst().orElseThrow();
        for (JsonNode st : policy.at("/Properties/PolicyDocument/Statement")) {
            assertEquals("Deny", st.get("Effect").asText(), "no Allow without customers: " + st);
        }
        assertEquals(List.of(), Templates.resources(t, "AWS::Lambda::Permission"));
        for (Map.Entry<String, JsonNode> pol : Templates.resources(t, "AWS::IAM::Policy")) {
            String statements = pol.getValue().at("/Properties/PolicyDocument").toString();
            assertFalse(statements.contains("sts:AssumeRole"), "the provider assumes no role: " + pol.getKey());
            assertFalse(statements.contains("sns:ConfirmSubscription"), "Validate confirms nothing: " + pol.getKey());
        }
        assertEquals(2, Templates.resources(t, "AWS::DynamoDB::GlobalTable").size(), "a single region is its own home");
    }

    /** Data services: a statement on them must name its resources. */
    private static final Set<String> DATA_SERVICES = Set.of("dynamodb", "sqs", "s3", "secretsmanager", "kms", "sns",
            "states", "lambda", "ssm");

    @Test
    void noIamStatementHasAWildcardActionOrAWildcardResourceOnADataResource() {
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            List<JsonNode> statements = new ArrayList<>();
            for (Map.Entry<String, JsonNode> p : Templates.resources(t, "AWS::IAM::Policy")) {
                p.getValue().at("/Properties/PolicyDocument/Statement").forEach(statements::add);
            }
            for (Map.Entry<String, JsonNode> r : Templates.resources(t, "AWS::IAM::Role")) {
                for (JsonNode inline : r.getValue().at("/Properties/Policies")) {
                    inline.at("/PolicyDocument/Statement").forEach(statements::add);
                }
                assertTrue(r.getValue().at("/Properties/ManagedPolicyArns").isMissingNode()
                        || r.getValue().at("/Properties/ManagedPolicyArns").isEmpty(), "no managed policies: " + r.getKey());
            }
            assertTrue(statements.size() > 10);
            for (JsonNode st : statements) {
                List<String> actions = new ArrayList<>();
                if (st.get("Action").isArray()) st.get("Action").forEach(a -> actions.add(a.asText()));
                else actions.add(st.get("Action").asText());
                for (String a : actions) assertFalse(a.contains("*"), "wildcard action " + a + " in " + st);
                List<JsonNode> resources = new ArrayList<>();
                if (st.get("Resource").isArray()) st.get("Resource").forEach(resources::add);
                else resources.add(st.get("Resource"));
                boolean data = actions.stream().anyMatch(a -> DATA_SERVICES.contains(a.substring(0, a.indexOf(':'))));
                for (JsonNode r : resources) {
                    if (!r.isTextual()) continue;   // Ref / GetAtt / Join of a named resource
                    String arn = r.asText();
                    if (data) {
                        assertFalse(arn.equals("*"), "wildcard resource on data actions " + actions);
                        if (!arn.startsWith("arn:aws:sns:*:*:*")) {
                            assertFalse(arn.contains("*"), "wildcard in " + arn + " for " + actions);
                        }
                    }
                }
            }
        }
    }
}
