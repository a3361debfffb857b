package com.proxylity.packetsource.core.registry;

import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What an operator may do to a customer (docs/runbook.md, "Onboard a customer"), over any
 * {@link CustomerDirectory}. An ApiKey is returned once, when it is issued; only its hash is
 * stored. At most two keys are valid at a time: a rotation keeps the replaced key valid until
 * {@link #retireKey} (the overlap in which a customer moves its stacks to the new key), and a
 * second rotation is refused until then.
 */
public final class CustomerAdmin {
    /** A change the directory refused: the message says what to do instead. Nothing was written. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    /** A customer and the ApiKey just issued to it (shown once, never stored). */
    public record Issued(Customer customer, String apiKey) {
        @Override
        public String toString() {
            return "Issued[" + customer.id() + "]";
        }
    }

    private final CustomerDirectory directory;
    private final SecureRandom random;
    private final boolean exclusiveAccounts;

    /** On AWS: an account is one customer's. */
    public CustomerAdmin(CustomerDirectory directory, SecureRandom random) {
        this(directory, random, true);
    }

    /**
     * @param exclusiveAccounts false only for local mode, whose topics and roles all live in its
     *     stand-in accounts, so its customers cannot have accounts of their own
     */
    public CustomerAdmin(CustomerDirectory directory, SecureRandom random, boolean exclusiveAccounts) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.random = Objects.requireNonNull(random, "random");
        this.exclusiveAccounts = exclusiveAccounts;
    }

    public Issued create(String id, Set<String> accounts) {
        return create(id, accounts, ApiKeys.generateExternalId(random));
    }

    /**
     * @param externalId an ExternalId chosen by the operator (one a customer's role trusts
     *     already); it must read as the customer stack example's parameter allows
     */
    public Issued create(String id, Set<String> accounts, String externalId) {
        if (externalId == null || !externalId.matches(ApiKeys.EXTERNAL_ID_PREFIX + "[A-Za-z0-9-]{1,60}")) {
            throw new Refused("ExternalId '" + clip(externalId) + "' must be " + ApiKeys.EXTERNAL_ID_PREFIX
                    + " and 1-60 of A-Z a-z 0-9 -");
        }
        if (!ApiKeys.isCustomerId(id)) {
            throw new Refused("customer id '" + clip(id) + "' must be 1-63 of a-z 0-9 - (starting with a letter or digit)");
        }
        if (accounts == null || accounts.isEmpty()) {
            throw new Refused("give the customer's AWS accounts (--account): without them it can create no Packet Source");
        }
        for (String a : accounts) {
            if (a == null || !a.matches("\\d{12}")) throw new Refused("AWS account '" + clip(a) + "' is not 12 digits");
        }
        // An account is one customer's: the outcome publisher role may publish to every onboarded
        // account, and only the customer that owns an account may have its topics named.
        for (Customer other : exclusiveAccounts ? directory.list() : List.<Customer>of()) {
            for (String a : accounts) {
                if (other.accounts().contains(a) && !other.id().equals(id)) {
                    throw new Refused("AWS account " + a + " belongs to customer " + other.id() + " already: an account is one customer's");
                }
            }
        }
        String key = ApiKeys.generate(id, random);
        Customer c = new Customer(id, ApiKeys.sha256(key), externalId, accounts);
        if (!directory.create(c)) throw new Refused("customer " + id + " exists already (customer list shows it)");
        return new Issued(c, key);
    }

    public Issued rotateKey(String id) {
        Customer now = require(id);
        if (now.previousApiKeySha256() != null) {
            throw new Refused("customer " + id + " has two valid keys already: once its stacks use the newest, run"
                    + " 'customer retire-key " + id + "', then rotate again");
        }
        String key = ApiKeys.generate(id, random);
        Customer next = now.rotatedTo(ApiKeys.sha256(key));
        replace(now, next);
        return new Issued(next, key);
    }

    public Customer retireKey(String id) {
        Customer now = require(id);
        if (now.previousApiKeySha256() == null) {
            throw new Refused("customer " + id + " has only one valid key: nothing to retire");
        }
        Customer next = now.retiringPrevious();
        replace(now, next);
        return next;
    }

    public Customer setDisabled(String id, boolean disabled) {
        Customer now = require(id);
        if (now.disabled() == disabled) return now;
        Customer next = now.withDisabled(disabled);
        replace(now, next);
        return next;
    }

    public List<Customer> list() {
        return directory.list();
    }

    public Customer require(String id) {
        if (!ApiKeys.isCustomerId(id)) throw new Refused("no customer '" + clip(id) + "' (customer list shows them)");
        return directory.get(id).orElseThrow(() -> new Refused("no customer '" + id + "' (customer list shows them)"));
    }

    /** The fields a change here rewrites: what {@link CustomerDirectory#replace} compares. */
    public static boolean sameState(Customer a, Customer b) {
        return a.apiKeySha256().equals(b.apiKeySha256())
                && Objects.equals(a.previousApiKeySha256(), b.previousApiKeySha256())
                && a.disabled() == b.disabled();
    }

    private void replace(Customer now, Customer next) {
        if (!directory.replace(now, next)) {
            throw new Refused("customer " + now.id() + " changed while this command ran; nothing was written, run it again");
        }
    }

    private static String clip(String s) {
        if (s == null) return "";
        return s.length() > 70 ? s.substring(0, 70) + "..." : s;
    }
}
