package dev.kaapanamigrate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A loopback TLS endpoint in front of a plain HTTP server (the embedded S3 or OpenSearch): a certificate made at test
 * time with {@code keytool -genkeypair} (self-signed, for 127.0.0.1 and localhost unless named otherwise), every connection decrypted and
 * forwarded byte for byte. Counts the connections whose handshake succeeded.
 */
final class TlsProxy implements AutoCloseable {

    private static final char[] PASSWORD = "test-keystore".toCharArray();

    private final SSLServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tls-proxy");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger handshakes = new AtomicInteger();

    private TlsProxy(SSLServerSocket server, String host, int port) {
        this.server = server;
        threads.submit(() -> {
            while (!server.isClosed()) {
                SSLSocket client;
                try {
                    client = (SSLSocket) server.accept();
                } catch (IOException e) {
                    return;
                }
                threads.submit(() -> forward(client, host, port));
            }
        });
    }

    /** Makes a key pair and certificate in {@code dir} and writes the certificate as PEM to {@code dir/ca.pem}. */
    static Path certificate(Path dir) throws Exception {
        return certificate(dir, "127.0.0.1", "ip:127.0.0.1,dns:localhost");
    }

    /** As {@link #certificate(Path)}, for the given common name and subject alternative names ({@code dns:x,ip:y}). */
    static Path certificate(Path dir, String commonName, String names) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path store = dir.resolve("endpoint.p12");
        run(List.of(keytool.toString(), "-genkeypair", "-alias", "endpoint", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=" + commonName, "-ext", "SAN=" + names, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(PASSWORD)));
        Path pem = dir.resolve("ca.pem");
        run(List.of(keytool.toString(), "-exportcert", "-rfc", "-alias", "endpoint", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-file", pem.toString()));
        return pem;
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }

    /** Starts a proxy with the key pair {@link #certificate} made in {@code dir}, in front of host:port. */
    static TlsProxy start(Path dir, String host, int port) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("endpoint.p12"))) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getLoopbackAddress());
        return new TlsProxy(server, host, port);
    }

    String url() {
        return "https://127.0.0.1:" + server.getLocalPort();
    }

    /** Connections whose TLS handshake succeeded (the client trusted the certificate). */
    int handshakes() {
        return handshakes.get();
    }

    private void forward(SSLSocket client, String host, int port) {
        try (client; Socket backend = new Socket(host, port)) {
            client.startHandshake();
            handshakes.incrementAndGet();
            var back = threads.submit(() -> pump(backend.getInputStream(), client.getOutputStream()));
            pump(client.getInputStream(), backend.getOutputStream());
            backend.shutdownOutput();
            back.get(5, TimeUnit.MINUTES);
        } catch (Exception e) {
            // the client refused the certificate or closed the connection
        }
    }

    private static Void pump(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[16384];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            out.write(buffer, 0, n);
            out.flush();
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
