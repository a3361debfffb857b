package com.proxylity.packetsource.sender.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
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

    public static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    public EventLoopGroup newGroup(int threads, String name) {
        // Netty's factory makes FastThreadLocalThreads: only on those do its object pools
        // (Recycler) and per-thread buffer caches work; on plain threads every buffer, outbound
        // entry and cache entry was a fresh object (measured ~290 B of garbage per datagram).
        ThreadFactory tf = new DefaultThreadFactory(name, true);
        return new MultiThreadIoEventLoopGroup(threads, tf,
                this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    public DatagramChannel newChannel() {
        return this == EPOLL ? new EpollDatagramChannel() : new NioDatagramChannel();
    }
}
