package com.proxylity.packetsource.core.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Batch step (run by the LookupSessions state): packets grouped by Listener (first
 * appearance order, entry order within), split so each batch stays within a packet count and an
 * estimated JSON size. The size bound
 * keeps one Map(Egress) item below the Step Functions 256 KiB payload limit and far below the
 * egress API's 1 MiB body limit (contract 3).
 */
public final class BatchStage {
    public static final int DEFAULT_MAX_PACKETS = 100;
    public static final int DEFAULT_MAX_JSON_BYTES = 200 * 1024;
    /** JSON field names, Id, address, key and punctuation of one packet: a generous upper bound. */
    static final int PER_PACKET_OVERHEAD = 320;

    private final int maxPackets;
    private final int maxJsonBytes;

    public BatchStage() {
        this(DEFAULT_MAX_PACKETS, DEFAULT_MAX_JSON_BYTES);
    }

    public BatchStage(int maxPackets, int maxJsonBytes) {
        if (maxPackets < 1 || maxJsonBytes < 1) throw new IllegalArgumentException("limits must be positive");
        this.maxPackets = maxPackets;
        this.maxJsonBytes = maxJsonBytes;
    }

    public List<PacketBatch> batch(List<ReadyPacket> packets) {
        Map<String, List<ReadyPacket>> byListener = new LinkedHashMap<>();
        for (ReadyPacket p : packets) byListener.computeIfAbsent(p.listener(), k -> new ArrayList<>()).add(p);
        List<PacketBatch> out = new ArrayList<>();
        byListener.forEach((listener, list) -> {
            List<ReadyPacket> current = new ArrayList<>();
            long bytes = 0;
            int start = 0;
            while (start < list.size()) {
                // One record's packets (a run of one messageId) go into one batch whenever they
                // fit in one, so how a record is batched never depends on its neighbours: a
                // redelivered record makes the same segments (docs/pipeline.md, "Batches and records").
                int end = start + 1;
                String record = EntryId.messageIdOf(list.get(start).id());
                long recordBytes = estimate(list.get(start));
                while (end < list.size() && EntryId.messageIdOf(list.get(end).id()).equals(record)) {
                    recordBytes += estimate(list.get(end++));
                }
                int count = end - start;
                if (!current.isEmpty() && (current.size() + count > maxPackets || bytes + recordBytes > maxJsonBytes)) {
                    out.add(new PacketBatch(listener, current));
                    current = new ArrayList<>();
                    bytes = 0;
                }
                for (ReadyPacket p : list.subList(start, end)) {
                    long size = estimate(p);
                    // Only a record larger than a whole batch is cut, from its own first packet on.
                    if (!current.isEmpty() && (current.size() >= maxPackets || bytes + size > maxJsonBytes)) {
                        out.add(new PacketBatch(listener, current));
                        current = new ArrayList<>();
                        bytes = 0;
                    }
                    current.add(p);
                    bytes += size;
                }
                start = end;
            }
            if (!current.isEmpty()) out.add(new PacketBatch(listener, current));
        });
        return out;
    }

    /** Base64 payload length plus the fixed overhead. */
    static long estimate(ReadyPacket p) {
        return 4L * ((p.payload().length + 2) / 3) + PER_PACKET_OVERHEAD + p.id().length();
    }
}
