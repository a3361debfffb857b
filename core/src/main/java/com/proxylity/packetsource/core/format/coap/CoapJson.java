package com.proxylity.packetsource.core.format.coap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.proxylity.packetsource.core.contract.Json;
import com.proxylity.packetsource.core.format.DecodeException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The customer-facing JSON shape of a CoAP message (docs/architecture.md#message-contract):
 * {@code {"Type":2,"Code":"2.05","MessageId":4711,"Token":"AQID","Options":[{"Number":12,"Value":""}],"Payload":"<base64>"}}.
 *
 * <p>Rules (docs/coap.md): field names are case-sensitive and unknown fields are rejected (a typo
 * must not silently drop an option); {@code null} means absent. {@code Type}, {@code Code} and
 * {@code MessageId} are required; {@code Token}, {@code Options}, {@code Payload} and an option's
 * {@code Value} default to empty. Byte strings are standard base64 with padding. An option
 * {@code Value} given as a JSON integer 0..2^32-1 is a uint option (RFC 7252 section 3.2): its
 * minimal big-endian bytes, 0 being empty.
 */
public final class CoapJson {
    /** RFC 7252's registered uint options are at most 4 bytes; wider values go as base64. */
    public static final long MAX_UINT_VALUE = 0xFFFF_FFFFL;

    private static final Set<String> MESSAGE_FIELDS = Set.of("Type", "Code", "MessageId", "Token", "Options", "Payload");
    private static final Set<String> OPTION_FIELDS = Set.of("Number", "Value");
    private static final List<String> TYPE_NAMES = List.of("CON", "NON", "ACK", "RST");

    private CoapJson() {}

    /** Data is the JSON object itself or a JSON string holding one. */
    public static CoapMessage parse(JsonNode data) throws DecodeException {
        if (data != null && data.isTextual()) {
            try {
                // The contract's one strict reader: trailing garbage and duplicate keys are errors
                // (not silently dropped), and nesting is bounded like the message around it.
                data = Json.MAPPER.readTree(data.textValue());
            } catch (JsonProcessingException e) {
                throw new DecodeException("coap: Data string is not valid JSON");
            }
        }
        if (data == null || !data.isObject()) {
            throw new DecodeException("coap: Data must be a JSON object (or a string holding one)");
        }
        checkFields(data, MESSAGE_FIELDS, "message");
        int type = parseType(required(data, "Type"));
        int code = parseCode(required(data, "Code"));
        int messageId = (int) integer(required(data, "MessageId"), "MessageId", 0, 0xFFFF);
        byte[] token = base64(data.get("Token"), "Token");
        if (token.length > CoapMessage.MAX_TOKEN_LENGTH) {
            throw new DecodeException("coap: Token is " + token.length + " bytes, at most 8 allowed");
        }
        List<CoapOption> options = parseOptions(data.get("Options"));
        byte[] payload = base64(data.get("Payload"), "Payload");
        return new CoapMessage(type, code, messageId, token, options, payload);
    }

    /** The JSON shape of a message (byte strings as base64), e.g. to show what would be sent. */
    public static ObjectNode toJson(CoapMessage message) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode node = f.objectNode();
        node.put("Type", message.type());
        node.put("Code", CoapCode.format(message.code()));
        node.put("MessageId", message.messageId());
        node.put("Token", Base64.getEncoder().encodeToString(message.tokenUnsafe()));
        ArrayNode options = node.putArray("Options");
        for (CoapOption option : message.options()) {
            options.addObject().put("Number", option.number())
                    .put("Value", Base64.getEncoder().encodeToString(option.valueUnsafe()));
        }
        node.put("Payload", Base64.getEncoder().encodeToString(message.payloadUnsafe()));
        return node;
    }

    /** Minimal big-endian bytes of an unsigned value; 0 is the empty string (RFC 7252 section 3.2). */
    public static byte[] uintBytes(long value) {
        int length = (Long.SIZE - Long.numberOfLeadingZeros(value) + 7) / 8;
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[length - 1 - i] = (byte) (value >>> (8 * i));
        }
        return out;
    }

    private static List<CoapOption> parseOptions(JsonNode node) throws DecodeException {
        if (isAbsent(node)) return List.of();
        if (!node.isArray()) throw new DecodeException("coap: Options must be an array");
        if (node.size() > CoapMessage.MAX_OPTIONS) {
            throw new DecodeException("coap: more than " + CoapMessage.MAX_OPTIONS + " options");
        }
        List<CoapOption> options = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode option = node.get(i);
            String where = "Options[" + i + "]";
            if (!option.isObject()) throw new DecodeException("coap: " + where + " must be an object");
            checkFields(option, OPTION_FIELDS, where);
            JsonNode number = option.get("Number");
            if (isAbsent(number)) throw new DecodeException("coap: " + where + ".Number is required");
            int n = (int) integer(number, where + ".Number", 0, CoapMessage.MAX_OPTION_NUMBER);
            JsonNode value = option.get("Value");
            byte[] bytes = value != null && value.isNumber()
                    ? uintBytes(integer(value, where + ".Value", 0, MAX_UINT_VALUE))
                    : base64(value, where + ".Value");
            options.add(new CoapOption(n, bytes));
        }
        return options;
    }

    private static int parseType(JsonNode node) throws DecodeException {
        if (node.isTextual()) {
            int index = TYPE_NAMES.indexOf(node.textValue());
            if (index < 0) throw new DecodeException("coap: Type must be 0-3 or one of CON, NON, ACK, RST");
            return index;
        }
        return (int) integer(node, "Type", 0, 3);
    }

    private static int parseCode(JsonNode node) throws DecodeException {
        if (node.isTextual()) return CoapCode.parse(node.textValue());
        return (int) integer(node, "Code", 0, 0xFF);
    }

    private static JsonNode required(JsonNode data, String field) throws DecodeException {
        JsonNode node = data.get(field);
        if (isAbsent(node)) throw new DecodeException("coap: " + field + " is required");
        return node;
    }

    private static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull();
    }

    private static void checkFields(JsonNode object, Set<String> allowed, String where) throws DecodeException {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new DecodeException("coap: unknown field in " + where + " (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static long integer(JsonNode node, String field, long min, long max) throws DecodeException {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new DecodeException("coap: " + field + " must be an integer " + min + "-" + max);
        }
        long value = node.longValue();
        if (value < min || value > max) {
            throw new DecodeException("coap: " + field + " must be an integer " + min + "-" + max);
        }
        return value;
    }

    private static byte[] base64(JsonNode node, String field) throws DecodeException {
        if (isAbsent(node)) return new byte[0];
        if (!node.isTextual()) throw new DecodeException("coap: " + field + " must be a base64 string");
        try {
            return Base64.getDecoder().decode(node.textValue());
        } catch (IllegalArgumentException e) {
            throw new DecodeException("coap: " + field + " is not valid base64");
        }
    }
}
