package com.proxylity.packetsource.functions.state;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JavaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * Base of the Task-state handlers: the Lambda entry point reads the state input with our Jackson
 * mapper and writes the state output with it (the Java runtime's built-in POJO serializer knows
 * neither records nor our PascalCase names). {@link #handle} is the typed stage, called directly
 * in-process by local mode and by tests.
 *
 * <p>An exception thrown by {@link #handle} becomes a Lambda function error whose errorType is
 * the exception's class name: the state machine's Retry/Catch match on those names.
 */
public abstract class StageHandler<I, O> implements RequestStreamHandler {
    private final JavaType inputType;

    protected StageHandler(Class<I> inputType) {
        this.inputType = StateJson.MAPPER.constructType(inputType);
    }

    /** The stage itself. */
    public abstract O handle(I input);

    /** JSON in, JSON out: what the Lambda runtime (and the loopback Lambda endpoint in tests) calls. */
    public byte[] handleJson(byte[] input) {
        try {
            I in = StateJson.MAPPER.readValue(input, inputType);
            return StateJson.MAPPER.writeValueAsBytes(handle(in));
        } catch (IOException e) {
            throw new UncheckedIOException("state input is not what " + getClass().getSimpleName() + " reads", e);
        }
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] in = input.readAllBytes();
        byte[] out = PowertoolsLogging.withLogging(context, () -> handleJson(in));
        output.write(out);
    }
}
