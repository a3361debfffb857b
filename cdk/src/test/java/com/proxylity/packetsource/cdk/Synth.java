package com.proxylity.packetsource.cdk;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * One synthesis of the app for all test classes (synthesis starts a jsii Node process and takes
 * seconds): two regions with two onboarded customers, as {@code cdk synth -c regions=us-east-1,eu-west-1
 * -c customers='[...]'} would; and, for what fails closed, one region without customers.
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

    static synchronized List<PacketSourceStack> stacks() {
        if (stacks == null) {
            app = PacketSourceApp.newApp(Map.of("regions", String.join(",", REGIONS), "alarmEmail", "ops@example.com",
                    "customers", CUSTOMERS, "senderImageTag", IMAGE_TAG));
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
            App a = PacketSourceApp.newApp(Map.of("regions", "us-east-1", "senderImageTag", IMAGE_TAG));
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
