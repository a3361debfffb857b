package com.proxylity.packetsource.sender;

import com.proxylity.packetsource.sender.config.ConfigLoader;
import com.proxylity.packetsource.sender.config.SenderConfig;
import com.proxylity.packetsource.sender.metrics.JsonLog;
import java.util.concurrent.CountDownLatch;

/** Container entry point: configuration from the environment, runs until SIGTERM. */
public final class SenderMain {
    private static final JsonLog LOG = JsonLog.of(SenderMain.class);
    /** {@code on}: record plain UDP flow owners (set by the stack when it runs more than one task). */
    public static final String ENV_FLOW_OWNERS = "PS_FLOW_OWNERS";

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
        Sender sender = Sender.builder(config).sessionDirectory(SessionDirectories.create(config.sessionStore()))
                // More than one task per Listener: record who holds each plain UDP client's flow.
                .recordFlowOwners("on".equals(System.getenv(ENV_FLOW_OWNERS)))
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        // ECS sends SIGTERM and waits stopTimeout (default 30 s) before SIGKILL: drain within it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sender.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
    }
}
