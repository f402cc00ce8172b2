package dev.kaapanamigrate.pgserver.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JVM shutdown hook, registered for one server that asked for it and removed when that server is closed.
 * Not API.
 */
public final class JvmExitHook {

    private static final Logger LOG = LoggerFactory.getLogger(JvmExitHook.class);

    private final Thread thread;

    private JvmExitHook(Thread thread) {
        this.thread = thread;
    }

    /**
     * Registers an action to run when the JVM exits normally or on SIGTERM/SIGINT (never on SIGKILL).
     *
     * @param name   the hook thread's name
     * @param action what to do; a failure is logged
     * @return the registration, to {@link #remove()}
     * @throws IllegalStateException if the JVM is already shutting down
     */
    public static JvmExitHook register(String name, Runnable action) {
        Thread thread = new Thread(() -> {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("{} failed at JVM exit: {}", name, e.getMessage());
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(thread);
        return new JvmExitHook(thread);
    }

    /** Removes the hook; nothing happens while the JVM is already shutting down (the hook may be running). */
    public void remove() {
        try {
            Runtime.getRuntime().removeShutdownHook(thread);
        } catch (IllegalStateException e) {
            // shutdown in progress: hooks can no longer be removed, and this one may be the caller
        }
    }
}
