package com.proxylity.packetsource.local.faults;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A receiver's loop for the fault tests: how many times each payload (as UTF-8) arrived, until the socket closes. */
final class PayloadCounter {
    private PayloadCounter() {}

    static void count(DatagramSocket receiver, Map<String, AtomicInteger> received, AtomicInteger total) {
        byte[] buf = new byte[2048];
        while (!receiver.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                receiver.receive(p);
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                continue;
            }
            received.computeIfAbsent(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8), k -> new AtomicInteger())
                    .incrementAndGet();
            total.incrementAndGet();
        }
    }
}
