package dev.kaapanamigrate.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.postgresql.util.PasswordUtil;

/**
 * Verifier checks with known vectors: computed by PostgreSQL 17.2 ({@code SET password_encryption = ...;
 * ALTER ROLE kaapanauser PASSWORD ...}, then read from {@code pg_authid.rolpassword}).
 */
class StoredPasswordTest {

    private static final String ROLE = "kaapanauser";

    /** PostgreSQL's SCRAM-SHA-256 verifier of "Kaapana2020". */
    static final String SCRAM_DEFAULT = "SCRAM-SHA-256$4096:W6vKdsc7CxyQoEvoEf2rKg==$"
            + "cnvgeqX0/9lvLIIWLejY3CcB2qLZwMe0EgWnJ14fSTY=:jvFXstOeT0S984qDHDFhsY+OMcucaInUntxKmM4d1g8=";
    /** PostgreSQL's SCRAM-SHA-256 verifier of "other". */
    static final String SCRAM_OTHER = "SCRAM-SHA-256$4096:mrx5HcIJ9LRneHk7ab9rGg==$"
            + "Dzcb9HB2FOQJ+eqoEmaiB1uzDcy3OjLwbh0Mvqrc4oE=:l15cdXH7Nw/Fpzah1F9byebSAcVb/M2u/sNZtKwTlnA=";
    /** PostgreSQL's md5 hash of "Kaapana2020" for role kaapanauser. */
    static final String MD5_DEFAULT = "md52a0cee753166835fd8b89b6a40125aca";
    /** PostgreSQL's md5 hash of "other" for role kaapanauser. */
    static final String MD5_OTHER = "md579d430f6ec3473be99252a241411fc2d";

    /** A fresh array each time: pgjdbc zeroes the arrays it is given. */
    private static char[] password() {
        return "Kaapana2020".toCharArray();
    }

    @Test
    void scramVerifiersOfPostgresql() {
        assertThat(StoredPassword.judge(SCRAM_DEFAULT, ROLE, password())).isEqualTo(StoredPassword.SCRAM_MATCHES);
        assertThat(StoredPassword.judge(SCRAM_OTHER, ROLE, password())).isEqualTo(StoredPassword.SCRAM_OTHER);
        assertThat(StoredPassword.judge(SCRAM_OTHER, ROLE, "other".toCharArray())).isEqualTo(StoredPassword.SCRAM_MATCHES);
        // the role does not salt SCRAM verifiers
        assertThat(StoredPassword.judge(SCRAM_DEFAULT, "someone", password())).isEqualTo(StoredPassword.SCRAM_MATCHES);
    }

    @Test
    void md5HashesOfPostgresqlNeverCountAsAcceptedBecauseScramHostRulesRejectThem() {
        assertThat(StoredPassword.judge(MD5_DEFAULT, ROLE, password())).isEqualTo(StoredPassword.MD5_MATCHES);
        assertThat(StoredPassword.MD5_MATCHES.accepted()).isFalse();
        assertThat(StoredPassword.judge(MD5_OTHER, ROLE, password())).isEqualTo(StoredPassword.MD5_OTHER);
        assertThat(StoredPassword.judge(MD5_DEFAULT, "other-role", password())).as("md5 is salted with the role name")
                .isEqualTo(StoredPassword.MD5_OTHER);
    }

    @Test
    void verifiersComputedByPgjdbcAgree() {
        String fresh = PasswordUtil.encodeScramSha256(password());
        assertThat(StoredPassword.judge(fresh, ROLE, password())).isEqualTo(StoredPassword.SCRAM_MATCHES);
        assertThat(StoredPassword.judge(fresh, ROLE, "Kaapana2021".toCharArray())).isEqualTo(StoredPassword.SCRAM_OTHER);
    }

    @Test
    void missingAndMalformedVerifiers() {
        assertThat(StoredPassword.judge(null, ROLE, password())).isEqualTo(StoredPassword.NONE);
        assertThat(StoredPassword.judge("", ROLE, password())).isEqualTo(StoredPassword.NONE);
        assertThat(StoredPassword.judge("SCRAM-SHA-256$x:y$z", ROLE, password())).isEqualTo(StoredPassword.UNRECOGNISED);
        assertThat(StoredPassword.judge("SCRAM-SHA-256$4096:!!!$a:b", ROLE, password())).isEqualTo(StoredPassword.UNRECOGNISED);
        assertThat(StoredPassword.judge("md5short", ROLE, password())).isEqualTo(StoredPassword.UNRECOGNISED);
        assertThat(StoredPassword.judge("Kaapana2020", ROLE, password())).as("plain text is not a verifier")
                .isEqualTo(StoredPassword.UNRECOGNISED);
    }

    @Test
    void descriptionsHoldNoSecret() {
        for (StoredPassword p : StoredPassword.values()) {
            assertThat(p.description()).doesNotContain("Kaapana2020", "SCRAM-SHA-256$", "md5" + "2a0c");
        }
    }
}
