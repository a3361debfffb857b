package com.proxylity.packetsource.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.local.config.LocalConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigTest {
    static LocalConfig parse(String text) throws Exception {
        return LocalConfig.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theCommentedExampleAndTheBuiltInConfigLoad() throws Exception {
        LocalConfig example = LocalConfig.load(Path.of("..", "config", "local.example.yaml"));
        assertEquals(2, example.regions().size());
        assertEquals("wg-decap", example.listeners().get(1).type().wireName());
        assertFalse(example.packetSources().get(2).enabled());
        assertEquals("arn:aws:sns:us-east-1:000000000000:sensors", example.topicArn("sensors"));
        assertTrue(LocalConfig.builtIn().allTopicNames().contains("demo"));
    }

    @Test
    void jsonIsAcceptedToo() throws Exception {
        LocalConfig c = parse("{\"regions\":[\"eu-west-1\"],\"listeners\":[{\"name\":\"a\"}],\"packetSources\":[{\"topic\":\"t\",\"listener\":\"a\"}]}");
        assertEquals("eu-west-1", c.snsRegion());
        assertEquals("udp", c.listeners().get(0).protocol());
    }

    @Test
    void mistakesAreRejectedWithTheirName() {
        assertThrows(Exception.class, () -> parse("listners: []"));
        var e = assertThrows(IllegalArgumentException.class, () -> parse("listeners: [{name: a}]\npacketSources: [{topic: t, listener: b}]"));
        assertTrue(e.getMessage().contains("unknown listener b"));
        assertThrows(Exception.class, () -> parse("listeners: [{name: a, protocol: udp, decapsulated: true}]"));
        assertThrows(Exception.class, () -> parse("queues: {batchSize: 11}"));
        assertThrows(IllegalArgumentException.class, () -> parse("regions: [Mars]"));
    }

    @Test
    void theConfigNeverPrintsAPrivateKey() throws Exception {
        String key = "SKMN+fZNJmNoINqkgz8a1g1x6yjCU8UFmu5aOZydSVk=";
        LocalConfig c = parse("listeners: [{name: w, protocol: wg, privateKey: \"" + key + "\"}]\n"
                + "packetSources: [{topic: t, listener: w}]");
        assertEquals(key, c.listeners().get(0).privateKey());
        assertFalse(c.toString().contains(key), c.toString());
        assertFalse(c.listeners().get(0).toString().contains(key));
    }
}
