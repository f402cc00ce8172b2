package dev.kaapanamigrate.cli;

/** Bad usage found after parsing (a missing folder, a secret given as an argument): exit code 2, nothing done. */
final class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
