package com.proxylity.packetsource.core.pipeline;

import com.proxylity.packetsource.core.session.SenderTask;

/** A packet that may go, and the task that must send it (the one holding its flow or session). */
public record RoutedPacket(ReadyPacket packet, SenderTask task) {}
