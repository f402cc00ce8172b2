package dev.kaapanamigrate.pgserver.os;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TCP ports on {@code 127.0.0.1} that were free a moment ago, chosen by the kernel. Another process may take a
 * port before the caller binds it: callers retry with new ports when binding fails.
 *
 * <pre>{@code
 * int[] ports = FreePorts.pick(2);   // http and transport port of a search node
 * }</pre>
 */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * One free port.
     *
     * @return the port
     * @throws UncheckedIOException if no port can be bound on {@code 127.0.0.1}
     */
    public static int pick() {
        return pick(1)[0];
    }

    /**
     * Several distinct free ports.
     *
     * @param count how many (at least 1)
     * @return the ports, all different
     * @throws IllegalArgumentException if {@code count} is less than 1
     * @throws UncheckedIOException     if no port can be bound on {@code 127.0.0.1}
     */
    public static int[] pick(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        Set<Integer> ports = new LinkedHashSet<>();
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            while (ports.size() < count) {
                try (ServerSocket socket = new ServerSocket(0, 1, loopback)) {
                    socket.setReuseAddress(true);
                    ports.add(socket.getLocalPort());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free TCP port on 127.0.0.1: " + e.getMessage()
                    + ". Check that the loopback interface is up.", e);
        }
        return ports.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * A free port below the kernel's ephemeral range, for a listener that closes and binds the same port again
     * later: ports inside that range are handed to outgoing connections while the listener is closed, so reopening
     * there can fail with "address already in use"; below it, only another listener choosing the same port could.
     *
     * <pre>{@code
     * int port = FreePorts.pickForRebinding();   // a gate that opens and closes on one port
     * }</pre>
     *
     * @return a port that was free a moment ago and lies below the ephemeral range
     * @throws UncheckedIOException if no such port can be bound on {@code 127.0.0.1}
     */
    public static int pickForRebinding() {
        int ephemeralLow = ephemeralRangeStart();
        int low = Math.min(10_000, ephemeralLow / 2);
        IOException last = null;
        for (int attempt = 0; attempt < 200; attempt++) {
            int candidate = ThreadLocalRandom.current().nextInt(low, ephemeralLow);
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), candidate), 1);
                return candidate;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("Cannot find a free TCP port on 127.0.0.1 between " + low + " and "
                + ephemeralLow + " after 200 attempts. Check that the loopback interface is up.", last);
    }

    private static int ephemeralRangeStart() {
        try {
            String range = firstLine(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > 2_048 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768; // Linux's default start; other systems start higher
        }
    }

    // Files.readString can come back short on /proc files, whose size reads as 0
    private static String firstLine(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String line = reader.readLine();
            return line == null ? "" : line.trim();
        }
    }
}
