package com.proxylity.packetsource.cdk;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * One synthesis of the app for all test classes (synthesis starts a jsii Node process and takes
 * seconds): cdk/cdk.json with two regions and two onboarded customers, as {@code cdk synth -c
 * regions=us-east-1,eu-west-1 -c customers='[...]'} would; and, for what fails closed, one region
 * without customers.
 */
final class Synth {
    static final List<String> REGIONS = List.of("us-east-1", "eu-west-1");
    static final String HOME = "us-east-1";
    static final String ACME_ACCOUNT = "111122223333";
    static final String GLOBEX_ACCOUNT = "444455556666";
    static final String GLOBEX_CFN_ROLE = "arn:aws:iam::444455556666:role/cfn-deployer";
    static final String CUSTOMERS = "[{\"id\":\"acme\",\"accounts\":[\"" + ACME_ACCOUNT + "\"]},"
            + "{\"id\":\"globex\",\"accounts\":[\"" + GLOBEX_ACCOUNT + "\"],\"cloudFormationRoles\":[\"" + GLOBEX_CFN_ROLE + "\"]}]";
    static final String IMAGE_TAG = "v1";
    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static List<PacketSourceStack> stacks;
    private static App app;
    private static PacketSourceStack withoutCustomers;

    private Synth() {}

    /**
     * The checked-in cdk/cdk.json's context, as {@code cdk synth} reads it, with {@code overrides}
     * on top the way {@code -c key=value} would: every test is about the configuration operators
     * deploy, not about the app's defaults alone.
     */
    static Map<String, Object> context(Map<String, Object> overrides) {
        try {
            JsonNode json = new ObjectMapper().readTree(REPO.resolve("cdk/cdk.json").toFile()).get("context");
            Map<String, Object> context = new LinkedHashMap<>(new ObjectMapper().convertValue(json,
                    new TypeReference<Map<String, Object>>() {}));
            context.putAll(overrides);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized List<PacketSourceStack> stacks() {
        if (stacks == null) {
            app = PacketSourceApp.newApp(context(Map.of("regions", String.join(",", REGIONS), "alarmEmail", "ops@example.com",
                    "customers", CUSTOMERS, "senderImageTag", IMAGE_TAG)));
            stacks = PacketSourceApp.build(app, REPO);
            app.synth();
        }
        return stacks;
    }

    static synchronized App app() {
        stacks();
        return app;
    }

    static synchronized PacketSourceStack withoutCustomers() {
        if (withoutCustomers == null) {
            App a = PacketSourceApp.newApp(context(Map.of("regions", "us-east-1", "senderImageTag", IMAGE_TAG)));
            withoutCustomers = PacketSourceApp.build(a, REPO).get(0);
            a.synth();
        }
        return withoutCustomers;
    }

    static PacketSourceStack stack(String region) {
        return stacks().stream().filter(s -> s.getRegion().equals(region)).findFirst().orElseThrow();
    }

    static Template template(PacketSourceStack stack) {
        return Template.fromStack(stack);
    }
}
