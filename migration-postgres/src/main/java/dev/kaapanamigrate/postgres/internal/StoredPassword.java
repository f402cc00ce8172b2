package dev.kaapanamigrate.postgres.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import org.postgresql.util.PasswordUtil;

/**
 * What a role's stored password verifier ({@code pg_authid.rolpassword}) says about one candidate password,
 * found client-side without logging in (a connection over a trust rule would prove nothing). Knows the two
 * formats PostgreSQL stores: SCRAM-SHA-256 ({@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>})
 * and md5 ({@code md5} + md5hex(password + role)). The verdict names only the format, never the verifier.
 *
 * <p>The verifiers are computed by pgjdbc's {@link PasswordUtil}, the encoder the driver uses for
 * {@code PGConnection.alterUserPassword}: for SCRAM with the stored verifier's salt and iteration count, and the
 * password prepared as PostgreSQL prepares it (SASLprep as a stored string; a password SASLprep refuses is used as it
 * is), so a non-ASCII password (a non-breaking space, a decomposed accent) verifies exactly when the server would
 * accept it. md5 hashes the password's UTF-8 bytes as they are, as PostgreSQL does.
 */
public enum StoredPassword {
    /** A SCRAM-SHA-256 verifier of the candidate password. */
    SCRAM_MATCHES("a SCRAM-SHA-256 verifier of the expected password", true),
    /** A SCRAM-SHA-256 verifier of another password. */
    SCRAM_OTHER("a SCRAM-SHA-256 verifier of another password", false),
    /** An md5 hash of the candidate password, which a {@code scram-sha-256} host rule rejects. */
    MD5_MATCHES("an md5 hash of the expected password, which a scram-sha-256 host rule (0.5's images) rejects", false),
    /** An md5 hash of another password. */
    MD5_OTHER("an md5 hash of another password", false),
    /** No password at all. */
    NONE("no password", false),
    /** Something this library does not recognise. */
    UNRECOGNISED("a password verifier in an unrecognised format", false);

    private static final String SCRAM_PREFIX = "SCRAM-SHA-256$";

    private final String description;
    private final boolean accepted;

    StoredPassword(String description, boolean accepted) {
        this.description = description;
        this.accepted = accepted;
    }

    /**
     * What was found, for reports; holds no part of the verifier.
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * Whether a client logging in with the candidate password over a {@code scram-sha-256} host rule succeeds.
     *
     * @return {@code true} only for {@link #SCRAM_MATCHES}
     */
    public boolean accepted() {
        return accepted;
    }

    /**
     * Judges a stored verifier against a candidate password. The candidate array is left as it was (the driver's
     * encoder clears the arrays it is given: it gets a copy, cleared afterwards).
     *
     * @param verifier  {@code pg_authid.rolpassword}, or {@code null}
     * @param role      the role name (md5 hashes are salted with it)
     * @param candidate the candidate password
     * @return the verdict
     */
    public static StoredPassword judge(String verifier, String role, char[] candidate) {
        if (verifier == null || verifier.isEmpty()) {
            return NONE;
        }
        if (verifier.startsWith(SCRAM_PREFIX)) {
            Scram stored = Scram.parse(verifier);
            if (stored == null) {
                return UNRECOGNISED;
            }
            Scram computed = Scram.parse(encode(candidate, copy -> PasswordUtil.encodeScramSha256(copy, stored.iterations,
                    stored.salt)));
            return computed != null && computed.sameKeys(stored) ? SCRAM_MATCHES : SCRAM_OTHER;
        }
        if (verifier.length() == 35 && verifier.startsWith("md5")) {
            String computed = encode(candidate, copy -> md5(role, copy));
            return MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                    verifier.getBytes(StandardCharsets.US_ASCII)) ? MD5_MATCHES : MD5_OTHER;
        }
        return UNRECOGNISED;
    }

    /** The driver's md5 encoder, through its general entry point (the md5-only method is deprecated, as md5 is). */
    private static String md5(String role, char[] password) {
        try {
            return PasswordUtil.encodePassword(role, password, "md5");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("pgjdbc no longer encodes md5 passwords", e);
        }
    }

    private static String encode(char[] candidate, java.util.function.Function<char[], String> encoder) {
        char[] copy = candidate.clone();
        try {
            return encoder.apply(copy);
        } finally {
            Arrays.fill(copy, '\0');
        }
    }

    /** The parts of a SCRAM-SHA-256 verifier, keys decoded. */
    private record Scram(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {

        /** {@code null} when the text is not a well-formed verifier. */
        static Scram parse(String verifier) {
            // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
            String[] parts = verifier.split("\\$");
            if (parts.length != 3) {
                return null;
            }
            String[] iterSalt = parts[1].split(":");
            String[] keys = parts[2].split(":");
            if (iterSalt.length != 2 || keys.length != 2) {
                return null;
            }
            try {
                int iterations = Integer.parseInt(iterSalt[0]);
                byte[] salt = Base64.getDecoder().decode(iterSalt[1]);
                if (iterations < 1 || salt.length == 0) {
                    return null;
                }
                return new Scram(iterations, salt, Base64.getDecoder().decode(keys[0]), Base64.getDecoder().decode(keys[1]));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /** Both keys equal; constant-time comparisons. */
        boolean sameKeys(Scram other) {
            return MessageDigest.isEqual(storedKey, other.storedKey) & MessageDigest.isEqual(serverKey, other.serverKey);
        }
    }
}
