package dev.kaapanamigrate.postgres.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * What a role's stored password verifier ({@code pg_authid.rolpassword}) says about one candidate password,
 * found client-side without logging in (a connection over a trust rule would prove nothing). Knows the two
 * formats PostgreSQL stores: SCRAM-SHA-256 ({@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>})
 * and md5 ({@code md5} + md5hex(password + role)). The verdict names only the format, never the verifier.
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
     * Judges a stored verifier against a candidate password.
     *
     * @param verifier  {@code pg_authid.rolpassword}, or {@code null}
     * @param role      the role name (md5 hashes are salted with it)
     * @param candidate the candidate password (plain ASCII: SASLprep leaves it unchanged)
     * @return the verdict
     */
    public static StoredPassword judge(String verifier, String role, char[] candidate) {
        if (verifier == null || verifier.isEmpty()) {
            return NONE;
        }
        if (verifier.startsWith("SCRAM-SHA-256$")) {
            Boolean m = scramMatches(verifier, candidate);
            return m == null ? UNRECOGNISED : m ? SCRAM_MATCHES : SCRAM_OTHER;
        }
        if (verifier.length() == 35 && verifier.startsWith("md5")) {
            return md5Matches(verifier, role, candidate) ? MD5_MATCHES : MD5_OTHER;
        }
        return UNRECOGNISED;
    }

    /** {@code null} when the verifier cannot be parsed. */
    private static Boolean scramMatches(String verifier, char[] candidate) {
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
            byte[] storedKey = Base64.getDecoder().decode(keys[0]);
            byte[] serverKey = Base64.getDecoder().decode(keys[1]);
            if (iterations < 1) {
                return null;
            }
            SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            PBEKeySpec spec = new PBEKeySpec(candidate, salt, iterations, 256);
            byte[] salted;
            try {
                salted = pbkdf2.generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
            byte[] clientKey = hmac(salted, "Client Key");
            byte[] computedStored = MessageDigest.getInstance("SHA-256").digest(clientKey);
            byte[] computedServer = hmac(salted, "Server Key");
            // Both keys must match; constant-time comparisons.
            return MessageDigest.isEqual(computedStored, storedKey) & MessageDigest.isEqual(computedServer, serverKey);
        } catch (IllegalArgumentException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM lacks PBKDF2WithHmacSHA256/HmacSHA256/SHA-256", e);
        }
    }

    private static byte[] hmac(byte[] key, String message) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean md5Matches(String verifier, String role, char[] candidate) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(new String(candidate).getBytes(StandardCharsets.UTF_8));
            md5.update(role.getBytes(StandardCharsets.UTF_8));
            byte[] expected = ("md5" + HexFormat.of().formatHex(md5.digest())).getBytes(StandardCharsets.US_ASCII);
            return MessageDigest.isEqual(expected, verifier.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM lacks MD5", e);
        }
    }
}
