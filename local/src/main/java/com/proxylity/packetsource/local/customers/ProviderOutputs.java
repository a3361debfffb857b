package com.proxylity.packetsource.local.customers;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;
import java.util.List;

/**
 * What a customer's stack names in one region: the provider's ServiceToken and the role its own
 * role must trust, read from that region's {@code PacketSource-<region>} stack outputs (the stack
 * is their one owner; docs/deployment.md lists them).
 */
public record ProviderOutputs(String region, String serviceToken, String providerRoleArn, String problem) {
    public static final String SERVICE_TOKEN = "PacketSourceServiceToken";
    public static final String PROVIDER_ROLE = "PacketSourceProviderRoleArn";

    public static String stackName(String region) {
        return "PacketSource-" + region;
    }

    /**
     * @param endpoint a CloudFormation endpoint override (tests), or null for AWS with the default credentials
     * @return the outputs, or, when they cannot be read, placeholders and the reason
     */
    public static ProviderOutputs read(String region, URI endpoint) {
        var b = CloudFormationClient.builder().region(Region.of(region)).httpClient(UrlConnectionHttpClient.create());
        if (endpoint != null) b.endpointOverride(endpoint).credentialsProvider(AnonymousCredentialsProvider.create());
        try (CloudFormationClient cfn = b.build()) {
            var stacks = cfn.describeStacks(r -> r.stackName(stackName(region))).stacks();
            var outputs = stacks.isEmpty() ? List.<Output>of() : stacks.get(0).outputs();
            Optional<String> token = outputs.stream().filter(o -> o.outputKey().equals(SERVICE_TOKEN)).map(Output::outputValue).findFirst();
            Optional<String> role = outputs.stream().filter(o -> o.outputKey().equals(PROVIDER_ROLE)).map(Output::outputValue).findFirst();
            if (token.isPresent() && role.isPresent()) return new ProviderOutputs(region, token.get(), role.get(), null);
            return unknown(region, "stack " + stackName(region) + " has no " + SERVICE_TOKEN + "/" + PROVIDER_ROLE + " output");
        } catch (SdkException e) {
            return unknown(region, "could not read stack " + stackName(region) + " in " + region + ": " + firstLine(e.getMessage()));
        }
    }

    static ProviderOutputs unknown(String region, String problem) {
        return new ProviderOutputs(region, "<" + SERVICE_TOKEN + " of " + stackName(region) + ">",
                "<" + PROVIDER_ROLE + " of " + stackName(region) + ">", problem);
    }

    private static String firstLine(String m) {
        if (m == null) return "no message";
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
