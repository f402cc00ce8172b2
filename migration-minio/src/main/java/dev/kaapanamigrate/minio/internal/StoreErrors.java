package dev.kaapanamigrate.minio.internal;

import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.minio.MinioErrorCode;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InvalidResponseException;
import io.minio.errors.ServerException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Turns what the MinIO SDK or the admin API throws into a coded {@link MigrationException} that names the endpoint and
 * the fix, and decides which failures are worth a retry. The SDK's exceptions print the signed request's headers
 * (the access key is in {@code Authorization}), so they are never passed on: the cause is a {@link Redacted} copy with
 * the class names and redacted messages of the chain and the original stack trace.
 */
public final class StoreErrors {

    private static final Set<String> CREDENTIALS = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken",
            "ExpiredToken", "InvalidSecurity", "AuthorizationHeaderMalformed", "XMinioInvalidIAMCredentials");
    private static final Set<String> DENIED = Set.of("AccessDenied", "AllAccessDisabled");
    private static final Set<String> TRANSIENT = Set.of("SlowDown", "InternalError", "ServiceUnavailable",
            "RequestTimeout", "XMinioServerNotInitialized", "XMinioReadQuorum", "OperationTimedOut");
    private static final Pattern[] SECRETS = {
        Pattern.compile("(Credential=)[^,\\s&]*"),
        Pattern.compile("(Signature=)[0-9a-fA-F]*"),
        Pattern.compile("(X-Amz-Credential=)[^&\\s]*", Pattern.CASE_INSENSITIVE),
        Pattern.compile("(X-Amz-Signature=)[^&\\s]*", Pattern.CASE_INSENSITIVE),
        Pattern.compile("(X-Amz-Security-Token[=:]\\s*)[^&\\s,]*", Pattern.CASE_INSENSITIVE),
        Pattern.compile("(<AWSAccessKeyId>)[^<]*"),
        Pattern.compile("(<StringToSign>)[^<]*"),
        Pattern.compile("(<StringToSignBytes>)[^<]*"),
        Pattern.compile("(<CanonicalRequest>)[^<]*"),
        Pattern.compile("(<CanonicalRequestBytes>)[^<]*"),
        Pattern.compile("(<SignatureProvided>)[^<]*"),
        Pattern.compile("(\"AccessKey\"\\s*:\\s*\")[^\"]*"),
    };

    private StoreErrors() {
    }

    /** A cause that keeps the chain's class names, redacted messages and the original stack trace, nothing else. */
    public static final class Redacted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * Copies a failure without anything secret.
         *
         * @param original the failure
         * @param known    strings to redact besides the patterns
         */
        public Redacted(Throwable original, String... known) {
            super(describeChain(original, known));
            setStackTrace(original.getStackTrace());
        }
    }

    /** What kind of failure, for retrying and for the code. */
    public enum Kind {
        /** A connection could not be made. */
        UNREACHABLE,
        /** TLS failed (certificate not trusted, handshake). */
        TLS,
        /** The credentials were rejected. */
        CREDENTIALS,
        /** The user may not. */
        DENIED,
        /** The bucket is not there. */
        NO_BUCKET,
        /** Worth a retry: HTTP 5xx, throttling, a connection lost midway. */
        TRANSIENT,
        /** Anything else. */
        OTHER
    }

    /**
     * Classifies a failure.
     *
     * @param e what was thrown
     * @return the kind
     */
    public static Kind kind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ErrorResponseException r) {
                String code = r.errorResponse() == null ? null : r.errorResponse().code();
                if (code == null) {
                    return Kind.OTHER;
                }
                if (CREDENTIALS.contains(code)) {
                    return Kind.CREDENTIALS;
                }
                if (DENIED.contains(code)) {
                    return Kind.DENIED;
                }
                if ("NoSuchBucket".equals(code)) {
                    return Kind.NO_BUCKET;
                }
                return TRANSIENT.contains(code) ? Kind.TRANSIENT : Kind.OTHER;
            }
            if (t instanceof ServerException || t instanceof InvalidResponseException) {
                return Kind.TRANSIENT;
            }
            // MinIO's client rethrows the trust manager's CertificateException without the SSLException around it
            if (t instanceof SSLException || t instanceof java.security.cert.CertificateException) {
                return Kind.TLS;
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
                return Kind.UNREACHABLE;
            }
            if (t instanceof SocketTimeoutException && String.valueOf(t.getMessage()).toLowerCase().contains("connect")) {
                return Kind.UNREACHABLE;
            }
            if (t instanceof java.io.IOException && !(t instanceof InterruptedIOException)) {
                return Kind.TRANSIENT;
            }
            if (t instanceof InterruptedIOException) {
                return Kind.TRANSIENT;
            }
        }
        return Kind.OTHER;
    }

    /**
     * Whether a failure is worth a retry.
     *
     * @param kind the kind
     * @return {@code true} for connection failures and transient server errors
     */
    public static boolean retryable(Kind kind) {
        return kind == Kind.TRANSIENT || kind == Kind.UNREACHABLE;
    }

    /**
     * The coded exception for a failure of an S3 operation.
     *
     * @param e         what was thrown
     * @param endpoint  the endpoint, as messages name it
     * @param operation what was being done, for example {@code "listing bucket project-admin"}
     * @param attempts  how often it was tried
     * @return the exception to throw
     */
    public static MigrationException of(Throwable e, String endpoint, String operation, int attempts) {
        Kind kind = kind(e);
        String tried = attempts > 1 ? " (tried " + attempts + " times)" : "";
        String detail = describeChain(e);
        Problem p = switch (kind) {
            case UNREACHABLE -> Problem.of(MinioErrorCode.ENDPOINT_UNREACHABLE, "the object store at " + endpoint
                    + " cannot be reached while " + operation + tried + ": " + detail, "MinIO answering at " + endpoint,
                    "check the endpoint and the network; MinIO runs only while a platform runs (0.4 before the "
                            + "undeploy, 0.5 after the deploy): run this step in that state");
            case TLS -> Problem.of(MinioErrorCode.ENDPOINT_UNREACHABLE, "TLS with " + endpoint + " failed while "
                    + operation + ": " + detail, "a TLS connection the client trusts", "configure the MinioClient "
                    + "to trust the server's certificate (its OkHttp client's trust store); verification stays on");
            case CREDENTIALS -> Problem.of(MinioErrorCode.CREDENTIALS_REJECTED, "the object store at " + endpoint
                    + " rejected the client's credentials while " + operation + ": " + detail,
                    "credentials of a MinIO user of this installation", "build the MinioClient with the access and "
                            + "secret key of a MinIO user of this installation (for example the root user)");
            case DENIED -> Problem.of(MinioErrorCode.ACCESS_DENIED, "the object store at " + endpoint
                    + " denied " + operation + ": " + detail, "a user allowed to list every bucket",
                    "use a user with the consoleAdmin policy or the root user");
            case NO_BUCKET -> Problem.of(MinioErrorCode.BUCKET_MISSING, "the bucket is missing at " + endpoint + " while "
                    + operation + ": " + detail, "the bucket to exist", "check the bucket names given in "
                    + "MinioOptions.withBuckets, or create the bucket");
            case TRANSIENT, OTHER -> Problem.of(MinioErrorCode.LISTING_FAILED, "the object store at " + endpoint
                    + " failed while " + operation + tried + ": " + detail, "a complete answer",
                    "check the server's health and logs, then run the step again (it starts the listing afresh)");
        };
        return new MigrationException(p, new Redacted(e));
    }

    /**
     * A failure chain in one line: class names and redacted messages; for S3 error responses only the error code,
     * message and HTTP status, never the request.
     *
     * @param e     the failure
     * @param known strings to redact besides the patterns (keys the caller gave)
     * @return the description
     */
    public static String describeChain(Throwable e, String... known) {
        StringBuilder s = new StringBuilder();
        int depth = 0;
        for (Throwable t = e; t != null && depth < 6; t = t.getCause()) {
            if (t instanceof io.minio.errors.MinioException && !(t instanceof ErrorResponseException)
                    && !(t instanceof ServerException) && t.getCause() != null) {
                continue; // the SDK's wrapper adds nothing but a request trace
            }
            if (depth++ > 0) {
                s.append(" <- ");
            }
            s.append(t.getClass().getSimpleName());
            String message;
            if (t instanceof ErrorResponseException r && r.errorResponse() != null) {
                message = r.errorResponse().code() + ": " + r.errorResponse().message()
                        + (r.response() != null ? " (HTTP " + r.response().code() + ")" : "");
                s.append(": ").append(redact(message, known));
                break;
            }
            message = t instanceof ServerException se ? "HTTP " + se.statusCode() : t.getMessage();
            if (message != null) {
                s.append(": ").append(redact(message.length() > 300 ? message.substring(0, 300) + "..." : message, known));
            }
        }
        return s.toString();
    }

    /**
     * Redacts signatures, credentials and the given strings.
     *
     * @param text  the text
     * @param known strings to replace
     * @return the text without them
     */
    public static String redact(String text, String... known) {
        String out = text;
        for (Pattern p : SECRETS) {
            out = p.matcher(out).replaceAll("$1***");
        }
        for (String k : known) {
            if (k != null && k.length() >= 3) {
                out = out.replace(k, "***");
            }
        }
        return out;
    }
}
