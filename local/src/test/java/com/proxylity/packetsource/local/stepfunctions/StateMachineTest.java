package com.proxylity.packetsource.local.stepfunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The local ASL runner follows the definition's data flow, Retry, Catch and Map. */
class StateMachineTest {
    static final ObjectMapper JSON = new ObjectMapper();

    // Shaped like statemachines/packet-source.asl.json: ResultSelector per Task, Catch to Fail,
    // a Map whose item failure goes to a Pass that reports the batch's records.
    static final String ASL = """
        {"StartAt":"A","States":{
          "A":{"Type":"Task","Resource":"x","ResultSelector":{"Items.$":"$.Items"},
               "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.Error","Next":"Failed"}],"Next":"M"},
          "M":{"Type":"Map","ItemsPath":"$.Items","ItemProcessor":{"StartAt":"E","States":{
                 "E":{"Type":"Task","Resource":"x","ResultSelector":{"Failed.$":"$.Failed"},
                      "Retry":[{"ErrorEquals":["java.lang.IllegalStateException"],"IntervalSeconds":1,"MaxAttempts":2}],
                      "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.Error","Next":"EF"}],"End":true},
                 "EF":{"Type":"Pass","Parameters":{"Failed.$":"$.Records"},"End":true}}},
               "ResultPath":"$.Results","Next":"R"},
          "R":{"Type":"Task","Resource":"x","InputPath":"$.Results","End":true},
          "Failed":{"Type":"Fail","Error":"P.Failed","Cause":"c"}}}
        """;

    @Test
    void runsTheStagesInTheDefinitionsOrderWithItsDataFlow() throws Exception {
        List<String> calls = new ArrayList<>();
        AtomicInteger flaky = new AtomicInteger();
        Map<String, PipelineStage> stages = Map.of(
                "A", in -> {
                    calls.add("A");
                    ObjectNode out = JSON.createObjectNode().put("Noise", 1);
                    ArrayNode items = out.putArray("Items");
                    for (JsonNode r : in) items.addObject().put("Id", r.asText()).putArray("Records").addObject().put("itemIdentifier", r.asText());
                    return out;
                },
                "E", in -> {
                    calls.add("E:" + in.get("Id").asText());
                    if (in.get("Id").asText().equals("bad")) throw new RuntimeException("sender down");
                    if (in.get("Id").asText().equals("flaky") && flaky.getAndIncrement() == 0) throw new IllegalStateException("once");
                    return JSON.createObjectNode().put("Other", 2).set("Failed", JSON.createArrayNode());
                },
                "R", in -> {
                    calls.add("R");
                    ArrayNode failures = JSON.createArrayNode();
                    for (JsonNode b : in) for (JsonNode f : b.get("Failed")) failures.add(f);
                    return JSON.createObjectNode().set("batchItemFailures", failures);
                });
        StateMachine sm = StateMachine.of(JSON.readTree(ASL), stages);
        assertEquals(List.of("A", "E", "R"), StateMachine.taskOrder(JSON.readTree(ASL)));
        JsonNode out = sm.run(JSON.readTree("[\"ok\",\"bad\",\"flaky\"]"));
        assertEquals(List.of("A", "E:ok", "E:bad", "E:flaky", "E:flaky", "R"), calls);
        BatchOutcome outcome = BatchOutcome.fromOutput(out);
        assertEquals(java.util.Set.of("bad"), outcome.failedMessageIds());
    }

    @Test
    void theRepositorysDefinitionRunsTheHandlersInItsOrder() throws Exception {
        JsonNode definition;
        try (var in = StateMachineTest.class.getResourceAsStream("/statemachines/packet-source.asl.json")) {
            definition = JSON.readTree(in);
        }
        assertEquals(List.of("Validate", "LookupSessions", "Egress", "PublishOutcomes", "ReportFailures"),
                StateMachine.taskOrder(definition));
        Map<String, PipelineStage> stages = new java.util.HashMap<>();
        for (String name : StateMachine.taskOrder(definition)) stages.put(name, in -> in);
        StateMachine.of(definition, stages); // every feature the definition uses is supported
    }

    @Test
    void anUncaughtStageFailureFailsTheExecution() {
        Map<String, PipelineStage> stages = Map.of(
                "A", in -> { throw new IllegalArgumentException("broken"); },
                "E", in -> in, "R", in -> in);
        StateMachine sm = StateMachine.of(readTree(ASL), stages);
        StateFailure f = assertThrows(StateFailure.class, () -> sm.run(JSON.createArrayNode()));
        assertEquals("P.Failed", f.error());
    }

    @Test
    void aTaskWithoutAStageIsRejectedAtLoad() {
        var e = assertThrows(IllegalArgumentException.class, () -> StateMachine.of(readTree(ASL), Map.of("A", in -> in)));
        assertTrue(e.getMessage().contains("no stage bound"));
    }

    static JsonNode readTree(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
