package com.proxylity.packetsource.local.cmd;

import com.proxylity.packetsource.core.registry.Customer;
import com.proxylity.packetsource.core.registry.CustomerAdmin;
import com.proxylity.packetsource.core.registry.CustomerDirectory;
import com.proxylity.packetsource.local.customers.CustomerKit;
import com.proxylity.packetsource.local.customers.HttpCustomerDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code packet-source customer}: onboard customers and rotate their ApiKeys, on AWS (the
 * Customers table in the home region) or in a running local mode. The rules are
 * {@link CustomerAdmin}'s; this prints what the operator and the customer do next.
 */
@Command(name = "customer", mixinStandardHelpOptions = true,
        description = {"Onboard a customer and manage its ApiKeys (docs/runbook.md, \"Onboard a customer\").",
                "%n  customer create --id ID --account 111122223333 [--listener NAME]..."
                        + "%n  customer assign ID --listener NAME   a Listener its Packet Sources may use"
                        + "%n  customer rotate-key ID     a new key; the old one stays valid until retire-key"
                        + "%n  customer retire-key ID     only the newest key stays valid"
                        + "%n  customer disable ID | enable ID | list%n",
                "On AWS the Customers table of the deployment's home region is written with your default credentials;"
                        + " with --local URL, a running 'packet-source local'."})
public final class CustomerCommand implements Runnable {
    private static final SecureRandom RANDOM = new SecureRandom();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private final PrintStream out;

    public CustomerCommand() {
        this(System.out);
    }

