package com.proxylity.packetsource.local.sns;

/**
 * One SNS message attribute as published. {@code value} is the StringValue, or for Binary the
 * base64 of the bytes (which is also how SNS writes it into the notification envelope).
 */
public record MessageAttribute(String dataType, String value) {
    public boolean isString() {
        return dataType.equals("String") || dataType.startsWith("String.") && !dataType.startsWith("String.Array");
    }

    /** The {@code Type} SNS writes into the envelope: the data type without custom suffix. */
    public String envelopeType() {
        if (dataType.startsWith("String.Array")) return "String.Array";
        if (dataType.startsWith("String")) return "String";
        if (dataType.startsWith("Number")) return "Number";
        return "Binary";
    }
}
