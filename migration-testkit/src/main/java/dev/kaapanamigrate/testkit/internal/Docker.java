package dev.kaapanamigrate.testkit.internal;

import org.testcontainers.DockerClientFactory;

/** Whether Testcontainers can reach a Docker engine; asked once per JVM. */
public final class Docker {

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
}
