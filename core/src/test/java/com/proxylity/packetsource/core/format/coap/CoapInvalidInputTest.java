package com.proxylity.packetsource.core.format.coap;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.format.DecodeException;
import com.proxylity.packetsource.core.format.Formatters;
import java.util.Base64;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every invalid Data is a DecodeException whose message names the problem; nothing else escapes. */
class CoapInvalidInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OK_HEAD = "\"Type\":0,\"Code\":\"0.01\",\"MessageId\":1";

    static Stream<Arguments> invalid() {
        String manyOptions = IntStream.range(0, 257).mapToObj(i -> "{\"Number\":1}").collect(Collectors.joining(",", "[", "]"));
        String bigPayload = Base64.getEncoder().encodeToString(new byte[65_503]);
        return Stream.of(
                Arguments.of("5", "Data must be a JSON object"),
                Arguments.of("[]", "Data must be a JSON object"),
                Arguments.of("true", "Data must be a JSON object"),
                Arguments.of("null", "Data must be a JSON object"),
                Arguments.of("\"nope\"", "not valid JSON"),
                Arguments.of("\"[1]\"", "Data must be a JSON object"),
                Arguments.of("\"{} x\"", "not valid JSON"),
                Arguments.of("\"{\\\"Type\\\":0,\\\"Type\\\":1}\"", "not valid JSON"),
                Arguments.of("{\"Code\":\"0.01\",\"MessageId\":1}", "Type is required"),
                Arguments.of("{\"Type\":null,\"Code\":\"0.01\",\"MessageId\":1}", "Type is required"),
                Arguments.of("{\"Type\":0,\"MessageId\":1}", "Code is required"),
                Arguments.of("{\"Type\":0,\"Code\":\"0.01\"}", "MessageId is required"),
                Arguments.of("{\"Type\":4,\"Code\":\"0.01\",\"MessageId\":1}", "Type must be"),
                Arguments.of("{\"Type\":-1,\"Code\":\"0.01\",\"MessageId\":1}", "Type must be"),
                Arguments.of("{\"Type\":1.5,\"Code\":\"0.01\",\"MessageId\":1}", "Type must be"),
                Arguments.of("{\"Type\":\"2\",\"Code\":\"0.01\",\"MessageId\":1}", "Type must be"),
                Arguments.of("{\"Type\":\"con\",\"Code\":\"0.01\",\"MessageId\":1}", "Type must be"),
                Arguments.of("{\"Type\":0,\"Code\":\"8.00\",\"MessageId\":1}", "Code must be"),
                Arguments.of("{\"Type\":0,\"Code\":\"2.32\",\"MessageId\":1}", "Code detail"),
                Arguments.of("{\"Type\":0,\"Code\":\"2.5\",\"MessageId\":1}", "Code must be"),
                Arguments.of("{\"Type\":0,\"Code\":\"02.05\",\"MessageId\":1}", "Code must be"),
                Arguments.of("{\"Type\":0,\"Code\":\"2.005\",\"MessageId\":1}", "Code must be"),
                Arguments.of("{\"Type\":0,\"Code\":\"GET\",\"MessageId\":1}", "Code must be"),
                Arguments.of("{\"Type\":0,\"Code\":\"\",\"MessageId\":1}", "Code must be"),
                Arguments.of("{\"Type\":0,\"Code\":\"69\",\"MessageId\":1}", "Code must be"),
                Arguments.of("{\"Type\":0,\"Code\":256,\"MessageId\":1}", "Code must be"),
                Arguments.of("{\"Type\":0,\"Code\":-1,\"MessageId\":1}", "Code must be"),
                Arguments.of("{\"Type\":0,\"Code\":2.05,\"MessageId\":1}", "Code must be"),
                Arguments.of("{\"Type\":0,\"Code\":true,\"MessageId\":1}", "Code must be"),
                Arguments.of("{\"Type\":0,\"Code\":\"0.01\",\"MessageId\":65536}", "MessageId must be"),
                Arguments.of("{\"Type\":0,\"Code\":\"0.01\",\"MessageId\":-1}", "MessageId must be"),
                Arguments.of("{\"Type\":0,\"Code\":\"0.01\",\"MessageId\":\"1\"}", "MessageId must be"),
                Arguments.of("{\"Type\":0,\"Code\":\"0.01\",\"MessageId\":99999999999999999999999}", "MessageId must be"),
                Arguments.of("{" + OK_HEAD + ",\"Token\":\"AQIDBAUGBwgJ\"}", "Token is 9 bytes"),
                Arguments.of("{" + OK_HEAD + ",\"Token\":\"***\"}", "Token is not valid base64"),
                Arguments.of("{" + OK_HEAD + ",\"Token\":7}", "Token must be a base64 string"),
                Arguments.of("{" + OK_HEAD + ",\"Options\":{}}", "Options must be an array"),
                Arguments.of("{" + OK_HEAD + ",\"Options\":[1]}", "Options[0] must be an object"),
                Arguments.of("{" + OK_HEAD + ",\"Options\":[{\"Value\":\"\"}]}", "Options[0].Number is required"),
                Arguments.of("{" + OK_HEAD + ",\"Options\":[{\"Number\":65536}]}", "Options[0].Number must be"),
                Arguments.of("{" + OK_HEAD + ",\"Options\":[{\"Number\":-1}]}", "Options[0].Number must be"),
                Arguments.of("{" + OK_HEAD + ",\"Options\":[{\"Number\":\"11\"}]}", "Options[0].Number must be"),
                Arguments.of("{" + OK_HEAD + ",\"Options\":[{\"Number\":11,\"Value\":\"a\"}]}", "Options[0].Value is not valid base64"),
                Arguments.of("{" + OK_HEAD + ",\"Options\":[{\"Number\":11,\"Value\":true}]}", "Options[0].Value must be a base64 string"),
                Arguments.of("{" + OK_HEAD + ",\"Options\":[{\"Number\":11,\"Value\":-1}]}", "Options[0].Value must be an integer"),
                Arguments.of("{" + OK_HEAD + ",\"Options\":[{\"Number\":11,\"Value\":4294967296}]}", "Options[0].Value must be an integer"),
                Arguments.of("{" + OK_HEAD + ",\"Options\":[{\"Number\":11,\"Value\":1.5}]}", "Options[0].Value must be an integer"),
                Arguments.of("{" + OK_HEAD + ",\"Options\":[{\"Number\":1},{\"Num\":11}]}", "unknown field in Options[1]"),
                Arguments.of("{" + OK_HEAD + ",\"Options\":" + manyOptions + "}", "more than 256 options"),
                Arguments.of("{" + OK_HEAD + ",\"Payload\":\"%%\"}", "Payload is not valid base64"),
                Arguments.of("{" + OK_HEAD + ",\"Payload\":\"" + bigPayload + "\"}", "above the 65507-byte limit"),
                Arguments.of("{" + OK_HEAD + ",\"Paylod\":\"AA==\"}", "unknown field in message"),
                Arguments.of("{" + OK_HEAD + ",\"type\":1}", "unknown field in message"),
                Arguments.of("{\"Type\":2,\"Code\":\"0.00\",\"MessageId\":1,\"Token\":\"AQ==\"}", "Empty"),
                Arguments.of("{\"Type\":2,\"Code\":0,\"MessageId\":1,\"Payload\":\"AQ==\"}", "Empty"),
                Arguments.of("{\"Type\":2,\"Code\":0,\"MessageId\":1,\"Options\":[{\"Number\":1}]}", "Empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectedWithClearMessage(String data, String expectedFragment) throws Exception {
        JsonNode node = JSON.readTree(data);
        DecodeException e = assertThrows(DecodeException.class, () -> Formatters.byName("coap").orElseThrow().decode(node));
        assertTrue(e.getMessage().startsWith("coap: "), e.getMessage());
        assertTrue(e.getMessage().contains(expectedFragment), () -> "'" + e.getMessage() + "' lacks '" + expectedFragment + "'");
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void javaNullIsAlsoADecodeException(String ignored, String ignored2) {
        assertThrows(DecodeException.class, () -> Formatters.byName("coap").orElseThrow().decode(null));
    }

    static Stream<String> malformedBinary() {
        return Stream.of(
                "", "400100", // short header
                "00010001", "80010001", // version 0, 2
                "49010001", // token length 9 (reserved)
                "42010001" + "01", // truncated token
                "40010001" + "f0", // delta nibble 15 without being the marker
                "40010001" + "1f", // length nibble 15
                "40010001" + "d0", "40010001" + "e000", "40010001" + "1d", // truncated extensions
                "40010001" + "13" + "0102", // truncated value
                "40010001" + "ff", // marker without payload
                "40010001" + "e0fef2" + "e00000", // option number 65535 + 269
                "60000001" + "00"); // Empty message with trailing byte
    }

    @ParameterizedTest
    @MethodSource("malformedBinary")
    void decoderRejectsMalformedBinary(String hex) {
        byte[] bytes = java.util.HexFormat.of().parseHex(hex);
        assertThrows(DecodeException.class, () -> CoapDecoder.decode(bytes));
    }
}
