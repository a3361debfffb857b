package com.proxylity.packetsource.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;

/**
 * {@code cdk synth|deploy [-c regions=us-east-1,eu-west-1] [-c account=...]}: one stack per
 * region, {@code PacketSource-<region>}. cdk-nag's AwsSolutions checks run on every stack; the
 * build's tests assert they leave no unsuppressed error (synth itself does not fail on them).
 */
public final class PacketSourceApp {
    private PacketSourceApp() {}

    public static void main(String[] args) {
        App app = new App();
        build(app, repoRoot());
        app.synth();
    }

    /** Adds the stacks the app's context asks for. */
    public static List<PacketSourceStack> build(App app, Path repoRoot) {
        DeploymentConfig config = DeploymentConfig.fromContext(k -> app.getNode().tryGetContext(k), repoRoot);
        if (!Files.isRegularFile(config.functionsZip())) {
            throw new IllegalStateException("no Lambda zip at " + config.functionsZip()
                    + ": build first (mvn -B -ntp -pl cdk -am package -DskipTests)");
        }
        List<PacketSourceStack> stacks = new ArrayList<>();
        for (String region : config.regions()) {
            stacks.add(new PacketSourceStack(app, "PacketSource-" + region, region, config));
        }
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        return stacks;
    }

    public static App newApp(java.util.Map<String, Object> context) {
        return new App(AppProps.builder().context(context).build());
    }

    /** The repository root: the app runs in cdk/ (cdk.json, Maven's basedir). */
    static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("statemachines")) ? here : here.getParent();
    }
}
