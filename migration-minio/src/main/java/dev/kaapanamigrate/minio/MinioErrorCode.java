package dev.kaapanamigrate.minio;

import dev.kaapanamigrate.core.ErrorCode;

/**
 * The error codes of {@code migration-minio}; their code strings carry the prefix {@code MINIO_}. Messages name the
 * endpoint or folder and the fix, never an access or secret key.
 *
 * <pre>{@code
 * catch (MigrationException e) {
 *     if (e.code() == MinioErrorCode.ENDPOINT_UNREACHABLE) { ... }
 * }
 * }</pre>
 */
public enum MinioErrorCode implements ErrorCode {
    /** No connection could be made to the object store (refused, unknown host, timed out). */
    ENDPOINT_UNREACHABLE("The object store cannot be reached.",
            "Check the endpoint and the network, and that the platform (and so MinIO) runs in this state."),
    /** The object store rejected the credentials (unknown access key, wrong secret, expired token). */
    CREDENTIALS_REJECTED("The object store rejected the client's credentials.",
            "Give the client the access and secret key of a MinIO user of this installation (the root user works)."),
    /** The credentials were accepted but the user may not do what the step needs. */
    ACCESS_DENIED("The object store denied an operation to the client's user.",
            "Use a user whose policy allows listing every bucket (consoleAdmin or the root user)."),
    /** A bucket the caller named does not exist. */
    BUCKET_MISSING("A bucket the caller named does not exist.",
            "Check the bucket names given in the options, or create the bucket."),
    /** MinIO's admin API refused the policy operation (HTTP 403). */
    POLICY_API_DENIED("MinIO's admin API refused a policy operation.",
            "Use credentials with admin rights (the root user or a user with the consoleAdmin policy) for the "
                    + "policy client."),
    /** MinIO's admin API is not there or answered something unexpected (not a MinIO server, a proxy in between). */
    POLICY_API_UNAVAILABLE("MinIO's admin API did not answer as MinIO does.",
            "Point the policy client at MinIO's own endpoint (the S3 port), not at a gateway or another S3 server."),
    /** Listing failed after the retries (the server kept failing) or answered with an error that is not retried. */
    LISTING_FAILED("Listing the object store failed.",
            "Check the server's health and logs; the step is safe to run again."),
    /** The MinIO data folder is missing or not in MinIO's single-drive layout. */
    DATA_FOLDER_INVALID("The MinIO data folder is missing or not a MinIO single-drive folder.",
            "Point the step at SLOW_DATA_DIR (the folder holding minio/, whose .minio.sys/format.json says xl-single)."),
    /** A listing file recorded by an earlier step is missing or damaged. */
    LISTING_FILE_INVALID("A listing file recorded by an earlier step is missing or damaged.",
            "Keep the state directory of the run that took the baseline; otherwise take the baseline again."),
    /** The verification has no baseline to compare with. */
    BASELINE_MISSING("No baseline of the object store was recorded.",
            "Add minio.baseline (while 0.4 runs) or minio.offline-baseline (while undeployed) to the plan, before "
                    + "minio.verify.");

    private final String summary;
    private final String remedy;

    MinioErrorCode(String summary, String remedy) {
        this.summary = summary;
        this.remedy = remedy;
    }

    /**
     * The code string: {@code MINIO_} and the constant's name.
     *
     * @return for example {@code MINIO_ENDPOINT_UNREACHABLE}
     */
    @Override
    public String code() {
        return "MINIO_" + name();
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
