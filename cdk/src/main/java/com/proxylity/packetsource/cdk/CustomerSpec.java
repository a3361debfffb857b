package com.proxylity.packetsource.cdk;

import java.util.List;
import java.util.regex.Pattern;

/**
 * An onboarded customer as the deployment configuration declares it (context {@code customers}):
 * shaped to carry more per-customer data later. The delivery queues admit SNS topics of these
 * accounts only, and only these accounts (or these roles) may invoke the resource provider.
 *
 * @param id the customer id, as in its ApiKeys ({@code core} {@code ApiKeys})
 * @param accounts the AWS accounts its SNS topics and CloudFormation stacks are in
 * @param cloudFormationRoles optional: the CloudFormation service roles its stacks are deployed
 *        with; when given, only they may invoke the provider, instead of every principal of
 *        {@code accounts} (docs/architecture.md, "Who can invoke the provider")
 */
public record CustomerSpec(String id, List<String> accounts, List<String> cloudFormationRoles) {
    /** The same rule as a customer id in an ApiKey. */
    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern ROLE = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):role/[\\w+=,.@/-]+");

    public CustomerSpec {
        accounts = accounts == null ? List.of() : List.copyOf(accounts);
        cloudFormationRoles = cloudFormationRoles == null ? List.of() : List.copyOf(cloudFormationRoles);
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("customer id must match [a-z0-9][a-z0-9-]{0,62}: " + id);
        }
        if (accounts.isEmpty()) throw new IllegalArgumentException("customer " + id + ": at least one account");
        for (String a : accounts) {
            if (a == null || !a.matches("\\d{12}")) {
                throw new IllegalArgumentException("customer " + id + ": account must be 12 digits: " + a);
            }
        }
        for (String r : cloudFormationRoles) {
            var m = r == null ? null : ROLE.matcher(r);
            if (m == null || !m.matches()) {
                throw new IllegalArgumentException("customer " + id + ": not an IAM role ARN: " + r);
            }
            // A role of another account would open the provider to that account.
            if (!accounts.contains(m.group(1))) {
                throw new IllegalArgumentException("customer " + id + ": role " + r + " is not in its accounts");
            }
        }
    }
}
