package com.proxylity.packetsource.functions.resource;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/** The Lambda context as far as the handler reads it; the log stream name is a value the response must never use. */
final class TestContext implements Context {
    @Override public String getAwsRequestId() { return "aws-req-1"; }
    @Override public String getLogGroupName() { return "/aws/lambda/ps"; }
    @Override public String getLogStreamName() { return "2026/11/30/[$LATEST]LOG-STREAM-NAME"; }
    @Override public String getFunctionName() { return "ps"; }
    @Override public String getFunctionVersion() { return "$LATEST"; }
    @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:999999999999:function:ps"; }
    @Override public CognitoIdentity getIdentity() { return null; }
    @Override public ClientContext getClientContext() { return null; }
    @Override public int getRemainingTimeInMillis() { return 60_000; }
    @Override public int getMemoryLimitInMB() { return 512; }
    @Override public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override public void log(String message) { System.out.println(message); }
            @Override public void log(byte[] message) { System.out.println(new String(message)); }
        };
    }
}
