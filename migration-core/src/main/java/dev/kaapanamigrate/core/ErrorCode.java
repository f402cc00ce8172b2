package dev.kaapanamigrate.core;

import dev.kaapanamigrate.core.internal.ErrorCodeRegistry;
import java.util.Collection;

/**
 * A stable error code, carried by every {@link MigrationException}, by blocked checks and by failed step results.
 * Its {@link #code()} string is written into reports and never renamed, so tools can react to it; {@link #summary()}
 * says what the code means and {@link #remedy()} what usually fixes it.
 *
 * <p>Each module defines its codes as an enum implementing this interface: the engine's are {@link CoreErrorCode};
 * another module's code strings start with the module's prefix (for example {@code PGSERVER_DATABASE_SERVER}), so
 * they are unique across modules. A module makes its codes known to {@link #of(String)} (which reads reports back)
 * with a {@link Catalog} registered for {@link java.util.ServiceLoader} in
 * {@code META-INF/services/dev.kaapanamigrate.core.ErrorCode$Catalog}.
 *
 * <pre>{@code
 * public enum MinioErrorCode implements ErrorCode {
 *     ENDPOINT_UNREACHABLE("The object store cannot be reached.", "Check the endpoint and the network.");
 *     ...
 *     public String code() { return "MINIO_" + name(); }
 * }
 * }</pre>
 */
public interface ErrorCode {

    /**
     * The stable code string, as written into reports.
     *
     * @return for example {@code PRECONDITION_FAILED}
     */
    String code();

    /**
     * What this code means, in one sentence.
     *
     * @return the summary
     */
    String summary();

    /**
     * What usually fixes a problem with this code.
     *
     * @return the remedy
     */
    String remedy();

    /**
     * The code with this code string: one of {@link CoreErrorCode} or of a registered {@link Catalog}, or, for a code
     * no module on the class path knows (a report written by a newer version, say), a code that keeps the string and
     * says it is unknown.
     *
     * @param code the code string
     * @return the code; never {@code null}
     */
    static ErrorCode of(String code) {
        return ErrorCodeRegistry.lookup(code);
    }

    /**
     * Makes a module's error codes known to {@link ErrorCode#of(String)}; registered for {@link java.util.ServiceLoader}.
     *
     * <pre>{@code
     * public final class MinioErrorCodes implements ErrorCode.Catalog {
     *     public Collection<? extends ErrorCode> codes() { return List.of(MinioErrorCode.values()); }
     * }
     * }</pre>
     */
    interface Catalog {
        /**
         * The module's codes.
         *
         * @return the codes
         */
        Collection<? extends ErrorCode> codes();
    }
}
