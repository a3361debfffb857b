package com.proxylity.packetsource.core.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A UDP socket bound inside a {@link WireGuardPeer}'s network namespace (a python process started
 * with {@code ip netns exec}); what it receives has passed wireguard-go's decryption and the
 * kernel's inner IP and UDP checks. Get one from {@link WireGuardPeer#receiver}.
 */
public final class InnerUdpReceiver implements AutoCloseable {
    private static final Object EOF = new Object();

    private final Process process;
    private final InetSocketAddress address;
    private final BlockingQueue<Object> lines = new LinkedBlockingQueue<>();

    InnerUdpReceiver(String namespace, InetAddress bindAddress, int port) {
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", namespace, Scripts.PYTHON, "-c",
                Scripts.load("udp_receiver.py"), bindAddress.getHostAddress(), Integer.toString(port));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread reader = new Thread(this::pump, "inner-udp-receiver");
        reader.setDaemon(true);
        reader.start();
        Object first = poll(Duration.ofSeconds(10));
        if (!(first instanceof String s) || !s.startsWith("READY ")) {
            process.destroyForcibly();
            throw new IllegalStateException("receiver on " + bindAddress.getHostAddress() + ":" + port
                    + " in " + namespace + " did not start (address not assigned or port in use?)");
        }
        address = new InetSocketAddress(bindAddress, Integer.parseInt(s.substring(6).strip()));
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) lines.add(line);
        } catch (IOException e) {
            // process gone
        }
        lines.add(EOF);
    }

    private Object poll(Duration timeout) {
        try {
            return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The bound address and port (the port is the real one when 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    public int port() {
        return address.getPort();
    }

    /** The next datagram, or empty when none arrives within {@code timeout}. */
    public Optional<ReceivedDatagram> receive(Duration timeout) {
        Object o = poll(timeout);
        if (o == null) return Optional.empty();
        if (o == EOF) {
            lines.add(EOF); // stay at end of stream for later calls
            return Optional.empty();
        }
        String[] f = ((String) o).split(" ", -1);
        try {
            return Optional.of(new ReceivedDatagram(InetAddress.getByName(f[0]), Integer.parseInt(f[1]),
                    HexFormat.of().parseHex(f[2])));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("receiver printed a bad address: " + f[0], e);
        }
    }

    /** The next datagram; fails the test when none arrives within {@code timeout}. */
    public ReceivedDatagram expect(Duration timeout) {
        return receive(timeout).orElseThrow(() -> new AssertionError(
                "no datagram at " + address.getAddress().getHostAddress() + ":" + address.getPort() + " within " + timeout));
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // the script exits on stdin EOF
        } catch (IOException e) {
            // already gone
        }
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
