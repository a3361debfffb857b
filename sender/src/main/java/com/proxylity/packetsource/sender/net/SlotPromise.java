package com.proxylity.packetsource.sender.net;

import io.netty.channel.Channel;
import io.netty.channel.DefaultChannelPromise;
import io.netty.util.concurrent.EventExecutor;

/** A write promise that knows which slot of its {@link Outbound} it settles. */
final class SlotPromise extends DefaultChannelPromise {
    final int slot;

    SlotPromise(Channel channel, EventExecutor executor, int slot) {
        super(channel, executor);
        this.slot = slot;
    }
}
