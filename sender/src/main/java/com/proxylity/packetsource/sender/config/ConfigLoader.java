package com.proxylity.packetsource.sender.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.proxylity.packetsource.core.contract.ListenerType;
import com.proxylity.packetsource.core.egressapi.EgressKeySet;
import com.proxylity.packetsource.core.egresspolicy.Cidr;
import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import com.proxylity.packetsource.core.registry.ApiKeys;

/**
 * Reads the sender configuration from a JSON or YAML file and the environment variables that
 * {@code SenderMain} passes (it alone reads the process environment).
 *
 * <p>Secrets (the egress HMAC key, WireGuard private keys) are never written in the file
 * itself: the file names an environment variable ({@code ...Env}) or a file ({@code ...File})
 * holding the base64 value (the egress HMAC key: a bare base64 key or the JSON key set of
 * {@code EgressKeySet}). On ECS/Fargate the task definition's {@code secrets} section injects
 * Secrets Manager values as environment variables, so the sender needs no AWS SDK for them.
 *
 * <p>Environment: {@code PS_SENDER_CONFIG} (path to the file) or {@code PS_SENDER_CONFIG_JSON}
 * (the document inline); {@code PS_SENDER_ID} overrides {@code senderId};
 * {@code PS_EGRESS_HMAC_KEY} is the default source of the HMAC key.
 */
public final class ConfigLoader {
    public static final String ENV_CONFIG_FILE = "PS_SENDER_CONFIG";
    public static final String ENV_CONFIG_JSON = "PS_SENDER_CONFIG_JSON";
    public static final String ENV_SENDER_ID = "PS_SENDER_ID";
    public static final String DEFAULT_HMAC_ENV = "PS_EGRESS_HMAC_KEY";

    private ConfigLoader() {}

    @JsonIgnoreProperties(ignoreUnknown = false)
    record FileListener(String name, String type, String bindAddress, Integer port, String privateKeyEnv,
                        String privateKeyFile, List<String> allowedPeers, String owner) {}

    record FileEgress(String bindAddress, Integer port, String hmacKeyEnv, String hmacKeyFile, Integer threads,
                      List<String> allowCidrs) {}

    record FileSessions(String type, String table) {}

    record FileMetrics(Integer intervalSeconds, String namespace) {}

    record FileConfig(String senderId, FileEgress egress, List<FileListener> listeners, Integer queueCapacity,
                      FileSessions sessionDirectory, FileMetrics metrics, Integer drainTimeoutSeconds,
                      Integer socketsPerListener, Boolean udpSegmentation) {}

    public static SenderConfig load(Map<String, String> env) throws IOException {
        String path = env.get(ENV_CONFIG_FILE);
        String inline = env.get(ENV_CONFIG_JSON);
        FileConfig file;
        if (path != null && !path.isBlank()) {
            file = parse(Files.readString(Path.of(path)), path.endsWith(".yaml") || path.endsWith(".yml"));
        } else if (inline != null && !inline.isBlank()) {
            file = parse(inline, false);
        } else {
            throw new IllegalArgumentException("no configuration: set " + ENV_CONFIG_FILE + " or " + ENV_CONFIG_JSON);
        }
        return resolve(file, env);
    }

    static FileConfig parse(String text, boolean yaml) throws IOException {
        ObjectMapper m = yaml
                ? JsonMapper.builder(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
                : JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        return m.readValue(text, FileConfig.class);
    }

    static SenderConfig resolve(FileConfig f, Map<String, String> env) throws IOException {
        FileEgress eg = f.egress() == null ? new FileEgress(null, null, null, null, null, null) : f.egress();
        String senderId = env.getOrDefault(ENV_SENDER_ID, f.senderId());
        if (senderId == null) senderId = InetAddress.getLocalHost().getHostName();
        EgressKeySet hmac = EgressKeySet.parse(secretText("egress HMAC key", eg.hmacKeyEnv() == null
                && eg.hmacKeyFile() == null ? DEFAULT_HMAC_ENV : eg.hmacKeyEnv(), eg.hmacKeyFile(), env));
        List<ListenerConfig> listeners = new ArrayList<>();
        for (FileListener l : f.listeners() == null ? List.<FileListener>of() : f.listeners()) {
            ListenerType type = ListenerType.fromWireName(l.type() == null ? "udp" : l.type());
            byte[] key = type.isWireGuard()
                    ? secret("private key of listener " + l.name(), l.privateKeyEnv(), l.privateKeyFile(), env) : null;
            if (l.owner() != null && !ApiKeys.isCustomerId(l.owner())) {
                throw new IllegalArgumentException("listener " + l.name() + ": owner is not a customer id");
            }
            listeners.add(new ListenerConfig(l.name(), type, l.bindAddress(), l.port() == null ? 0 : l.port(),
                    key, l.allowedPeers(), l.owner()));
        }
        if (listeners.isEmpty()) throw new IllegalArgumentException("configuration has no listeners");
        FileSessions s = f.sessionDirectory();
        FileMetrics m = f.metrics();
        return new SenderConfig(senderId,
                eg.bindAddress() == null ? "0.0.0.0" : eg.bindAddress(),
                eg.port() == null ? 8080 : eg.port(),
                hmac, listeners,
                f.queueCapacity() == null ? SenderConfig.DEFAULT_QUEUE_CAPACITY : f.queueCapacity(),
                s == null ? SessionStoreConfig.MEMORY : new SessionStoreConfig(s.type(), s.table()),
                m == null || m.intervalSeconds() == null ? null : Duration.ofSeconds(m.intervalSeconds()),
                m == null ? null : m.namespace(),
                f.drainTimeoutSeconds() == null ? null : Duration.ofSeconds(f.drainTimeoutSeconds()),
                eg.threads() == null ? 8 : eg.threads(),
                // The sender re-checks remote addresses with the standard policy (docs/architecture.md#egress-safety): a leaked HMAC key still cannot aim the fixed address at private,
                // link-local or metadata addresses. allowCidrs opens ranges explicitly.
                new DefaultEgressPolicy(eg.allowCidrs() == null ? List.of()
                        : eg.allowCidrs().stream().map(Cidr::parse).toList()),
                f.socketsPerListener() == null ? 0 : f.socketsPerListener(),
                f.udpSegmentation() == null || f.udpSegmentation());
    }

    /** A base64 secret from an env var or a file; the error names the source, never the value. */
    static byte[] secret(String what, String envName, String file, Map<String, String> env) throws IOException {
        String b64 = secretText(what, envName, file, env);
        try {
            return Base64.getDecoder().decode(b64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not valid base64", null);
        }
    }

    private static String secretText(String what, String envName, String file, Map<String, String> env)
            throws IOException {
        String b64;
        if (file != null) {
            b64 = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } else if (envName != null) {
            b64 = env.get(envName);
            if (b64 == null) throw new IllegalArgumentException(what + ": environment variable " + envName + " is not set");
        } else {
            throw new IllegalArgumentException(what + ": give privateKeyEnv or privateKeyFile");
        }
        return b64;
    }
}
