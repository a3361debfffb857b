package com.proxylity.packetsource.dynamodb;

/**
 * DynamoDB kept returning UnprocessedKeys (throttling) after the bounded retries. Callers must
 * treat this as a transient failure (let SQS retry the record), never as "no session".
 */
public final class BatchGetIncompleteException extends RuntimeException {
    private final int unprocessed;

    public BatchGetIncompleteException(String table, int unprocessed, int attempts) {
        super(unprocessed + " keys of " + table + " still unprocessed after " + attempts + " BatchGetItem attempts");
        this.unprocessed = unprocessed;
    }

    public int unprocessed() {
        return unprocessed;
    }
}
