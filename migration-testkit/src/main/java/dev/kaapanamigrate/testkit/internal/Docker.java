package dev.kaapanamigrate.testkit.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/** Whether Testcontainers can reach a Docker engine (asked once per JVM), and starting a backend's container. */
public final class Docker {

    private static final Logger LOG = LoggerFactory.getLogger(Docker.class);
    private static volatile Boolean available;

    private Docker() {
    }

    /**
     * Whether a Docker engine answers. The first call asks Testcontainers (about 0.25 s without Docker);
     * later calls return the cached answer.
     *
     * @return {@code true} if containers can be started
     */
    public static boolean available() {
        Boolean a = available;
        if (a == null) {
            synchronized (Docker.class) {
                a = available;
                if (a == null) {
                    boolean answer;
                    try {
                        answer = DockerClientFactory.instance().isDockerAvailable();
                    } catch (RuntimeException | LinkageError e) {
                        answer = false;
                    }
                    available = a = answer;
                }
            }
        }
        return a;
    }

    /**
     * Starts a container and the backend on it; stops the container again when either fails.
     *
     * @param container the configured container
     * @param what      what it runs, for messages (for example {@code MinIO})
     * @param fix       what to check when it does not start
     * @param backend   makes the backend once the container runs
     * @param <C>       the container type
     * @param <B>       the backend type
     * @return the running backend
     * @throws IllegalStateException if it does not start
     */
    static <C extends GenericContainer<?>, B> B start(C container, String what, String fix, Function<C, B> backend) {
        long t0 = System.nanoTime();
        try {
            container.start();
            B started = backend.apply(container);
            LOG.info("{} container {} started: {} in {} ms", what, container.getDockerImageName(), started,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return started;
        } catch (RuntimeException e) {
            container.stop();
            throw new IllegalStateException("Cannot start the " + what + " container " + container.getDockerImageName()
                    + ": " + e.getMessage() + ". Fix: " + fix, e);
        }
    }
}
