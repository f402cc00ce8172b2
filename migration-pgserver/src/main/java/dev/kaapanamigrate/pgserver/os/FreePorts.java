package dev.kaapanamigrate.pgserver.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.LinkedHashSet;
import java.util.Set;

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
}
