package com.proxylity.packetsource.cdk;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import java.util.Map;

/**
 * {@code cdk synth|deploy [-c regions=us-east-1,eu-west-1] [-c homeRegion=...] [-c account=...]}:
 * one stack per region, {@code PacketSource-<region>}; the home region's owns the global registry
 * tables and is deployed first. cdk-nag's AwsSolutions checks run on every stack; the
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
        PacketSourceStack home = null;
        for (String region : config.regions()) {
            PacketSourceStack stack = new PacketSourceStack(app, "PacketSource-" + region, region, config);
            if (region.equals(config.homeRegion())) home = stack;
            stacks.add(stack);
        }
        // The other regions read the global tables' replicas, which the home stack creates:
        // deploy --all deploys it first (an ordering only; no value crosses the stacks).
        for (PacketSourceStack s : stacks) if (s != home) s.addDependency(home, "replicas of the global registry tables");
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        return stacks;
    }

    public static App newApp(Map<String, Object> context) {
        return new App(AppProps.builder().context(context).build());
    }

    /** The repository root: the app runs in cdk/ (cdk.json, Maven's basedir). */
    static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("statemachines")) ? here : here.getParent();
    }
}
