package com.proxylity.packetsource.core.registry;

import java.util.List;
import java.util.Optional;

/**
 * Where the operator's tooling keeps customers: the Customers table on AWS (its home region's
 * replica, the one the provider of every region reads), the in-memory registry in local mode.
 * Storage only; what a change may do is {@link CustomerAdmin}'s.
 */
public interface CustomerDirectory {
    Optional<Customer> get(String id);

    /** Every customer, by id. */
    List<Customer> list();

    /** Stores a new customer; false (and nothing written) if its id is taken. */
    boolean create(Customer customer);

    /**
     * Replaces {@code expected} with {@code updated} (same id) only if the stored customer still
     * has {@code expected}'s keys and disabled flag; false (and nothing written) otherwise, so two
     * operators changing one customer at once cannot lose a key.
     */
    boolean replace(Customer expected, Customer updated);
}
