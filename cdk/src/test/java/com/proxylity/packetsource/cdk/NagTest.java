package com.proxylity.packetsource.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/** cdk-nag AwsSolutions: no unsuppressed error on any stack (synth itself never fails on them). */
class NagTest {
    @Test
    void noUnsuppressedAwsSolutionsErrors() {
        for (PacketSourceStack stack : Synth.stacks()) {
            List<SynthesisMessage> errors = Annotations.fromStack(stack)
                    .findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
            assertEquals(List.of(), errors.stream().map(m -> m.getId() + " " + m.getEntry().getData()).toList(),
                    stack.getStackName());
        }
    }
}
