package com.proxylity.packetsource.sender.net;

import com.proxylity.packetsource.core.contract.DiscardReason;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * Part of stage 8 of the send path (package comment of {@code com.proxylity.packetsource.sender}).
 * Netty's datagram channels skip zero-length datagrams (and report success), but an empty UDP
 * datagram is a valid packet: it is sent with a direct {@code sendto} on the same socket,
 * after what was written before it, so the order of a batch holds.
 */
final class EmptyDatagrams {
    private static final JsonLog LOG = JsonLog.of(ListenerSocket.class);
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(1);

    private EmptyDatagrams() {
    }

    /** Sends an empty datagram to {@code dest} (already as the socket must be given it); null when sent. */
    static DiscardReason send(Channel ch, InetSocketAddress dest, String listener) {
        ch.flush();
        if (ch instanceof EpollDatagramChannel e) {
            try {
                ((Socket) e.fd()).sendTo(EMPTY, 0, 0, dest.getAddress(), dest.getPort());
                return null;
            } catch (IOException ex) {
                LOG.warn("send-failed", "listener", listener, "error", ex.getClass().getName());
            }
        }
        return DiscardReason.SendError;
    }
}
