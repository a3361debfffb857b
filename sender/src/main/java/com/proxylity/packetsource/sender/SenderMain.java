package com.proxylity.packetsource.sender;

import com.proxylity.packetsource.sender.config.ConfigLoader;
import com.proxylity.packetsource.sender.config.SenderConfig;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import java.util.concurrent.CountDownLatch;

/** Container entry point: configuration from the environment, runs until SIGTERM. */
public final class SenderMain {
    private static final JsonLog LOG = JsonLog.of(SenderMain.class);

    private SenderMain() {}

    public static void main(String[] args) throws Exception {
        SenderConfig config;
        try {
            config = ConfigLoader.fromEnvironment();
        } catch (IllegalArgumentException e) {
            LOG.error("configuration-invalid", e);
            System.exit(2);
            return;
        }
        Sender sender = Sender.builder(config).sessionDirectory(SessionDirectories.create(config.sessionStore())).start();
        CountDownLatch stopped = new CountDownLatch(1);
        // ECS sends SIGTERM and waits stopTimeout (default 30 s) before SIGKILL: drain within it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sender.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
