package com.proxylity.packetsource.sender.net;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.Inet4Address;
import java.net.InetAddress;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ThreadFactory;

/**
 * Chooses the datagram transport. Native epoll is the fast path: when several datagrams are
 * written before one flush, {@code EpollDatagramChannel} hands them to the kernel with one
 * {@code sendmmsg} call (see BENCHMARKS.md, section Sender). NIO is the portable fallback
 * (one syscall per datagram), used only where the native library cannot load.
 */
public enum Transport {
    EPOLL, NIO;

    /**
     * The one allocator of every sender channel and buffer. Netty 4.2's default is the adaptive
     * allocator, which serves large socket reads (the egress API's request bodies) from unpooled
     * direct chunks; on Java 25, the runtime of the sender image, freeing one closes a shared
     * memory arena, a handshake with every JVM thread, which cost the API path a large part of its
     * packets/s (BENCHMARKS.md). The pooled allocator keeps its chunks for the life of the process.
     */
    public static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

    public static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    public EventLoopGroup newGroup(int threads, String name) {
        // Netty's factory makes FastThreadLocalThreads: only on those do its object pools
        // (Recycler) and per-thread buffer caches work; on plain threads every buffer, outbound
        // entry and cache entry is a fresh object: garbage on every datagram (BENCHMARKS.md).
        ThreadFactory tf = new DefaultThreadFactory(name, true);
        return new MultiThreadIoEventLoopGroup(threads, tf,
                this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** The TCP server channel matching this transport's event loops (egress API). */
    public Class<? extends ServerChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /**
     * A datagram channel of the bind address's family. An IPv4 bind address gets an AF_INET
     * socket (IPv4 remotes only), so an IPv4-only Listener never pays for the IPv4-mapped path
     * through an AF_INET6 socket. Bind "::" for a dual-stack Listener that can also reach IPv6
     * remotes.
     */
    public DatagramChannel newChannel(InetAddress bindAddress) {
        SocketProtocolFamily family = bindAddress instanceof Inet4Address ? SocketProtocolFamily.INET
                : SocketProtocolFamily.INET6;
        return this == EPOLL ? new EpollDatagramChannel(family) : new NioDatagramChannel(family);
    }
}