    /** @param out where every subcommand prints (picocli runs them on this instance) */
    public CustomerCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public void run() {
        spec.commandLine().usage(out);
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Issue an ApiKey and an ExternalId for a new customer.",
                    "The ApiKey is shown once (only its hash is stored). Records the customer's AWS accounts and prints what to"
                            + " add to the deployment configuration and what to give the customer."})
    int create(@Mixin CustomerTarget target,
               @Option(names = "--id", required = true, paramLabel = "ID", description = "Customer id: 1-63 of a-z 0-9 -; the first part of its ApiKeys.") String id,
               @Option(names = "--account", required = true, paramLabel = "ACCOUNT", description = "An AWS account of the customer (repeat for more).") List<String> accounts,
               @Option(names = "--listener", paramLabel = "NAME", description = "A Listener to assign to the customer (repeat for more).") List<String> listeners,
               @Option(names = "--external-id", paramLabel = "EXTERNAL_ID", description = "Use this ExternalId (psx-...) instead of a new random one.") String externalId)
            throws Exception {
        try (target) {
            var directory = target.open();
            List<String> assigned = listeners == null ? List.of() : List.copyOf(listeners);
            // Checked before anything is written: a refused create leaves no customer behind.
            checkAssignable(target, directory, id, assigned);
            // Local mode's topics and roles live in its stand-in accounts, which its customers share.
            CustomerAdmin admin = new CustomerAdmin(directory, RANDOM, !target.isLocal());
            CustomerAdmin.Issued issued = externalId == null ? admin.create(id, new LinkedHashSet<>(accounts))
                    : admin.create(id, new LinkedHashSet<>(accounts), externalId);
            if (target.isLocal()) {
                for (String l : assigned) ((HttpCustomerDirectory) directory).assignListener(l, id);
            }
            out.println("Created customer " + id + " in " + target.where() + ".");
            new CustomerKit(out, target).issued(issued, "ApiKey", assigned);
        }
        return 0;
    }

    private static void checkAssignable(CustomerTarget target, CustomerDirectory directory, String id, List<String> listeners)
            throws IOException {
        for (String l : listeners) {
            String owner = directory instanceof HttpCustomerDirectory local ? local.listenerOwner(l)
                    : target.deployment().map(d -> {
                        if (!d.owners().containsKey(l)) {
                            throw new CustomerAdmin.Refused("no Listener '" + l + "' in " + d.path() + " (listeners: "
                                    + String.join(", ", d.owners().keySet()) + ")");
                        }
                        return d.owners().get(l);
                    }).orElse(null);
            if (owner != null && !owner.equals(id)) {
                throw new CustomerAdmin.Refused("Listener '" + l + "' is assigned to customer " + owner
                        + "; a Listener serves one customer (move it first: in the deployment configuration, locally in the config)");
            }
        }
    }

    @Command(name = "assign", mixinStandardHelpOptions = true,
            description = {"Assign Listeners to an existing customer, so its Packet Sources may use them.",
                    "Local mode: at once. AWS: a Listener's owner is deployment configuration, so this checks and prints"
                            + " the cdk.json change to deploy."})
    int assign(@Mixin CustomerTarget target, @Parameters(paramLabel = "ID") String id,
               @Option(names = "--listener", required = true, paramLabel = "NAME", description = "A Listener to assign (repeat for more).")
               List<String> listeners) throws Exception {
        try (target) {
            var directory = target.open();
            if (directory.get(id).isEmpty()) throw new CustomerAdmin.Refused("no customer '" + id + "' (customer list shows them)");
            checkAssignable(target, directory, id, listeners);
            if (target.isLocal()) {
                for (String l : listeners) ((HttpCustomerDirectory) directory).assignListener(l, id);
                out.println("Assigned " + String.join(", ", listeners) + " to customer " + id + " in " + target.where() + "."
                        + " Local mode keeps this until it stops; to keep it, give each in the local config 'owner: " + id + "'.");
            } else {
                out.println("On AWS a Listener's owner is deployment configuration: in "
                        + target.deployment().map(d -> d.path().toString()).orElse("cdk/cdk.json") + ", give each of "
                        + String.join(", ", listeners) + " \"owner\": \"" + id + "\", then deploy every region (cdk deploy --all ...).");
            }
        }
        return 0;
    }

    @Command(name = "rotate-key", mixinStandardHelpOptions = true,
            description = {"Issue a new ApiKey; the previous one stays valid until retire-key.",
                    "The new key is shown once. With both valid, the customer updates its stacks without a refused request;"
                            + " then 'customer retire-key ID'."})
    int rotateKey(@Mixin CustomerTarget target, @Parameters(paramLabel = "ID") String id) throws Exception {
        try (target) {
            CustomerAdmin.Issued issued = new CustomerAdmin(target.open(), RANDOM).rotateKey(id);
            out.println("Rotated the ApiKey of customer " + id + " in " + target.where() + ".");
            new CustomerKit(out, target).issued(issued, "New ApiKey", List.of());
            out.println("Both keys are valid now. Once every stack of the customer uses the new key (an Update with the");
            out.println("new ApiKey parameter), retire the old one:  packet-source customer retire-key " + id + target.sameTarget());
        }
        return 0;
    }

    @Command(name = "retire-key", mixinStandardHelpOptions = true,
            description = "Make the previous ApiKey invalid; only the newest stays valid.")
    int retireKey(@Mixin CustomerTarget target, @Parameters(paramLabel = "ID") String id) throws Exception {
        try (target) {
            new CustomerAdmin(target.open(), RANDOM).retireKey(id);
            out.println("Retired the previous ApiKey of customer " + id + " in " + target.where()
                    + ": requests with it now fail with 'ApiKey is invalid'.");
        }
        return 0;
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = {"Refuse the customer's Creates and Updates (its Deletes still clean up).",
                    "Its Packet Sources keep sending until its entry leaves the deployment's customers (docs/runbook.md)."})
    int disable(@Mixin CustomerTarget target, @Parameters(paramLabel = "ID") String id) throws Exception {
        return setDisabled(target, id, true);
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Accept the customer's requests again.")
    int enable(@Mixin CustomerTarget target, @Parameters(paramLabel = "ID") String id) throws Exception {
        return setDisabled(target, id, false);
    }

    private int setDisabled(CustomerTarget target, String id, boolean disabled) throws Exception {
        try (target) {
            new CustomerAdmin(target.open(), RANDOM).setDisabled(id, disabled);
            out.println("Customer " + id + " is " + (disabled ? "disabled" : "enabled") + " in " + target.where() + ".");
            if (disabled) {
                out.println("Its Packet Sources keep sending: disabling refuses their Creates and Updates only. To stop"
                        + " them, remove the customer from cdk.json's customers (the queues then refuse its topics) or"
                        + " move its Listeners to another owner, and deploy (docs/runbook.md, \"Onboard a customer\").");
            }
        }
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"List every customer: valid keys, state, accounts, ExternalId.",
                    "Also where the deployment configuration disagrees with the table (a customer the queues do not admit,"
                            + " other accounts, a configured customer without keys)."})
    int list(@Mixin CustomerTarget target) throws Exception {
        try (target) {
            List<Customer> all = new CustomerAdmin(target.open(), RANDOM).list();
            out.println("Customers in " + target.where() + ":");
            new CustomerKit(out, target).list(all);
        }
        return 0;
    }
}
