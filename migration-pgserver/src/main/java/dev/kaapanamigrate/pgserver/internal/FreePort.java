package dev.kaapanamigrate.pgserver.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks a free TCP port on the loopback interface. Not API. */
public final class FreePort {

    private FreePort() {
    }

    /** @return a port that was free a moment ago */
    public static int pick() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free TCP port on the loopback interface", e);
        }
    }
}
