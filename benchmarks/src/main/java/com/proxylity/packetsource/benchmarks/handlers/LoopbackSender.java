package com.proxylity.packetsource.benchmarks.handlers;

import com.proxylity.packetsource.core.egresspolicy.DefaultEgressPolicy;
import com.proxylity.packetsource.sender.Sender;
import com.proxylity.packetsource.sender.config.ListenerConfig;
import com.proxylity.packetsource.sender.config.SenderConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;

/**
 * The real sender (sender module, in-process) with one plain UDP Listener on loopback, and a sink
 * socket that is bound and never read: the kernel drops datagrams once its queue is full, so the
 * sender's send path is exercised without a reader competing for the CPU. Egress-policy: local
 * mode's (loopback allowed); no packet leaves the machine.
 */
public final class LoopbackSender implements AutoCloseable {
    public final byte[] hmacKey = new byte[32];
    public final Sender sender;
    public final DatagramSocket sink;

    public LoopbackSender() throws IOException {
        new SecureRandom().nextBytes(hmacKey);
        sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        sender = Sender.builder(SenderConfig.builder().hmacKey(hmacKey)
                        .listener(ListenerConfig.udp("udp", "127.0.0.1", 0)).build())
                .egressPolicy(DefaultEgressPolicy.localMode())
                .metricsOut(new PrintStream(OutputStream.nullOutputStream()))
                .start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + sender.egressPort();
    }

    public int listenerPort() {
        return sender.listenerAddress("udp").getPort();
    }

    public int sinkPort() {
        return sink.getLocalPort();
    }

    @Override
    public void close() {
        sender.close();
        sink.close();
    }
}
