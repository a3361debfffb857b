package com.proxylity.packetsource.local.customers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.CustomerAdmin;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What {@code packet-source customer} prints: the issued key, what the deployment configuration
 * must say for the customer to be served (the Listener owners and the queues' accounts live
 * there, not in the table), and the customer's own stack, filled in for each served region.
 */
public final class CustomerKit {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the customer is kept and what the deployment says; {@link com.proxylity.packetsource.local.cmd.CustomerTarget} in the command. */
    public interface Target {
        boolean isLocal();

        Optional<DeploymentFile> deployment() throws IOException;

        List<String> regions() throws IOException;

        /** The options that chose this target, for a command printed to run next. */
        String sameTarget();

        /** A CloudFormation endpoint override, or null for AWS. */
        URI cloudFormationEndpoint();
    }

    private final PrintStream out;
    private final Target target;

    public CustomerKit(PrintStream out, Target target) {
        this.out = out;
        this.target = target;
    }

    public void issued(CustomerAdmin.Issued issued, String keyLabel, List<String> listeners) throws IOException {
        Customer c = issued.customer();
        out.println();
        out.println("  " + keyLabel + "  " + issued.apiKey());
        out.println("      shown once: only its SHA-256 is stored. Give it to the customer over a secure channel.");
        out.println("  ExternalId  " + c.externalId());
        out.println("  Accounts    " + String.join(", ", new TreeSet<>(c.accounts())));
        if (!keyLabel.equals("ApiKey")) return; // a rotation changes nothing else
        String listener = listeners.isEmpty() ? "<ListenerName>" : listeners.get(0);
        if (listeners.isEmpty()) {
            // Nothing else says so until the customer's first Create fails with "Unknown Listener".
            out.println();
            out.println("No Listener is assigned to " + c.id() + " yet: its Packet Sources fail with 'Unknown Listener' until"
                    + " one is (" + (target.isLocal() ? "packet-source customer assign " + c.id() + " --listener NAME" + target.sameTarget()
                    : "a Listener with \"owner\": \"" + c.id() + "\" in cdk.json, then deploy") + ").");
        }
        if (target.isLocal()) {
            local(c, issued.apiKey(), listeners, listener);
        } else {
            deployment(c, listeners);
            customerStack(c, listener);
        }
    }

    private void local(Customer c, String apiKey, List<String> listeners, String listener) {
        out.println();
        out.println("Local mode keeps this until it stops" + (listeners.isEmpty() ? "" : "; assigned " + String.join(", ", listeners))
                + ". To keep it, add to the local config:");
        out.println("  customers:");
        out.println("    - {id: " + c.id() + ", apiKeySha256: " + c.apiKeySha256() + ", externalId: " + c.externalId()
                + ", accounts: " + JSON.valueToTree(new TreeSet<>(c.accounts())) + "}");
        for (String l : listeners) out.println("  listeners: '" + l + "' gets  owner: " + c.id());
        out.println("  roles: the customer's role, trusting the ExternalId:");
        out.println("    - {arn: arn:aws:iam::<account>:role/<name>, externalId: " + c.externalId()
                + ", actions: [sns:Subscribe, sns:Unsubscribe, sns:ListSubscriptionsByTopic], topics: [<topic>]}");
        out.println();
        out.println("The customer's Packet Source (bin/packet-source resource create --endpoint <provider> PROPERTIES.json):");
        var p = JSON.createObjectNode().put("ApiKey", apiKey).put("ListenerName", listener);
        p.putObject("SnsTopicSource").put("Role", "arn:aws:iam::<account>:role/<name>")
                .put("TopicArn", "arn:aws:sns:<snsRegion>:000000000000:<topic>");
        out.println("  " + p);
    }

