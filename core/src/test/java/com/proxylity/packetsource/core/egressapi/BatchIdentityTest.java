package com.proxylity.packetsource.core.egressapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchIdentityTest {
    private static EgressPacket p(String id, String payload) {
        return new EgressPacket(id, "192.0.2.1", 5683, null, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void eachRecordIsOneSegmentWhoseIdDoesNotDependOnItsNeighbours() {
        List<EgressSegment> both = BatchIdentity.segments("l", List.of(p("a/0", "x"), p("a/1", "y"), p("b/0", "z")));
        assertEquals(List.of(2, 1), both.stream().map(EgressSegment::packets).toList());
        List<EgressSegment> alone = BatchIdentity.segments("l", List.of(p("b/0", "z")));
        assertEquals(both.get(1), alone.get(0), "record b names itself the same beside a or alone");
        assertTrue(both.stream().allMatch(s -> BatchIdentity.wellFormedId(s.id())));
    }

    @Test
    void anyChangeOfContentListenerOrEntryIsAnotherSegment() {
        String base = BatchIdentity.segments("l", List.of(p("a/0", "x"))).get(0).id();
        assertNotEquals(base, BatchIdentity.segments("m", List.of(p("a/0", "x"))).get(0).id());
        assertNotEquals(base, BatchIdentity.segments("l", List.of(p("a/0", "X"))).get(0).id());
        assertNotEquals(base, BatchIdentity.segments("l", List.of(p("a/1", "x"))).get(0).id());
        assertNotEquals(base, BatchIdentity.segments("l", List.of(new EgressPacket("a/0", "192.0.2.1", 5684, null,
                "x".getBytes(java.nio.charset.StandardCharsets.UTF_8)))).get(0).id());
        assertEquals(base, BatchIdentity.segments("l", List.of(p("a/0", "x"))).get(0).id());
    }

    @Test
    void theBinaryFramingCarriesDeadlineRunAndSegmentsUnderTheSignatureAndVersionOneStillReads() throws Exception {
        List<EgressPacket> ps = List.of(p("a/0", "x"), p("b/0", "y"));
        EgressRequest req = new EgressRequest("l", ps, 1_700_000_005_000L, "run-1", BatchIdentity.segments("l", ps));
        EgressRequest back = EgressBinary.readRequest(EgressBinary.writeRequest(req));
        assertEquals(req.deadline(), back.deadline());
        assertEquals(req.run(), back.run());
        assertEquals(req.segments(), back.segments());
        assertTrue(back.identityWellFormed());
        EgressRequest v1 = EgressBinary.readRequest(EgressBinary.writeRequest(new EgressRequest("l", ps)));
        assertEquals(List.of(), v1.segments());
        assertEquals(null, v1.deadline());

        EgressResponse answer = new EgressResponse(List.of(EgressResult.sent("a/0"), EgressResult.sent("b/0")), List.of(1));
        assertEquals(List.of(1), EgressBinary.readResponse(EgressBinary.writeResponse(answer), req).repeated());
        EgressResponse wrong = new EgressResponse(answer.results(), List.of(2));
        assertThrows(EgressBinary.MalformedBatchException.class,
                () -> EgressBinary.readResponse(EgressBinary.writeResponse(wrong), req));

        // JSON carries the same fields and refuses segments that do not cover the packets.
        assertEquals(req.segments(), EgressJson.readRequest(EgressJson.writeRequest(req)).segments());
        EgressRequest bad = new EgressRequest("l", ps, null, "run-1", List.of(req.segments().get(0)));
        assertFalse(bad.identityWellFormed());
        assertThrows(java.io.IOException.class, () -> EgressJson.readRequest(EgressJson.writeRequest(bad)));
    }

    @Test
    void aDeadlineMustLieWithinTheSignatureWindowAndIsStrictAtTheSender() {
        long ts = 1_000_000;
        long w = EgressApi.CLOCK_WINDOW.toMillis();
        assertEquals(EgressDeadline.Verdict.Ok, EgressDeadline.check(ts, ts + 5_000, ts + 5_000, w));
        assertEquals(EgressDeadline.Verdict.Expired, EgressDeadline.check(ts, ts + 5_000, ts + 5_001, w));
        assertEquals(EgressDeadline.Verdict.Malformed, EgressDeadline.check(ts, ts + w + 1, ts, w));
        assertEquals(EgressDeadline.Verdict.Malformed, EgressDeadline.check(ts, ts - 1, ts, w));
        assertEquals(EgressDeadline.Verdict.Ok, EgressDeadline.check(ts, null, ts + w, w), "version 1: none to check");
    }
}
