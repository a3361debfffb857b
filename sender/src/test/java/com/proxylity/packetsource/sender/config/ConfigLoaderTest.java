package com.proxylity.packetsource.sender.config;

import com.proxylity.packetsource.sender.TestEgress;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.core.contract.ListenerType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final String HMAC = Base64.getEncoder().encodeToString(TestEgress.KEY);
    private static final byte[] WG_KEY = new byte[32];

    static {
        WG_KEY[0] = 42;
    }

    @Test
    void yamlFileWithSecretsFromEnvironmentAndFile(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("wg.key");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(WG_KEY) + "\n");
        Path yaml = dir.resolve("sender.yaml");
        Files.writeString(yaml, """
                senderId: sender-a
                egress:
                  bindAddress: 127.0.0.1
                  port: 0
                listeners:
                  - name: coap
                    type: udp
                    bindAddress: 127.0.0.1
                    port: 0
                  - name: tunnel
                    type: wg-decap
                    port: 51820
                    privateKeyFile: %s
                    allowedPeers: [ "cGVlcg==" ]
                queueCapacity: 100
                socketsPerListener: 2
                udpSegmentation: false
                sessionDirectory: { type: memory }
                metrics: { intervalSeconds: 10 }
                """.formatted(keyFile));
        SenderConfig c = ConfigLoader.load(Map.of(ConfigLoader.ENV_CONFIG_FILE, yaml.toString(),
                ConfigLoader.DEFAULT_HMAC_ENV, HMAC));
        assertEquals("sender-a", c.senderId());
        assertArrayEquals(TestEgress.KEY, c.egressKeys().currentKey());
        assertEquals(2, c.listeners().size());
        assertEquals(ListenerType.WG_DECAP, c.listeners().get(1).type());
        assertEquals("0.0.0.0", c.listeners().get(1).bindAddress());
        assertArrayEquals(WG_KEY, c.listeners().get(1).privateKey());
        assertEquals(100, c.queueCapacity());
        assertEquals(2, c.socketsPerListener());
        assertFalse(c.udpSegmentation());
        assertEquals(10, c.metricsInterval().toSeconds());
        // Secrets never show in the printed configuration.
        assertFalse(c.toString().contains(HMAC));
        assertFalse(c.toString().contains(Base64.getEncoder().encodeToString(WG_KEY)));
    }

    @Test
    void inlineJsonAndSenderIdOverride() throws Exception {
        SenderConfig c = ConfigLoader.load(Map.of(
                ConfigLoader.ENV_CONFIG_JSON, "{\"listeners\":[{\"name\":\"a\",\"type\":\"udp\",\"port\":0}],"
                        + "\"egress\":{\"hmacKeyEnv\":\"MY_KEY\"}}",
                "MY_KEY", HMAC, ConfigLoader.ENV_SENDER_ID, "task-123"));
        assertEquals("task-123", c.senderId());
        assertEquals(8080, c.egressPort());
        // Absent: one socket per processor, so every core sends.
        assertEquals(SenderConfig.defaultSocketsPerListener(), c.socketsPerListener());
        assertTrue(c.udpSegmentation(), "segmentation is on unless the file turns it off");
        // The standard egress policy is always on when configured from a file/environment.
        assertFalse(c.egressPolicy().permits(java.net.InetAddress.getByName("169.254.169.254")));
        assertFalse(c.egressPolicy().permits(java.net.InetAddress.getByName("10.1.2.3")));
        assertTrue(c.egressPolicy().permits(java.net.InetAddress.getByName("203.0.113.9")));
        SenderConfig loop = ConfigLoader.load(Map.of(
                ConfigLoader.ENV_CONFIG_JSON, "{\"listeners\":[{\"name\":\"a\",\"port\":0}],"
                        + "\"egress\":{\"allowCidrs\":[\"127.0.0.0/8\"]}}",
                ConfigLoader.DEFAULT_HMAC_ENV, HMAC));
        assertTrue(loop.egressPolicy().permits(java.net.InetAddress.getByName("127.0.0.1")));
    }

    @Test
    void theEgressKeyVariableMayHoldAKeySet() throws Exception {
        String set = "{\"current\":\"k2\",\"k1\":\"" + HMAC + "\",\"k2\":\"" + Base64.getEncoder().encodeToString(WG_KEY) + "\"}";
        SenderConfig c = ConfigLoader.load(Map.of(
                ConfigLoader.ENV_CONFIG_JSON, "{\"listeners\":[{\"name\":\"a\",\"port\":0}]}",
                ConfigLoader.DEFAULT_HMAC_ENV, set));
        assertEquals(java.util.Set.of("k1", "k2"), c.egressKeys().ids());
        assertFalse(c.egressKeys().acceptsUnkeyed());
        assertFalse(c.toString().contains(HMAC));
        var e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(Map.of(
                ConfigLoader.ENV_CONFIG_JSON, "{\"listeners\":[{\"name\":\"a\",\"port\":0}]}",
                ConfigLoader.DEFAULT_HMAC_ENV, "{\"current\":\"k3\",\"k1\":\"" + HMAC + "\"}")));
        assertFalse(e.getMessage().contains(HMAC), e.getMessage());
    }

    @Test
    void clearErrorsWithoutSecretValues() {
        var e = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(Map.of(
                ConfigLoader.ENV_CONFIG_JSON, "{\"listeners\":[{\"name\":\"a\"}]}")));
        assertEquals("egress HMAC key: environment variable PS_EGRESS_HMAC_KEY is not set", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(Map.of(
                ConfigLoader.ENV_CONFIG_JSON, "{\"listeners\":[{\"name\":\"a\"}]}",
                ConfigLoader.DEFAULT_HMAC_ENV, "c2hvcnQ=")));
        assertThrows(Exception.class, () -> ConfigLoader.load(Map.of(
                ConfigLoader.ENV_CONFIG_JSON, "{\"listeners\":[{\"name\":\"a\",\"colour\":1}]}",
                ConfigLoader.DEFAULT_HMAC_ENV, HMAC)));
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.load(Map.of()));
    }

    @Test
    void socketsPerListenerDefaultsToOnePerProcessorAndIsBounded() {
        SenderConfig.Builder b = SenderConfig.builder().hmacKey(TestEgress.KEY);
        int processors = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.min(64, processors), b.build().socketsPerListener());
        assertEquals(Math.min(64, processors), b.socketsPerListener(0).build().socketsPerListener());
        assertEquals(1, b.socketsPerListener(1).build().socketsPerListener());
        assertThrows(IllegalArgumentException.class, () -> b.socketsPerListener(-1).build());
        assertThrows(IllegalArgumentException.class, () -> b.socketsPerListener(65).build());
        assertEquals(64, b.socketsPerListener(64).build().socketsPerListener());
    }
}
