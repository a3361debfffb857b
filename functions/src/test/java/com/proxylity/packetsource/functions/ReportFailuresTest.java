package com.proxylity.packetsource.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.proxylity.packetsource.functions.config.Environment;
import com.proxylity.packetsource.functions.model.ItemIdentifier;
import com.proxylity.packetsource.functions.state.StateJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The last state, and through it the Lambda stream entry point every handler shares. */
class ReportFailuresTest {
    @Test
    void reportFailuresFlattensAndDeduplicates() throws Exception {
        ReportFailures r = new ReportFailures(Environment.pipelineMetrics());
        String in = "[{\"Failed\":[]},{\"Failed\":[{\"itemIdentifier\":\"a\"},{\"itemIdentifier\":\"b\"}]},"
                + "{\"Failed\":[{\"itemIdentifier\":\"a\"}]}]";
        byte[] out = r.handleJson(in.getBytes(StandardCharsets.UTF_8));
        assertEquals("{\"batchItemFailures\":[{\"itemIdentifier\":\"a\"},{\"itemIdentifier\":\"b\"}]}",
                new String(out, StandardCharsets.UTF_8));
        assertEquals(List.of(), r.handle(new ReportFailures.Input()).batchItemFailures());
        assertEquals(new ItemIdentifier("x"), StateJson.MAPPER.readValue("{\"itemIdentifier\":\"x\"}", ItemIdentifier.class));
    }

    @Test
    void theLambdaStreamEntryPointRunsTheStage() throws Exception {
        ReportFailures r = new ReportFailures(Environment.pipelineMetrics());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        r.handleRequest(new ByteArrayInputStream("[{\"Failed\":[{\"itemIdentifier\":\"z\"}]}]".getBytes(StandardCharsets.UTF_8)),
                out, new StubContext());
        assertEquals("{\"batchItemFailures\":[{\"itemIdentifier\":\"z\"}]}", out.toString(StandardCharsets.UTF_8));
    }

    static final class StubContext implements Context {
        public String getAwsRequestId() { return "req-1"; }
        public String getLogGroupName() { return "/aws/lambda/ReportFailures"; }
        public String getLogStreamName() { return "stream"; }
        public String getFunctionName() { return "ReportFailures"; }
        public String getFunctionVersion() { return "$LATEST"; }
        public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:123456789012:function:ReportFailures"; }
        public CognitoIdentity getIdentity() { return null; }
        public ClientContext getClientContext() { return null; }
        public int getRemainingTimeInMillis() { return 10_000; }
        public int getMemoryLimitInMB() { return 512; }
        public LambdaLogger getLogger() {
            return new LambdaLogger() {
                public void log(String message) { }
                public void log(byte[] message) { }
            };
        }
    }
}
