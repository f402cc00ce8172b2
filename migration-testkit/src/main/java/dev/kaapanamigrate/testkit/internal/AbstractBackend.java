package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.testkit.backends.BackendMode;

import java.util.function.Consumer;

/**
 * What every backend the testkit runs shares: how it runs, one client, and closing exactly once (the client
 * first, then the server behind it).
 *
 * @param <C> the client type
 */
abstract class AbstractBackend<C> implements AutoCloseable {

    private final BackendMode backend;
    private final C client;
    private final Consumer<C> clientCloser;
    private boolean closed;

    AbstractBackend(BackendMode backend, C client, Consumer<C> clientCloser) {
        this.backend = backend;
        this.client = client;
        this.clientCloser = clientCloser;
    }

    /** Stops the server behind the client; called once, after the client is closed. */
    abstract void stopServer();

    /** @return how the backend is reached, for {@link #toString()}; never a secret */
    abstract String address();

    /** @return more of this backend for {@link #toString()}, starting with ", " or empty */
    String details() {
        return "";
    }

    public final C client() {
        return client;
    }

    public final BackendMode backend() {
        return backend;
    }

    @Override
    public final synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        clientCloser.accept(client);
        stopServer();
    }

    @Override
    public final synchronized String toString() {
        return getClass().getSimpleName() + "[" + address() + details() + (closed ? ", closed" : "") + "]";
    }
}
