package dev.kaapanamigrate.pgserver;

import dev.kaapanamigrate.core.ErrorCode;

/**
 * The error codes of {@code migration-pgserver}; their code strings carry the prefix {@code PGSERVER_}.
 *
 * <pre>{@code
 * catch (MigrationException e) {
 *     if (e.code() == PgServerErrorCode.DATABASE_SERVER) { ... }
 * }
 * }</pre>
 */
public enum PgServerErrorCode implements ErrorCode {
    /** A database server the library runs itself (a temporary server on a data folder) failed. */
    DATABASE_SERVER("A temporary database server could not be started, reached or stopped.",
            "Read the server log lines in the message; check the data folder, its owner and the binaries.");

    private final String summary;
    private final String remedy;

    PgServerErrorCode(String summary, String remedy) {
        this.summary = summary;
        this.remedy = remedy;
    }

    /**
     * The code string: {@code PGSERVER_} and the constant's name.
     *
     * @return for example {@code PGSERVER_DATABASE_SERVER}
     */
    @Override
    public String code() {
        return "PGSERVER_" + name();
    }

    @Override
    public String summary() {
        return summary;
    }

    @Override
    public String remedy() {
        return remedy;
    }

    /** Registers these codes with {@link ErrorCode#of(String)}. */
    public static final class Catalog implements ErrorCode.Catalog {
        /** Creates the catalog (for {@link java.util.ServiceLoader}). */
        public Catalog() {
        }

        @Override
        public java.util.Collection<? extends ErrorCode> codes() {
            return java.util.List.of(values());
        }
    }
}
