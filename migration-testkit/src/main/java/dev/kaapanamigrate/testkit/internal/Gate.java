package dev.kaapanamigrate.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import dev.kaapanamigrate.pgserver.os.FreePorts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback TCP forwarder in front of a backend that can be closed and opened again on the same port: closed, new
 * connections are refused and open ones are cut, as when a platform's services are gone; open, it forwards byte for
 * byte. The simulated platform keeps one per service so that a step placed in the wrong state fails as it would.
 */
public final class Gate implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gate.class);

    private final String name;
    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private ServerSocket server;
    private Thread acceptor;

    /**
     * Creates a closed gate on a free loopback port below the ephemeral range.
     *
     * @param name       what it stands for, for logs
     * @param targetHost the backend's host
     * @param targetPort the backend's port
     */
    public Gate(String name, String targetHost, int targetPort) {
        this.name = name;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        // below the ephemeral range: while the gate is closed, outgoing connections cannot take its port
        this.port = FreePorts.pickForRebinding();
    }

    /**
     * The port clients connect to.
     *
     * @return the port on 127.0.0.1
     */
    public int port() {
        return port;
    }

    /**
     * Whether connections are forwarded.
     *
     * @return {@code true} when open
     */
    public synchronized boolean isOpen() {
        return server != null;
    }

    /** Starts forwarding (again) on the same port. */
    public synchronized void open() {
        if (server != null) {
            return;
        }
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
            server = s;
        } catch (IOException e) {
            throw new IllegalStateException("cannot open the " + name + " gate on 127.0.0.1:" + port + ": "
                    + e.getMessage(), e);
        }
        ServerSocket s = server;
        acceptor = new Thread(() -> accept(s), "gate-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.debug("{} gate open on port {}", name, port);
    }

    /** Refuses new connections and cuts the open ones. */
    public synchronized void close() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        server = null;
        for (Socket s : open) {
            quietly(s);
        }
        open.clear();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("{} gate closed on port {}", name, port);
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket backend;
            try {
                backend = new Socket(targetHost, targetPort);
                client.setTcpNoDelay(true);
                backend.setTcpNoDelay(true);
            } catch (IOException e) {
                quietly(client);
                continue;
            }
            open.add(client);
            open.add(backend);
            pump(client, backend);
            pump(backend, client);
            synchronized (this) {
                if (server != s) { // closed meanwhile
                    quietly(client);
                    quietly(backend);
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[1 << 16];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (SocketException e) {
                // cut
            } catch (IOException e) {
                LOG.debug("{} gate: {}", name, e.toString());
            } finally {
                quietly(from);
                quietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "gate-" + name + "-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public String toString() {
        return name + " gate 127.0.0.1:" + port + " -> " + targetHost + ":" + targetPort + (isOpen() ? "" : " (closed)");
    }
}
