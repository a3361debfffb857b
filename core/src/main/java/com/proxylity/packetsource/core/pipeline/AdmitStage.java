package com.proxylity.packetsource.core.pipeline;

import com.proxylity.packetsource.core.contract.DiscardReason;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Admit step, between Validate and Format: what of each message the deployment can carry.
 * Per message, first its share of the state budget ({@link StateBudget#admit}: entries kept in
 * order while the share lasts, each one that does not fit is {@code TooLarge}; a message with
 * more entries than its share can report is one {@code TooLarge} in place of its entries and
 * entry discards), then its source's rate limit (entries beyond the tokens granted are
 * {@code RateLimited}; refused entries take no tokens). Pure apart from the limiter's state.
 */
public final class AdmitStage {
    private final StateBudget budget;
    private final RateLimiter rateLimiter;

    public AdmitStage(StateBudget budget, RateLimiter rateLimiter) {
        this.budget = budget;
        this.rateLimiter = rateLimiter;
    }

    public StateBudget budget() {
        return budget;
    }

    public AdmitOutput admit(ValidateOutput validated) {
        Map<String, List<ValidatedEntry>> byMessage = new LinkedHashMap<>();
        for (ValidatedEntry e : validated.entries()) {
            byMessage.computeIfAbsent(EntryId.messageIdOf(e.id()), k -> new ArrayList<>()).add(e);
        }
        Map<String, Integer> entryDiscards = new LinkedHashMap<>();
        for (Discard d : validated.discards()) {
            if (EntryId.isEntry(d.id())) entryDiscards.merge(EntryId.messageIdOf(d.id()), 1, Integer::sum);
        }
        Set<String> messages = new LinkedHashSet<>(byMessage.keySet());
        messages.addAll(entryDiscards.keySet());

        Set<String> refusedWhole = new HashSet<>();
        Map<String, List<ValidatedEntry>> withinBudget = new LinkedHashMap<>();
        List<Discard> overBudget = new ArrayList<>();
        for (String m : messages) {
            ValidatedMessage owner = validated.messages().get(m);
            StateBudget.Admission a = budget.admit(byMessage.getOrDefault(m, List.of()), entryDiscards.getOrDefault(m, 0),
                    owner != null && owner.outcomeTopicArn() != null);
            if (a.whole()) {
                refusedWhole.add(m);
            } else {
                if (byMessage.containsKey(m)) withinBudget.put(m, a.kept());
                overBudget.addAll(a.tooLarge());
            }
        }

        List<Discard> discards = new ArrayList<>();
        for (Discard d : validated.discards()) {
            if (!refusedWhole.contains(EntryId.messageIdOf(d.id()))) discards.add(d);
        }
        discards.addAll(overBudget);
        for (String m : refusedWhole) {
            discards.add(new Discard(m, DiscardReason.TooLarge, "message has more entries than its "
                    + budget.perMessage() + " bytes share of the state size limit can report"));
        }
        List<ValidatedEntry> admitted = new ArrayList<>();
        for (Map.Entry<String, List<ValidatedEntry>> m : withinBudget.entrySet()) {
            ValidatedMessage message = validated.messages().get(m.getKey());
            int rate = message == null ? 0 : message.ratePerSecond();
            List<ValidatedEntry> list = m.getValue();
            int granted = rate > 0 && !list.isEmpty() ? rateLimiter.acquire(message.topicArn(), rate, list.size()) : list.size();
            for (int i = 0; i < list.size(); i++) {
                if (i < granted) {
                    admitted.add(list.get(i));
                } else {
                    discards.add(new Discard(list.get(i).id(), DiscardReason.RateLimited,
                            "Packet Source rate limit of " + rate + " packets/s"));
                }
            }
        }
        return new AdmitOutput(admitted, discards);
    }
}
