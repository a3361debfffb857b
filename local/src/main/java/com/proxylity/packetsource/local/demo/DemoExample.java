package com.proxylity.packetsource.local.demo;

/**
 * One message the demo publishes.
 *
 * @param topic topic name on the local stack
 * @param egressRegion the EgressRegion attribute, or null to publish without it
 * @param entryJson the message entry without Remote (the demo adds its receiver), or a whole
 *                  raw body when {@code raw}
 * @param expectedPayload the datagram that must arrive, or null for a bad example
 * @param expectedReason the DiscardReason name that must be counted, "filtered" for a message
 *                       SNS filters, or null for a good example
 */
public record DemoExample(String label, String topic, String egressRegion, String entryJson, boolean raw,
                          byte[] expectedPayload, String expectedReason) {
    public boolean good() { return expectedPayload != null; }
}
