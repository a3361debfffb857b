package com.proxylity.packetsource.functions.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server on loopback that answers each request with exactly the bytes a test's
 * script gives, well-formed or not, and then keeps, closes or holds the connection: the way to
 * put malformed, partial and unsolicited answers in front of a client. It records every request
 * (the connection it came on, its bytes, and how many of them the server's first read for it
 * returned).
 */
public final class RawHttpServer implements AutoCloseable {
    /** What the server does with the connection after writing a reply. */
    public enum Then {
        /** Read the next request on it. */
        KEEP,
        /** Close it (an orderly end: the client reads the reply, then the end). */
        CLOSE,
        /** Answer nothing more on it, but leave it open until the client or {@link #close()} ends it. */
        HOLD
    }

    /** {@code bytes}, written at once or, with {@code millisPerByte} above 0, one at a time that far apart; then {@code then}. */
    public record Reply(byte[] bytes, Then then, long millisPerByte) {
        public Reply(byte[] bytes, Then then) {
            this(bytes, then, 0);
        }

        public static Reply of(String ascii, Then then) {
            return new Reply(ascii.getBytes(StandardCharsets.ISO_8859_1), then);
        }

        /** A sender that trickles its answer. */
        public static Reply dripped(String ascii, long millisPerByte, Then then) {
            return new Reply(ascii.getBytes(StandardCharsets.ISO_8859_1), then, millisPerByte);
        }

        /** Nothing written, then {@code then}. */
        public static Reply none(Then then) {
            return new Reply(new byte[0], then);
        }
    }

    /** One request as received: {@code firstRead} is what the server's first read for it returned (0 when it began in an earlier read). */
    public record Request(int connection, byte[] bytes, int headLength, int firstRead) {
        public String head() {
            return new String(bytes, 0, headLength, StandardCharsets.ISO_8859_1);
        }

        public byte[] body() {
            return java.util.Arrays.copyOfRange(bytes, headLength, bytes.length);
        }

        /** The first value of header {@code name}, or null. */
        public String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            for (String line : head().split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) return line.substring(prefix.length()).trim();
            }
            return null;
        }
    }

    @FunctionalInterface
    public interface Script {
        /** The reply to request number {@code index} (counted over all connections, from 0). */
        Reply answer(int index, Request request);
    }

    private final ServerSocket server;
    private final Script script;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Semaphore closed = new Semaphore(0);
    private final Thread acceptor;

    public RawHttpServer(Script script) throws IOException {
        this(InetAddress.getLoopbackAddress(), script);
    }

    public RawHttpServer(InetAddress bind, Script script) throws IOException {
        this.script = script;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(bind, 0), 50);
        acceptor = new Thread(this::accept, "raw-http-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:port} (or the bound address's literal). */
    public String url() {
        InetAddress a = server.getInetAddress();
        String host = a.getAddress().length == 16 ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
        return "http://" + host + ":" + port();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Waits until the server has closed one more connection of its own accord (a {@link Then#CLOSE}). */
    public void awaitClosedByServer() throws InterruptedException {
        if (!closed.tryAcquire(30, TimeUnit.SECONDS)) throw new AssertionError("the server closed no connection");
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            sockets.add(s);
            int id = connections.getAndIncrement();
            Thread t = new Thread(() -> serve(s, id), "raw-http-" + id);
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s, int connection) {
        try (s) {
            InputStream in = s.getInputStream();
            byte[] pending = new byte[0];
            while (true) {
                boolean first = pending.length == 0;
                int[] firstRead = {0};
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                got.write(pending);
                int headEnd;
                while ((headEnd = headEnd(got.toByteArray())) < 0) {
                    byte[] b = new byte[64 * 1024];
                    int r = in.read(b);
                    if (r < 0) return;
                    if (first) {
                        firstRead[0] = r;
                        first = false;
                    }
                    got.write(b, 0, r);
                }
                byte[] all = got.toByteArray();
                Request head = new Request(connection, all, headEnd, 0);
                String cl = head.header("Content-Length");
                int length = headEnd + (cl == null ? 0 : Integer.parseInt(cl));
                while (all.length < length) {
                    byte[] b = new byte[length - all.length];
                    int r = in.read(b);
                    if (r < 0) return;
                    got.write(b, 0, r);
                    all = got.toByteArray();
                }
                pending = java.util.Arrays.copyOfRange(all, length, all.length);
                Request req = new Request(connection, java.util.Arrays.copyOf(all, length), headEnd, firstRead[0]);
                int index;
                synchronized (requests) {
                    index = requests.size();
                    requests.add(req);
                }
                Reply reply = script.answer(index, req);
                if (reply.millisPerByte() > 0) {
                    for (byte b : reply.bytes()) {
                        s.getOutputStream().write(b);
                        s.getOutputStream().flush();
                        Thread.sleep(reply.millisPerByte()); // the pace under test, not a wait for anything
                    }
                } else if (reply.bytes().length > 0) {
                    s.getOutputStream().write(reply.bytes());
                    s.getOutputStream().flush();
                }
                if (reply.then() == Then.CLOSE) {
                    s.close();
                    closed.release();
                    return;
                }
                if (reply.then() == Then.HOLD) {
                    while (in.read(new byte[4096]) >= 0) {
                        // answer nothing more; wait for the end
                    }
                    return;
                }
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            // the client went away or the test closed the server
        }
    }

    private static int headEnd(byte[] b) {
        for (int i = 3; i < b.length; i++) {
            if (b[i - 3] == '\r' && b[i - 2] == '\n' && b[i - 1] == '\r' && b[i] == '\n') return i + 1;
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) s.close();
    }
}
