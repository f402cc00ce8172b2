package dev.kaapanamigrate.testkit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free TCP ports on the loopback address. */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * Finds {@code count} distinct ports on {@code 127.0.0.1} that were free a moment ago. Another process
     * may take one before the caller binds it; callers retry on a bind failure.
     *
     * @param count how many
     * @return the ports
     */
    public static int[] find(int count) {
        Set<Integer> seen = new HashSet<>();
        int[] ports = new int[count];
        int n = 0;
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            while (n < count) {
                try (ServerSocket socket = new ServerSocket(0, 1, loopback)) {
                    socket.setReuseAddress(true);
                    int port = socket.getLocalPort();
                    if (seen.add(port)) {
                        ports[n++] = port;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free TCP port on 127.0.0.1: " + e.getMessage(), e);
        }
        return ports;
    }
}
