package com.proxylity.packetsource.benchmarks.sender;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;

/**
 * The egress API path of {@link SenderSendBench} alone, long enough to profile from outside
 * (benchmarks/profile-api-path.sh attaches perf once this prints its MEASURE line): one warm-up
 * run, then one measured run, each a full Egress client to started Sender round as in the bench.
 *
 * <p>usage: ApiPathProfile [size=1420] [wireguard=false] [warm-up seconds=25] [measured seconds=20]
 */
public final class ApiPathProfile {
    private ApiPathProfile() {
    }

    public static void main(String[] args) throws Exception {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 1420;
        boolean wireGuard = args.length > 1 && Boolean.parseBoolean(args[1]);
        double warm = args.length > 2 ? Double.parseDouble(args[2]) : 25;
        double measured = args.length > 3 ? Double.parseDouble(args[3]) : 20;
        try (DatagramSocket sink = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress dest = new InetSocketAddress("127.0.0.1", sink.getLocalPort());
            SenderSendBench.egressApi(dest, size, warm, wireGuard);
            System.out.println("MEASURE");
            System.out.flush();
            SenderSendBench.Run r = SenderSendBench.egressApi(dest, size, measured, wireGuard);
            System.out.printf(java.util.Locale.ROOT, "{\"size\":%d,\"wireGuard\":%b,\"pps\":%.0f,\"ppsPerCpu\":%.0f,\"ppsPerSenderCpu\":%.0f}%n",
                    size, wireGuard, r.pps(), r.ppsPerCpu(), r.ppsPerSenderCpu());
        }
    }
}
