package com.proxylity.packetsource.cdk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * The EXPRESS state machine, its definition read from statemachines/packet-source.asl.json as
 * written: the {@code ${<State>FunctionArn}} placeholders become DefinitionSubstitutions of the
 * functions' alias ARNs, so nothing is hand-copied. Logs keep events but never execution data
 * (the payloads are customers' packets).
 */
public final class PacketSourceStateMachine extends Construct {
    private final StateMachine stateMachine;

    public PacketSourceStateMachine(Construct scope, String id, Path definitionFile, PipelineFunctions functions) {
        super(scope, id);
        Map<String, String> substitutions = new LinkedHashMap<>();
        for (String state : PipelineFunctions.STATES) {
            substitutions.put(state + "FunctionArn", functions.get(state).alias().getFunctionArn());
        }
        LogGroup logs = LogGroup.Builder.create(this, "Logs")
                .logGroupName("/aws/vendedlogs/states/packet-source")
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        stateMachine = StateMachine.Builder.create(this, "StateMachine")
                .stateMachineName("packet-source")
                .stateMachineType(StateMachineType.EXPRESS)
                .definitionBody(DefinitionBody.fromString(read(definitionFile)))
                .definitionSubstitutions(substitutions)
                .logs(LogOptions.builder().destination(logs).level(LogLevel.ALL).includeExecutionData(false).build())
                .build();
        for (String state : PipelineFunctions.STATES) {
            // The alias ARN exactly: not the function's versions or $LATEST.
            stateMachine.addToRolePolicy(PolicyStatement.Builder.create()
                    .actions(List.of("lambda:InvokeFunction"))
                    .resources(List.of(functions.get(state).alias().getFunctionArn()))
                    .build());
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("state machine definition " + file, e);
        }
    }

    public StateMachine stateMachine() {
        return stateMachine;
    }
}
