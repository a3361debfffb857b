package com.proxylity.packetsource.cdk;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * One synthesis of the app for all test classes (synthesis starts a jsii Node process and takes
 * seconds): two regions, as {@code cdk synth -c regions=us-east-1,eu-west-1} would.
 */
final class Synth {
    static final List<String> REGIONS = List.of("us-east-1", "eu-west-1");
    static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static List<PacketSourceStack> stacks;
    private static App app;

    private Synth() {}

    static synchronized List<PacketSourceStack> stacks() {
        if (stacks == null) {
            app = PacketSourceApp.newApp(Map.of("regions", String.join(",", REGIONS), "alarmEmail", "ops@example.com"));
            stacks = PacketSourceApp.build(app, REPO);
            app.synth();
        }
        return stacks;
    }

    static synchronized App app() {
        stacks();
        return app;
    }

    static Template template(PacketSourceStack stack) {
        return Template.fromStack(stack);
    }
}
