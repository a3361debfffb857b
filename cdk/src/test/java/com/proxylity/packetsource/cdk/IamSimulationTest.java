package com.proxylity.packetsource.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * The IAM review in the build: for every role of every synthesized template, the calls its code
 * makes (listed beside that code: functions/aws-calls.json, sender/aws-calls.json,
 * cdk/aws-calls.json) are allowed and the listed negatives (another table, another customer's
 * role, an unrelated secret, ...) denied, by @cloud-copilot/iam-simulate (pinned in
 * .ci/tools-package.json) through cdk/tools/iam-check.mjs; a role no file lists fails too. The
 * simulator is a required build tool, like cfn-lint: missing, this fails rather than skips.
 */
class IamSimulationTest {
    static final List<String> CALL_FILES = List.of("functions/aws-calls.json", "sender/aws-calls.json", "cdk/aws-calls.json");

    @Test
    void everyRoleAllowsItsCodesCallsAndNothingListedAsDenied() throws Exception {
        Path node = Synth.REPO.resolve(".tools/node_modules/.bin/node");
        Path simulator = Synth.REPO.resolve(".tools/node_modules/@cloud-copilot/iam-simulate/package.json");
        if (!Files.isExecutable(node) || !Files.isRegularFile(simulator)) {
            fail("the IAM simulator is not installed in .tools (run .ci/setup): refusing to skip the IAM check");
        }
        CloudAssembly assembly = Synth.app().synth();
        List<String> command = new ArrayList<>(List.of(node.toString(), Synth.REPO.resolve("cdk/tools/iam-check.mjs").toString(),
                assembly.getDirectory(), DeploymentConfig.PLACEHOLDER_ACCOUNT));
        for (String f : CALL_FILES) command.add(Synth.REPO.resolve(f).toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the simulation finished");
        assertEquals(0, p.exitValue(), out);
        List<String> failed = new ArrayList<>();
        JsonNode summary = null;
        for (String line : out.lines().filter(l -> l.startsWith("{")).toList()) {
            JsonNode j = Templates.JSON.readTree(line);
            if (j.path("summary").asBoolean()) summary = j;
            else if (!j.path("ok").asBoolean()) failed.add(line);
        }
        assertTrue(summary != null, out);
        assertEquals(List.of(), failed, "calls the roles do not allow, or allow though listed as denied");
        assertEquals(0, summary.get("failures").asInt(), out);
        assertTrue(summary.get("checks").asInt() >= 2 * 70, "both regions, every role: " + summary);
    }
}
