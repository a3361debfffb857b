package com.proxylity.packetsource.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.pipeline.DeploymentNumbers;
import com.proxylity.packetsource.core.session.Handover;
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

    /**
     * A full batch of the largest messages the queue accepts fits StartSyncExecution's input, so
     * no batch can fail for its size; and docs/deployment.md's table is {@link PipeInput}.
     */
    @Test
    void theQueueRefusesEveryMessageThatCouldOverflowAFullBatch() throws Exception {
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            JsonNode q = Templates.one(t, "AWS::SQS::Queue", "QueueName",
                    DeploymentNumbers.deliveryQueueName(stack.getRegion())).get("Properties");
            int batch = Templates.resources(t, "AWS::Pipes::Pipe").get(0).getValue()
                    .at("/Properties/SourceParameters/SqsQueueParameters/BatchSize").asInt();
            int max = q.get("MaximumMessageSize").asInt();
            assertEquals(PipeInput.maximumMessageSize(batch), max);
            assertTrue(PipeInput.worstCaseInput(batch, max) <= PipeInput.LIMIT, "a full batch fits: " + max);
            assertTrue(PipeInput.worstCaseInput(batch, max + 1_024) > PipeInput.LIMIT, "and no more than whole KiB allow");
        }
        String doc = Files.readString(Synth.REPO.resolve("docs/deployment.md"));
        String section = doc.substring(doc.indexOf("## Batch size and message size"), doc.indexOf("## One registry for all regions"));
        Set<Integer> sizes = new HashSet<>();
        for (String line : section.lines().filter(l -> l.matches("\\| \\d+.*")).toList()) {
            String[] cells = line.split("\\|");
            int n = Integer.parseInt(cells[1].trim().split(" ")[0]);
            int max = PipeInput.maximumMessageSize(n);
            assertEquals(max, number(cells[2]), line);
            assertEquals(PipeInput.worstCaseInput(n, max), number(cells[3]), line);
            assertEquals(DeploymentNumbers.stateSharePerMessage(n), number(cells[4]), line);
            sizes.add(n);
        }
        assertTrue(sizes.contains(DeploymentNumbers.PIPE_BATCH_SIZE) && sizes.size() >= 4, "the table's rows: " + sizes);
    }

    private static long number(String cell) {
        return Long.parseLong(cell.trim().replace(",", ""));
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
            assertEquals("ERROR", p.at("/LogConfiguration/Level").asText());
            assertTrue(p.at("/LogConfiguration/IncludeExecutionData").isMissingNode(), "never the payloads");
            String logsId = Templates.logicalId(t, "AWS::Logs::LogGroup", "LogGroupName", DeliveryPipe.LOG_GROUP);
            assertEquals(logsId, p.at("/LogConfiguration/CloudwatchLogsLogDestination/LogGroupArn/Fn::GetAtt/0").asText());
            String roleId = p.at("/RoleArn/Fn::GetAtt/0").asText();
            boolean mayWrite = false;
            for (Map.Entry<String, JsonNode> pol : Templates.resources(t, "AWS::IAM::Policy")) {
                if (!pol.getValue().at("/Properties/Roles/0/Ref").asText().equals(roleId)) continue;
                for (JsonNode st : pol.getValue().at("/Properties/PolicyDocument/Statement")) {
                    mayWrite |= Templates.list(st.get("Action")).stream().anyMatch(a -> a.asText().equals("logs:PutLogEvents"))
                            && Templates.list(st.get("Resource")).stream().allMatch(r -> r.at("/Fn::GetAtt/0").asText().equals(logsId));
                }
            }
            assertTrue(mayWrite, "the Pipe's role writes its own log group only");
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

    /**
     * A Pipe reading SQS cannot be capped, so it may run more executions than Validate's
     * reservation: every Task state waits out throttling much longer than the old four quick
     * retries (15 s), yet all of them together stay within the execution's timeout.
     */
    @Test
    void throttledTaskStatesWaitLongerButWithinTheExecutionTimeout() throws Exception {
        JsonNode sm = Templates.resources(Synth.template(Synth.stack(Synth.HOME)), "AWS::StepFunctions::StateMachine")
                .get(0).getValue().get("Properties");
        JsonNode asl = Templates.JSON.readTree(sm.get("DefinitionString").asText());
        Map<String, JsonNode> tasks = new java.util.LinkedHashMap<>();
        collectTasks(asl.get("States"), tasks);
        assertEquals(Set.copyOf(PipelineFunctions.STATES), tasks.keySet());
        double total = 0;
        for (Map.Entry<String, JsonNode> e : tasks.entrySet()) {
            if (!e.getValue().has("Retry")) {
                // Best effort after the packets left: a throttled PublishOutcomes is caught, not waited for.
                assertEquals(PipelineFunctions.OUTCOME_PUBLISHER, e.getKey(), "only PublishOutcomes is never retried");
                continue;
            }
            JsonNode throttle = null;
            for (JsonNode r : e.getValue().get("Retry")) {
                if (Templates.list(r.get("ErrorEquals")).stream().anyMatch(x -> x.asText().equals("Lambda.TooManyRequestsException"))) {
                    assertEquals(1, r.get("ErrorEquals").size(), e.getKey() + ": throttling has its own retrier");
                    throttle = r;
                }
            }
            assertTrue(throttle != null, e.getKey() + " retries throttling");
            double wait = 0;
            for (int i = 0; i < throttle.get("MaxAttempts").asInt(); i++) {
                wait += Math.min(throttle.get("IntervalSeconds").asDouble() * Math.pow(throttle.get("BackoffRate").asDouble(), i),
                        throttle.get("MaxDelaySeconds").asDouble());
            }
            assertTrue(wait >= 45, e.getKey() + " waits long enough for a free environment: " + wait);
            total += wait;
        }
        assertTrue(total <= DeploymentNumbers.EXECUTION_TIMEOUT_SECONDS, "all throttle waits fit the execution: " + total);
    }

    private static void collectTasks(JsonNode states, Map<String, JsonNode> out) {
        states.fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals("Task")) out.put(e.getKey(), e.getValue());
            JsonNode inner = e.getValue().at("/ItemProcessor/States");
            if (!inner.isMissingNode()) collectTasks(inner, out);
        });
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
            assertTrue(validate.at("/Properties/ReservedConcurrentExecutions").isMissingNode(),
                    "no reservation by default: an account whose concurrency quota is still 10 cannot reserve any");
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
                assertEquals("RetainExceptOnCreate", resource.path("DeletionPolicy").asText(), r.tableName());
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
     * First deployment: the tables are created, and a create that rolls back deletes them (they
     * are empty), so the retry does not collide. Second deployment (after the stack was deleted,
     * its tables kept): {@code cdk deploy --import-existing-resources} adopts every kept table,
     * which CloudFormation does only for a resource with a static name and a Retain or
     * RetainExceptOnCreate policy of an importable type. No other resource outlives its stack, so
     * nothing else can fail with "already exists".
     */
    @Test
    void aSecondDeploymentAdoptsTheKeptTablesAndAFailedFirstOneLeavesNone() {
        Tables names = Tables.withPrefix(RegistryTables.PREFIX);
        Set<String> importable = Set.of("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable");
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            boolean home = stack.getRegion().equals(Synth.HOME);
            Set<String> kept = new HashSet<>();
            Templates.json(t).get("Resources").fields().forEachRemaining(e -> {
                JsonNode r = e.getValue();
                String policy = r.path("DeletionPolicy").asText("Delete");
                if (policy.equals("Delete")) return;
                String type = r.get("Type").asText();
                assertTrue(importable.contains(type), "only tables outlive the stack: " + e.getKey() + " " + type);
                assertEquals("RetainExceptOnCreate", policy, e.getKey() + ": a failed first create leaves nothing");
                assertEquals("Retain", r.path("UpdateReplacePolicy").asText(), e.getKey());
                JsonNode name = r.at("/Properties/TableName");
                assertTrue(name.isTextual(), e.getKey() + ": auto-import needs a static name, not " + name);
                kept.add(name.asText());
            });
            // Usage is billing data: kept like the registry, and regional like Listeners and Sessions.
            Set<String> expected = new HashSet<>(Set.of(names.listeners(), names.sessions(), names.usage()));
            if (home) expected.addAll(Set.of(names.packetSources(), names.customers()));
            assertEquals(expected, kept, stack.getRegion());
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
                PipelineFunction.roleName("Validate", "eu-west-1"), Set.of(replica + names.packetSources() + " dynamodb:GetItem",
                        replica + names.customers() + " dynamodb:GetItem"),
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

    /**
     * Deploy-time ordering the templates' references do not give: Egress's version (its SnapStart
     * initialisation reads the egress key) waits for the Secrets Manager endpoint and for the sender's
     * service (a new Egress may sign in a form only new senders accept), and the sender's service
     * waits for every endpoint its task needs to start.
     */
    @Test
    void egressVersionAndSenderServiceWaitForTheEndpointsTheyNeed() {
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            Map<String, String> endpointByService = new java.util.HashMap<>();
            for (Map.Entry<String, JsonNode> e : Templates.resources(t, "AWS::EC2::VPCEndpoint")) {
                String service = Templates.text(e.getValue().at("/Properties/ServiceName"));
                if (service == null) service = e.getValue().at("/Properties/ServiceName").toString();
                endpointByService.put(service, e.getKey());
            }
            assertEquals(2 + Network.INTERFACE_ENDPOINTS.size(), endpointByService.size(), endpointByService.toString());
            String secrets = endpointByService.entrySet().stream().filter(e -> e.getKey().contains("secretsmanager"))
                    .map(Map.Entry::getValue).findFirst().orElseThrow();

            String egressFn = Templates.logicalId(t, "AWS::Lambda::Function", "FunctionName", "packet-source-Egress");
            JsonNode version = Templates.resources(t, "AWS::Lambda::Version").stream()
                    .filter(v -> v.getValue().at("/Properties/FunctionName/Ref").asText().equals(egressFn))
                    .map(Map.Entry::getValue).findFirst().orElseThrow();
            assertTrue(dependsOn(version).contains(secrets), "Egress's SnapStart init reads the key: " + dependsOn(version));

            Map.Entry<String, JsonNode> serviceEntry = Templates.resources(t, "AWS::ECS::Service").get(0);
            assertTrue(dependsOn(version).contains(serviceEntry.getKey()),
                    "Egress's new signature form waits for senders that accept it: " + dependsOn(version));
            JsonNode service = serviceEntry.getValue();
            assertTrue(dependsOn(service).containsAll(endpointByService.values()),
                    "the sender waits for ECR, S3, Logs, Secrets Manager and DynamoDB endpoints: " + dependsOn(service));
        }
    }

    /** REJECT-only flow logs: what a security group dropped, at a fraction of all traffic's volume. */
    @Test
    void theVpcLogsRejectedFlowsOnly() {
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            List<Map.Entry<String, JsonNode>> logs = Templates.resources(t, "AWS::EC2::FlowLog");
            assertEquals(1, logs.size());
            JsonNode p = logs.get(0).getValue().get("Properties");
            assertEquals("REJECT", p.get("TrafficType").asText());
            assertEquals("VPC", p.get("ResourceType").asText());
            String group = Templates.logicalId(t, "AWS::Logs::LogGroup", "LogGroupName", Network.REJECTED_FLOWS_LOG_GROUP);
            assertEquals(group, p.at("/LogGroupName/Ref").asText());
        }
    }

    /** The README's deploy recipe: every output the stacks have, the tables they create, the pinned Node. */
    @Test
    void theReadmeDeployRecipeMatchesTheStacks() throws Exception {
        String readme = Files.readString(Synth.REPO.resolve("README.md"));
        String deploy = readme.substring(readme.indexOf("## Deploy to AWS"), readme.indexOf("## Performance"));
        String outputs = deploy.substring(deploy.indexOf("**Outputs**"), deploy.indexOf("**Tear down:**"));
        for (PacketSourceStack stack : Synth.stacks()) {
            Templates.json(Synth.template(stack)).get("Outputs").fieldNames().forEachRemaining(o -> {
                String documented = o.startsWith("ListenerAddresses") ? "ListenerAddresses<name>" : o;
                assertTrue(outputs.contains("`" + documented + "`"), "README lists output " + o);
            });
        }
        for (CreateTableRequest r : Tables.withPrefix(RegistryTables.PREFIX).createTableRequests()) {
            String suffix = r.tableName().substring(RegistryTables.PREFIX.length());
            assertTrue(deploy.contains("`" + r.tableName() + "`") || deploy.contains("`-" + suffix + "`"), "README names " + r.tableName());
        }
        int tables = Tables.withPrefix(RegistryTables.PREFIX).createTableRequests().size();
        assertEquals(5, tables, "the README says four registry tables and the usage table");
        assertTrue(deploy.contains("registry's four tables"));
        assertTrue(deploy.contains("export PATH=\"$PWD/.tools/node_modules/.bin:$PATH\""), "the CLI runs on the pinned Node");
    }

    static Set<String> dependsOn(JsonNode resource) {
        Set<String> out = new HashSet<>();
        Templates.list(resource.get("DependsOn")).forEach(d -> out.add(d.asText()));
        return out;
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
                Map<String, String> attributes = new java.util.HashMap<>();
                for (JsonNode a : g.getValue().at("/Properties/TargetGroupAttributes")) {
                    attributes.put(a.get("Key").asText(), a.get("Value").asText());
                }
                assertEquals("120", attributes.get("deregistration_delay.timeout_seconds"),
                        "a stopping task keeps its flows for the UDP idle timeout");
                assertEquals("true", attributes.get("deregistration_delay.connection_termination.enabled"),
                        "then the flows move: the remote's next datagram reaches a live task");
            }
            // Egress waits for a held batch's new owner (core Handover) within its own timeout and the state's.
            JsonNode egress = Templates.resources(t, "AWS::Lambda::Function").stream()
                    .map(Map.Entry::getValue).filter(f -> f.at("/Properties/Handler").asText().endsWith(".Egress::handleRequest"))
                    .findFirst().orElseThrow().get("Properties");
            assertEquals("on", egress.at("/Environment/Variables/PACKET_SOURCE_OWNER_ROUTING").asText());
            assertEquals(DeploymentNumbers.EGRESS_TIMEOUT_SECONDS, egress.get("Timeout").asInt());
            assertTrue(DeploymentNumbers.EGRESS_TIMEOUT_SECONDS >= Handover.HOLD.toSeconds() + 30,
                    "the hold plus a post's worst case: " + egress.get("Timeout"));
            JsonNode egressState = Templates.JSON.readTree(Files.readString(Synth.REPO.resolve("statemachines/packet-source.asl.json")))
                    .at("/States/EgressBatches/ItemProcessor/States/Egress");
            assertEquals(DeploymentNumbers.EGRESS_TIMEOUT_SECONDS, egressState.get("TimeoutSeconds").asInt(),
                    "the state waits as long as the function may run");
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
            assertEquals("ARM64", Templates.resources(t, "AWS::ECS::TaskDefinition").get(0).getValue()
                    .at("/Properties/RuntimePlatform/CpuArchitecture").asText(), "Graviton by default");
            assertTrue(container.get("Image").toString().endsWith(":" + Synth.IMAGE_TAG + "\"]]}"),
                    "the explicit tag from context: " + container.get("Image"));
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
            // One secret feeds both sides of the egress API, so a key set written into it reaches
            // the sender (at task start) and Egress (at publish) alike (runbook: rotating the key).
            JsonNode senderKey = null;
            for (JsonNode sec : container.get("Secrets")) {
                if (sec.get("Name").asText().equals("PS_EGRESS_HMAC_KEY")) senderKey = sec.get("ValueFrom");
            }
            List<JsonNode> egressKeys = new ArrayList<>();
            for (Map.Entry<String, JsonNode> f : Templates.resources(t, "AWS::Lambda::Function")) {
                JsonNode arn = f.getValue().at("/Properties/Environment/Variables/PACKET_SOURCE_EGRESS_KEY_SECRET_ARN");
                if (!arn.isMissingNode()) egressKeys.add(arn);
            }
            assertEquals(List.of(senderKey), egressKeys, "Egress alone reads the key, the same secret as the sender");
            // A generator change makes CloudFormation write a new value: a key neither side holds.
            assertTrue(Templates.resources(t, "AWS::SecretsManager::Secret").get(0).getValue()
                    .at("/Properties/GenerateSecretString/SecretStringTemplate").isMissingNode(),
                    "the stack generates a bare key; the runbook's first rotation makes it a set");

            for (Map.Entry<String, JsonNode> rule : Templates.resources(t, "AWS::EC2::SecurityGroupIngress")) {
                JsonNode p = rule.getValue().get("Properties");
                if (p.path("FromPort").asInt() == SenderPorts.EGRESS_API) {
                    assertFalse(p.has("CidrIp") || p.has("CidrIpv6"), "egress API from security groups only: " + p);
                    assertTrue(p.has("SourceSecurityGroupId"));
                }
            }
            String nlbGroup = Templates.json(t).at("/Resources/" + Templates.resources(t,
                    "AWS::ElasticLoadBalancingV2::LoadBalancer").get(0).getKey() + "/Properties/SecurityGroups/0/Fn::GetAtt/0").asText();
            String senderGroup = Templates.json(t).at("/Resources/" + Templates.resources(t, "AWS::ECS::Service").get(0).getKey()
                    + "/Properties/NetworkConfiguration/AwsvpcConfiguration/SecurityGroups/0/Fn::GetAtt/0").asText();
            for (Map.Entry<String, JsonNode> sg : Templates.resources(t, "AWS::EC2::SecurityGroup")) {
                for (JsonNode in : sg.getValue().at("/Properties/SecurityGroupIngress")) {
                    if (in.path("CidrIp").asText().equals("0.0.0.0/0")) {
                        assertEquals(nlbGroup, sg.getKey(), "only the NLB is open to all: " + in);
                        assertEquals("udp", in.get("IpProtocol").asText(), "only the Listener ports are open to all: " + in);
                    }
                }
            }
            Set<Integer> throughNlb = new HashSet<>();
            for (Map.Entry<String, JsonNode> rule : Templates.resources(t, "AWS::EC2::SecurityGroupIngress")) {
                JsonNode p = rule.getValue().get("Properties");
                if (!p.at("/GroupId/Fn::GetAtt/0").asText().equals(senderGroup) || !p.path("IpProtocol").asText().equals("udp")) continue;
                assertEquals(nlbGroup, p.at("/SourceSecurityGroupId/Fn::GetAtt/0").asText(), "Listener ports through the NLB: " + p);
                throughNlb.add(p.get("FromPort").asInt());
            }
            assertEquals(Set.of(5683, 51820), throughNlb);
            String export = Templates.json(t).at("/Outputs/PacketSourceServiceToken/Export/Name").asText();
            assertEquals("ProxylityPacketSourceServiceToken-" + stack.getRegion(), export);
        }
    }

    /** The dashboard shows each stage's outcomes, Lambda errors and durations, the NLB's UDP flows and the latency goals. */
    @Test
    void theDashboardShowsEveryStageAndTheLatencyGoals() throws Exception {
        assertTrue(Files.readString(Synth.REPO.resolve("docs/latency.md")).contains("Goal: **p50 < " + Monitoring.LATENCY_GOAL_P50_MS
                + " ms, p99 < " + Monitoring.LATENCY_GOAL_P99_MS + " ms"), "the goals are docs/latency.md's");
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            JsonNode body = Templates.resources(t, "AWS::CloudWatch::Dashboard").get(0).getValue().at("/Properties/DashboardBody");
            StringBuilder text = new StringBuilder();
            Templates.list(body.at("/Fn::Join/1")).forEach(part -> text.append(part.isTextual() ? part.asText() : part.toString()));
            String b = text.toString();
            for (String m : List.of("\"AWS/EventBridge/Pipes\",\"ExecutionFailed\"", "\"ExecutionThrottled\"", "\"ExecutionTimeout\"",
                    "\"TargetStageFailed\"", "\"AWS/States\",\"ExecutionsSucceeded\"", "\"ExecutionsFailed\"", "\"ExecutionsTimedOut\"",
                    "\"AWS/NetworkELB\",\"ActiveFlowCount_UDP\"", "\"NewFlowCount_UDP\"", "\"PublishToEgressLatency\"",
                    "\"SentOutsideFlowWindow\"", "\"RepeatsSuppressed\"", "\"label\":\"PacketsDelivered (pipeline)\"",
                    "\"label\":\"Sent by the sender: ")) {
                assertTrue(b.contains(m), "dashboard shows " + m);
            }
            assertTrue(b.contains("\"OutcomePublishFailed\"") && b.contains("\"OutcomeSummariesSuppressed\""),
                    "customers' outcome summaries");
            for (String fn : List.of("Validate", "LookupSessions", "Egress", "PublishOutcomes", "ReportFailures", "PacketSourceResource")) {
                assertTrue(b.contains("\"label\":\"" + fn + "\""), "errors of " + fn);
                assertTrue(b.contains("\"label\":\"" + fn + " p99\""), "duration of " + fn);
            }
            assertTrue(b.contains("\"value\":" + Monitoring.LATENCY_GOAL_P50_MS) && b.contains("\"value\":" + Monitoring.LATENCY_GOAL_P99_MS),
                    "the latency goals as lines");
        }
    }

    /** Every alarm's description ends with a link to an explicit anchor that docs/runbook.md has. */
    @Test
    void everyAlarmLinksToARunbookSectionThatExists() throws Exception {
        String runbook = Files.readString(Synth.REPO.resolve(Monitoring.RUNBOOK));
        Set<String> anchors = new HashSet<>();
        java.util.regex.Matcher a = java.util.regex.Pattern.compile("<a id=\"([a-z0-9-]+)\"></a>").matcher(runbook);
        while (a.find()) assertTrue(anchors.add(a.group(1)), "anchor once: " + a.group(1));
        java.util.regex.Pattern link = java.util.regex.Pattern.compile(
                "\\(" + java.util.regex.Pattern.quote(Monitoring.RUNBOOK) + "#([a-z0-9-]+)\\)$");
        int alarms = 0;
        for (PacketSourceStack stack : List.of(Synth.stack(Synth.HOME), Synth.stack("eu-west-1"), Synth.withoutCustomers())) {
            for (Map.Entry<String, JsonNode> e : Templates.resources(Synth.template(stack), "AWS::CloudWatch::Alarm")) {
                String name = e.getValue().at("/Properties/AlarmName").asText();
                String description = Templates.text(e.getValue().at("/Properties/AlarmDescription"));
                assertTrue(description != null, name + " has a literal description");
                java.util.regex.Matcher m = link.matcher(description);
                assertTrue(m.find(), name + " links to the runbook: " + description);
                assertTrue(anchors.contains(m.group(1)), name + ": docs/runbook.md has no anchor " + m.group(1));
                alarms++;
            }
        }
        assertTrue(alarms > 3 * 30, "every alarm of every stack was checked: " + alarms);
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
            expected.put("PipeExecutionThrottled", "AWS/EventBridge/Pipes ExecutionThrottled");
            expected.put("PipeExecutionTimeout", "AWS/EventBridge/Pipes ExecutionTimeout");
            expected.put("StateMachineExecutionsThrottled", "AWS/States ExecutionThrottled");
            for (String l : List.of("udp", "wg")) expected.put("SentOutsideFlowWindow-" + l, "PacketSource SentOutsideFlowWindow");
            expected.put("SenderMemoryHigh", "AWS/ECS MemoryUtilization");
            expected.put("OutcomePublishFailed", "PacketSource OutcomePublishFailed");

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
            for (CreateTableRequest r : Tables.withPrefix(RegistryTables.PREFIX).createTableRequests()) {
                JsonNode a = alarms.get("packet-source-DynamoDb-" + r.tableName() + "-Throttles");
                assertTrue(a != null, "throttle alarm of " + r.tableName());
                Set<String> metrics = new HashSet<>();
                for (JsonNode q : a.get("Metrics")) {
                    if (q.has("MetricStat")) {
                        metrics.add(q.at("/MetricStat/Metric/Namespace").asText() + " " + q.at("/MetricStat/Metric/MetricName").asText()
                                + " " + q.at("/MetricStat/Metric/Dimensions/0/Value").asText());
                    }
                }
                assertEquals(Set.of("AWS/DynamoDB ReadThrottleEvents " + r.tableName(), "AWS/DynamoDB WriteThrottleEvents " + r.tableName()),
                        metrics);
                assertEquals(topicId, a.at("/AlarmActions/0/Ref").asText());
            }
            JsonNode flow = alarms.get("packet-source-SentOutsideFlowWindow-wg");
            Set<String> flowDims = new HashSet<>();
            flow.get("Dimensions").forEach(d -> flowDims.add(d.get("Name").asText() + "=" + d.get("Value").asText()));
            assertEquals(Set.of("Service=" + Monitoring.SENDER_SERVICE, "Listener=wg"), flowDims);
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
     * did before the fold), so it reads Listeners; Egress reads sessions and task heartbeats
     * while a held batch waits for its new owner (core Handover); the three states that decide
     * outcomes add to the region's usage table and cannot read or overwrite it; nothing else
     * reads what it does not need.
     */
    @Test
    void eachPipelineFunctionReadsExactlyTheTablesItsWorkNeeds() {
        Tables names = Tables.withPrefix(RegistryTables.PREFIX);
        Map<String, Set<String>> expected = Map.of(
                // Customers: an outcome topic is re-checked against its customer per message.
                "Validate", Set.of(names.packetSources() + " dynamodb:GetItem", names.listeners() + " dynamodb:GetItem",
                        names.customers() + " dynamodb:GetItem",
                        names.usage() + " dynamodb:UpdateItem"),
                "LookupSessions", Set.of(names.sessions() + " dynamodb:BatchGetItem", names.sessions() + " dynamodb:GetItem", names.sessions() + " dynamodb:Query",
                        names.listeners() + " dynamodb:GetItem", names.usage() + " dynamodb:UpdateItem"),
                "Egress", Set.of(names.sessions() + " dynamodb:BatchGetItem", names.sessions() + " dynamodb:Query",
                        names.usage() + " dynamodb:UpdateItem"),
                "PublishOutcomes", Set.of(),
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
                    // Our own outcome publisher role (theOutcomePublisherRole...): not a customer's.
                    if (st.get("Resource").has("Fn::GetAtt")) continue;
                    assertEquals("psx-*", st.at("/Condition/StringLike/sts:ExternalId").asText());
                    Templates.list(st.get("Resource")).forEach(r -> assumable.add(Templates.text(r)));
                }
            }
            assertEquals(Set.of("arn:aws:iam::" + Synth.ACME_ACCOUNT + ":role/*", "arn:aws:iam::" + Synth.GLOBEX_ACCOUNT + ":role/*"),
                    assumable, "roles of customers' accounts only");
        }
    }

    /**
     * The outcome publisher role (docs/packet-sources.md, "Your own outcomes") is the
     * PublishOutcomes function's role, named as customers' topic policies name it, and an output;
     * it may publish only to topics of onboarded customers' accounts; besides Lambda only the
     * provider may assume it (to verify a topic at deploy time), and the provider may assume no
     * other role of ours.
     */
    @Test
    void theOutcomePublisherRolePublishesOnlyToCustomersTopicsAndOnlyTheProviderMayBorrowIt() {
        for (PacketSourceStack stack : Synth.stacks()) {
            Template t = Synth.template(stack);
            String roleId = Templates.logicalId(t, "AWS::IAM::Role", "RoleName",
                    PipelineFunction.roleName(PipelineFunctions.OUTCOME_PUBLISHER, stack.getRegion()));
            String providerRoleId = Templates.logicalId(t, "AWS::IAM::Role", "RoleName",
                    PipelineFunction.roleName(ResourceProvider.HANDLER, stack.getRegion()));
            assertEquals(roleId, Templates.json(t).at("/Outputs/PacketSourceOutcomePublisherRoleArn/Value/Fn::GetAtt/0").asText());
            Set<String> published = new HashSet<>();
            Set<String> providerAssumes = new HashSet<>();
            for (Map.Entry<String, JsonNode> pol : Templates.resources(t, "AWS::IAM::Policy")) {
                String on = pol.getValue().at("/Properties/Roles/0/Ref").asText();
                for (JsonNode st : pol.getValue().at("/Properties/PolicyDocument/Statement")) {
                    List<String> actions = Templates.list(st.get("Action")).stream().map(JsonNode::asText).toList();
                    if (actions.contains("sns:Publish")) {
                        assertEquals(roleId, on, "only the outcome publisher publishes");
                        Templates.list(st.get("Resource")).forEach(r -> published.add(Templates.text(r)));
                    }
                    if (on.equals(providerRoleId) && actions.contains("sts:AssumeRole") && st.get("Resource").has("Fn::GetAtt")) {
                        providerAssumes.add(st.at("/Resource/Fn::GetAtt/0").asText());
                    }
                }
            }
            assertEquals(Set.of("arn:aws:sns:*:" + Synth.ACME_ACCOUNT + ":*", "arn:aws:sns:*:" + Synth.GLOBEX_ACCOUNT + ":*"),
                    published, "topics of onboarded customers' accounts only");
            assertEquals(Set.of(roleId), providerAssumes);
            Set<String> trusted = new HashSet<>();
            for (JsonNode st : Templates.json(t).at("/Resources/" + roleId + "/Properties/AssumeRolePolicyDocument/Statement")) {
                JsonNode p = st.get("Principal");
                if (p.has("Service")) trusted.add(p.get("Service").asText());
                if (p.has("AWS")) trusted.add(p.at("/AWS/Fn::GetAtt/0").asText());
            }
            assertEquals(Set.of("lambda.amazonaws.com", providerRoleId), trusted);
            JsonNode provider = Templates.one(t, "AWS::Lambda::Function", "FunctionName", "packet-source-" + ResourceProvider.HANDLER);
            assertEquals(roleId, provider.at("/Properties/Environment/Variables/PACKET_SOURCE_OUTCOME_PUBLISHER_ROLE_ARN/Fn::GetAtt/0").asText());
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
            assertFalse(statements.contains("sns:Publish"), "no outcome summary can be published: " + pol.getKey());
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
