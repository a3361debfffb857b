package com.proxylity.packetsource.core.outcomes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.core.pipeline.Discard;
import com.proxylity.packetsource.core.pipeline.StateBudget;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bounds of what the state carries per source, and the summary's Ids. */
class SourceOutcomesTest {
    static final String SQS = "0f8fad5b-d9cb-469f-a165-70867728950e";

    @Test
    void atMostTwentyAreListedAcrossPartsAndTheRestCounted() {
        SourceOutcomes.Builder validate = new SourceOutcomes.Builder();
        for (int i = 0; i < 15; i++) validate.discarded(new Discard(SQS + "/" + i, DiscardReason.DecodeError, "d"));
        SourceOutcomes.Builder egress = new SourceOutcomes.Builder().delivered(4);
        for (int i = 15; i < 25; i++) egress.discarded(new Discard(SQS + "/" + i, DiscardReason.SendError, "s"));
        SourceOutcomes all = validate.build().toBuilder().add(egress.build()).build();
        assertEquals(Map.of("DecodeError", 15L, "SendError", 10L, "Delivered", 4L), all.counts());
        assertEquals(SourceOutcomes.MAX_LISTED, all.discards().size());
        assertEquals(5, all.discardsOmitted());
        assertEquals(SQS + "/0", all.discards().get(0).id(), "the first ones, in order");
    }

    @Test
    void aListedDiscardIsNoLargerInJsonThanTheBudgetAllowsADiscard() throws Exception {
        String hostile = "\"\\\u0001é".repeat(200);
        SourceOutcomes o = new SourceOutcomes.Builder()
                .discarded(new Discard(SQS + "/499", DiscardReason.AddressFamilyUnreachable, hostile)).build();
        String detail = o.discards().get(0).detail();
        assertEquals(SourceOutcomes.MAX_DETAIL, detail.length());
        assertTrue(detail.chars().allMatch(c -> c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'), detail);
        int json = new ObjectMapper().writeValueAsString(o.discards().get(0)).getBytes(StandardCharsets.UTF_8).length;
        assertTrue(json <= StateBudget.PER_DISCARD, "listed discard JSON " + json);
    }

    @Test
    void theSummaryNamesTheSnsMessageIdAndCountsWhatItCannotName() {
        SourceOutcomes o = new SourceOutcomes.Builder()
                .discarded(new Discard(SQS + "/3", DiscardReason.DecodeError, "d"))
                .discarded(new Discard(SQS, DiscardReason.Stale, "old"))
                .discarded(new Discard("unknown-record/1", DiscardReason.DecodeError, "d")).build();
        OutcomeSummary s = OutcomeSummary.of("arn:aws:sns:us-east-1:111122223333:t", "us-east-1", o,
                sqs -> sqs.equals(SQS) ? "sns-id" : null, 2);
        assertEquals("sns-id/3", s.discards().get(0).id());
        assertEquals("sns-id", s.discards().get(1).id(), "a whole message: its MessageId alone");
        assertEquals(2, s.discards().size());
        assertEquals(1, s.discardsOmitted(), "never listed under an Id the customer cannot match");
        assertEquals(2, s.summariesSuppressed());
        assertEquals(OutcomeSummary.TYPE, s.type());
    }
}
