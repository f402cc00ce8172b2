package dev.kaapanamigrate.pgserver.internal;

import dev.kaapanamigrate.pgserver.DatabaseServerException;

/** The chosen TCP port was taken between picking and binding it: the start is retried on another. Not API. */
public final class PortTakenException extends DatabaseServerException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param port the port
     * @param tail the server log's last lines
     */
    public PortTakenException(int port, String tail) {
        super("Port " + port + " was taken by another process. Server log (last lines):\n" + tail);
    }

    /**
     * Whether a server log says the port was taken.
     *
     * @param tail the server log's last lines
     * @return {@code true} for "could not bind" or "Address already in use"
     */
    public static boolean saidBy(String tail) {
        return tail.contains("could not bind") || tail.contains("Address already in use");
    }
}
