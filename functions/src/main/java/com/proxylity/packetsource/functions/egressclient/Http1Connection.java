package com.proxylity.packetsource.functions.egressclient;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One HTTP/1.1 connection to a sender (RFC 9112), kept for the next request while both ends
 * allow it. A request is written as the caller laid it out (head and body adjacent in one
 * array) with one write, so it leaves in one system call and is never copied on the way; the
 * answer is read with every part bounded: the status line and header fields ({@link
 * #MAX_HEAD_BYTES}), a body framed by Content-Length, by chunked coding, or (neither given) by
 * the connection's end, up to the caller's limit. An answer that does not parse is an {@link
 * IOException} and the connection is closed; so is one the server marks {@code Connection:
 * close}, one from HTTP/1.0, one whose body was over the limit (left unread), and one followed by
 * bytes nobody asked for.
 *
 * <p>Not thread-safe: one request at a time, handed out by {@link Http1Pool}.
 */
final class Http1Connection implements Closeable {
    static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final int READ_BUFFER = 8 * 1024;

    /** Nothing of an answer arrived: the server closed or reset the connection first. */
    static final class NoAnswerException extends IOException {
        NoAnswerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** An answer; {@code body} is null when it was longer than the caller's limit. */
    record Answer(int status, String contentType, byte[] body) { }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[READ_BUFFER];
    private int pos;
    private int lim;
    private long answerDeadline;
    private boolean open = true;
    private int requests;

    private Http1Connection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static Http1Connection open(String host, int port, int connectTimeoutMs) throws IOException {
        Socket s = new Socket(Proxy.NO_PROXY);
        try {
            // One write per request and an answer awaited after it: Nagle would only hold a
            // request's last segment back for the previous one's acknowledgement.
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            return new Http1Connection(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** Whether the last answer left the connection fit for another request. */
    boolean reusable() {
        return open;
    }

    /**
     * Writes {@code request[offset, offset + length)} and reads the answer, waiting at most
     * {@code readTimeoutMs} from the write for all of it.
     *
     * @throws NoAnswerException when the write failed or the connection ended before the first
     *         byte of an answer (the request may or may not have arrived)
     * @throws IOException for anything else; the connection is then closed
     */
    Answer exchange(byte[] request, int offset, int length, int readTimeoutMs, int maxBody) throws IOException {
        if (!open) throw new IllegalStateException("connection closed");
        try {
            try {
                out.write(request, offset, length);
            } catch (SocketException e) {
                throw new NoAnswerException("write failed", e);
            }
            // For the whole answer, not per read: a sender that trickles its answer a byte at a
            // time would otherwise hold the call for as long as it likes, past the deadline the
            // request carries (docs/sender.md, "Batch identity and deadline").
            answerDeadline = System.nanoTime() + readTimeoutMs * 1_000_000L;
            requests++;
            pos = lim = 0;
            Answer a = readAnswer(maxBody);
            if (!open) close();
            return a;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private Answer readAnswer(int maxBody) throws IOException {
        int[] headBytes = {0};
        int status;
        String type;
        long contentLength;
        boolean chunked;
        boolean keepAlive;
        while (true) {
            String statusLine;
            try {
                statusLine = line(headBytes);
            } catch (EOFException | SocketException e) {
                if (headBytes[0] == 0) throw new NoAnswerException("connection ended before an answer", e);
                throw e;
            }
            // "HTTP/1.1 200 OK": version, one space, three digits, then a space or the end.
            if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.") || !Character.isDigit(statusLine.charAt(7))
                    || statusLine.charAt(8) != ' '
                    || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
                throw new IOException("not an HTTP/1.x status line");
            }
            status = digits(statusLine, 9, 12);
            if (status < 100) throw new IOException("status code below 100");
            keepAlive = statusLine.charAt(7) == '1';
            type = null;
            contentLength = -1;
            chunked = false;
            for (String field = line(headBytes); !field.isEmpty(); field = line(headBytes)) {
                int colon = field.indexOf(':');
                if (colon <= 0) throw new IOException("malformed header field");
                String name = field.substring(0, colon);
                // A folded line or a space before the colon would hide a framing field from the
                // checks below (RFC 9112 5.1, 5.2); an answer carrying one is not trusted at all.
                if (name.indexOf(' ') >= 0 || name.indexOf('\t') >= 0) throw new IOException("malformed header field name");
                String value = field.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    long n = digits(value, 0, value.length());
                    if (contentLength >= 0 && contentLength != n) throw new IOException("conflicting Content-Length");
                    contentLength = n;
                } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                    // Twice would mean the body was chunked twice: not something a sender sends.
                    if (!value.equalsIgnoreCase("chunked") || chunked) throw new IOException("unsupported transfer coding");
                    chunked = true;
                } else if (name.equalsIgnoreCase("Content-Type")) {
                    type = value;
                } else if (name.equalsIgnoreCase("Connection")) {
                    for (String token : value.split(",")) {
                        if (token.trim().equalsIgnoreCase("close")) keepAlive = false;
                    }
                }
            }
            // An interim answer (100 Continue and the like) is followed by the real one.
            if (status >= 200 || status == 101) break;
        }
        if (status == 101) throw new IOException("the sender does not switch protocols");
        if (chunked && contentLength >= 0) throw new IOException("both Content-Length and chunked");
        byte[] body;
        if (status == 204 || status == 304) {
            body = new byte[0];
        } else if (chunked) {
            body = chunkedBody(maxBody);
        } else if (contentLength >= 0) {
            if (contentLength > maxBody) {
                body = null;
            } else {
                body = new byte[(int) contentLength];
                readFully(body);
            }
        } else {
            keepAlive = false; // framed by the connection's end
            body = untilEnd(maxBody);
        }
        // Bytes already read past this answer were not asked for: answering the next request
        // with them would pair it with another request's answer.
        if (body == null || !keepAlive || pos < lim) open = false;
        return new Answer(status, type, body);
    }

    private byte[] chunkedBody(int maxBody) throws IOException {
        byte[] body = new byte[0];
        int n = 0;
        int[] headBytes = {0};
        while (true) {
            String sizeLine = line(headBytes);
            int semi = sizeLine.indexOf(';');
            String hex = (semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim();
            if (hex.isEmpty() || hex.length() > 8) throw new IOException("malformed chunk size");
            long size = 0;
            for (int i = 0; i < hex.length(); i++) {
                // Hex digits only: Long.parseLong would take a sign, and a negative size would
                // walk the body's write position backwards.
                char c = hex.charAt(i);
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (d < 0) throw new IOException("malformed chunk size");
                size = size * 16 + d;
            }
            if (size == 0) break;
            if (n + size > maxBody) return null;
            if (body.length < n + size) body = Arrays.copyOf(body, (int) Math.min(maxBody, Math.max(n + size, 2L * body.length)));
            readFully(body, n, (int) size);
            n += (int) size;
            if (!line(headBytes).isEmpty()) throw new IOException("chunk not followed by CRLF");
        }
        while (!line(headBytes).isEmpty()) {
            // trailer fields: read and ignored, within the head bound
        }
        return n == body.length ? body : Arrays.copyOf(body, n);
    }

    private byte[] untilEnd(int maxBody) throws IOException {
        byte[] body = new byte[Math.min(maxBody, READ_BUFFER)];
        int n = 0;
        while (true) {
            if (n == body.length) {
                // A byte already buffered is one past the limit too; fill() would drop it and
                // take a longer body, cut at the limit, for a complete one.
                if (n >= maxBody) return pos == lim && fill() < 0 ? body : null;
                body = Arrays.copyOf(body, Math.min(maxBody, 2 * n));
            }
            int r = read(body, n, body.length - n);
            if (r < 0) return Arrays.copyOf(body, n);
            n += r;
        }
    }

    /** One CRLF-terminated line (a bare LF is taken too), counted against {@link #MAX_HEAD_BYTES}. */
    private String line(int[] headBytes) throws IOException {
        StringBuilder sb = null;
        int start = pos;
        while (true) {
            if (pos == lim) {
                if (sb == null) sb = new StringBuilder();
                sb.append(new String(buf, start, pos - start, StandardCharsets.ISO_8859_1));
                if (fill() < 0) throw new EOFException("connection ended within an answer's head");
                start = pos;
            }
            byte b = buf[pos++];
            if (++headBytes[0] > MAX_HEAD_BYTES) throw new IOException("answer head over " + MAX_HEAD_BYTES + " bytes");
            if (b == '\n') {
                int end = pos - 1;
                String tail = new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
                String s = sb == null ? tail : sb.append(tail).toString();
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
        }
    }

    private static int digits(String s, int from, int to) throws IOException {
        if (to <= from || to - from > 9) throw new IOException("malformed number in an answer's head");
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') throw new IOException("malformed number in an answer's head");
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private int fill() throws IOException {
        pos = 0;
        lim = 0;
        int r = socketRead(buf, 0, buf.length);
        if (r > 0) lim = r;
        return r;
    }

    private int read(byte[] dst, int off, int len) throws IOException {
        if (pos < lim) {
            int n = Math.min(len, lim - pos);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            return n;
        }
        return socketRead(dst, off, len);
    }

    private int socketRead(byte[] dst, int off, int len) throws IOException {
        long left = answerDeadline - System.nanoTime();
        if (left <= 0) throw new SocketTimeoutException("answer not complete within the read timeout");
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000L)));
        return in.read(dst, off, len);
    }

    private void readFully(byte[] dst) throws IOException {
        readFully(dst, 0, dst.length);
    }

    private void readFully(byte[] dst, int off, int len) throws IOException {
        while (len > 0) {
            int r = read(dst, off, len);
            if (r < 0) throw new EOFException("connection ended within an answer's body");
            off += r;
            len -= r;
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing; nothing to do
        }
    }

    @Override
    public String toString() {
        return "Http1Connection[" + socket.getLocalPort() + "->" + socket.getRemoteSocketAddress() + ", requests=" + requests
                + (open ? "" : ", closed") + "]";
    }
}
