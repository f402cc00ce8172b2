package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.testkit.backends.SearchNode;
import dev.kaapanamigrate.testkit.backends.TestBackends;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

/**
 * The embedded node in a JVM of its own, as a production node runs apart from its clients: the benchmark's client
 * work and garbage collections then do not stop the node's threads. Prints {@code URL=<http url>} once the node is
 * up and stops it when its standard input closes (the parent ended or closed it).
 */
final class SearchNodeMain {

    private SearchNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        try (SearchNode node = TestBackends.startEmbeddedSearchNode()) {
            System.out.println("URL=" + node.httpUrl());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close the pipe
            }
        }
        System.exit(0);
    }

    /** A node started in a child JVM (OpenSearch's own default heap: 1 GiB, G1), with a client of this JVM. */
    static final class Forked implements AutoCloseable {
        /** How long the child may take to print its URL before it is stopped (a node starts in well under a minute). */
        private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

        private final Process process;
        private final OpenSearchClient client;

        Forked() throws IOException {
            this(null);
        }

        /**
         * @param cpus the CPUs the node runs on ({@code taskset -c} list, Linux), or {@code null} for all
         */
        Forked(String cpus) throws IOException {
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            List<String> command = new ArrayList<>();
            if (cpus != null) {
                command.addAll(List.of("taskset", "-c", cpus));
            }
            command.addAll(List.of(javaBin, "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-cp", classpath,
                    SearchNodeMain.class.getName()));
            process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            URI url = null;
            AtomicBoolean timedOut = new AtomicBoolean();
            // A child that hangs before its URL would block the read below forever: stopped, it ends the output.
            Thread watchdog = new Thread(() -> {
                try {
                    Thread.sleep(START_TIMEOUT.toMillis());
                    timedOut.set(true);
                    process.destroyForcibly();
                } catch (InterruptedException started) {
                    // the URL came, or the start failed otherwise
                }
            }, "forked-node-start-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            try {
                var out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("URL=")) {
                        url = URI.create(line.substring(4));
                        break;
                    }
                }
                if (url == null) {
                    throw new IOException(timedOut.get()
                            ? "the forked node printed no URL within " + START_TIMEOUT + " and was stopped"
                            : "the forked node ended before printing its URL (exit " + process.waitFor() + ")");
                }
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "forked-node-output");
                drain.setDaemon(true);
                drain.start();
                client = new OpenSearchClient(ApacheHttpClient5TransportBuilder
                        .builder(new HttpHost(url.getScheme(), url.getHost(), url.getPort()))
                        .setMapper(new JacksonJsonpMapper()).build());
            } catch (IOException | InterruptedException | RuntimeException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                process.destroyForcibly();
                throw e instanceof IOException io ? io : new IOException(e);
            } finally {
                watchdog.interrupt();
            }
        }

        OpenSearchClient client() {
            return client;
        }

        /** CPU time of the node's JVM so far, nanoseconds. */
        long cpuNanos() {
            return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO).toNanos();
        }

        @Override
        public void close() throws IOException {
            try {
                client._transport().close();
            } finally {
                process.getOutputStream().close(); // the node stops and removes its folder
                try {
                    if (!process.waitFor(60, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