    private void deployment(Customer c, List<String> listeners) throws IOException {
        Optional<DeploymentFile> d = target.deployment();
        String file = d.map(f -> f.path().toString()).orElse("cdk/cdk.json");
        List<String> todo = new ArrayList<>();
        List<String> accounts = new ArrayList<>(new TreeSet<>(c.accounts()));
        List<String> configured = d.map(f -> f.customers().get(c.id())).orElse(null);
        if (configured == null || !new TreeSet<>(configured).equals(new TreeSet<>(accounts))) {
            todo.add("\"customers\": " + (configured == null ? "add" : "set the accounts of " + c.id() + " to") + "  "
                    + JSON.createObjectNode().put("id", c.id()).set("accounts", JSON.valueToTree(accounts)));
        }
        for (String l : listeners) {
            if (d.isEmpty() || !c.id().equals(d.get().owners().get(l))) {
                todo.add("\"listeners\": the entry named \"" + l + "\" gets  \"owner\": \"" + c.id() + "\"");
            }
        }
        out.println();
        if (todo.isEmpty()) {
            out.println(file + " already admits " + c.id() + " and assigns it " + String.join(", ", listeners) + ".");
            return;
        }
        out.println("Before the customer can use it, in " + file + " (then deploy every region: cdk deploy --all ...;");
        out.println("the queues admit only these accounts' topics, and a Listener serves only its owner):");
        todo.forEach(t -> out.println("  " + t));
    }

    private void customerStack(Customer c, String listener) throws IOException {
        out.println();
        out.println("For the customer: examples/customer-stack.yaml, deployed in the region of its topic (one of these):");
        out.println("  export PROXYLITY_API_KEY='<the ApiKey above>'");
        for (String region : target.regions()) {
            ProviderOutputs o = ProviderOutputs.read(region, target.cloudFormationEndpoint());
            if (o.problem() != null) out.println("  # " + o.problem() + ": fill in the two values from its outputs");
            out.println("  aws cloudformation deploy --region " + region + " --stack-name proxylity-packet-source"
                    + " --template-file customer-stack.yaml --capabilities CAPABILITY_IAM --parameter-overrides \\");
            out.println("      ProxylityApiKey=\"$PROXYLITY_API_KEY\" ProxylityExternalId=" + c.externalId()
                    + " ListenerName=" + listener + " \\");
            out.println("      ProxylityPrincipalArn=" + o.providerRoleArn() + " \\");
            out.println("      ServiceToken=" + o.serviceToken());
        }
    }

    public void list(List<Customer> all) throws IOException {
        Optional<DeploymentFile> d = target.deployment();
        out.printf("  %-20s %-5s %-9s %-28s %s%n", "ID", "KEYS", "STATE", "ACCOUNTS", "EXTERNAL ID");
        for (Customer c : all) {
            out.printf("  %-20s %-5s %-9s %-28s %s%n", c.id(), c.previousApiKeySha256() == null ? "1" : "2",
                    c.disabled() ? "disabled" : "enabled", String.join(",", new TreeSet<>(c.accounts())), c.externalId());
        }
        if (all.isEmpty()) out.println("  (none)");
        if (d.isEmpty()) return;
        List<String> drift = new ArrayList<>();
        for (Customer c : all) {
            List<String> configured = d.get().customers().get(c.id());
            if (configured == null) {
                drift.add(c.id() + ": not in the deployment's customers: the queues refuse its topics");
            } else if (!new TreeSet<>(configured).equals(new TreeSet<>(c.accounts()))) {
                drift.add(c.id() + ": accounts differ: table " + new TreeSet<>(c.accounts()) + ", deployment " + new TreeSet<>(configured));
            }
        }
        for (Map.Entry<String, List<String>> e : d.get().customers().entrySet()) {
            if (all.stream().noneMatch(c -> c.id().equals(e.getKey()))) {
                drift.add(e.getKey() + ": in the deployment's customers but not in the table: no ApiKey of it authenticates");
            }
        }
        for (Map.Entry<String, String> e : d.get().owners().entrySet()) {
            if (e.getValue() != null) out.println("  Listener " + e.getKey() + " -> " + e.getValue());
        }
        if (drift.isEmpty()) {
            out.println("The table and " + d.get().path() + " agree.");
        } else {
            out.println("Where the table and " + d.get().path() + " disagree:");
            drift.forEach(x -> out.println("  " + x));
        }
    }
}
