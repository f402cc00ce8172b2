package dev.kaapanamigrate.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kaapanamigrate.core.Problem;
import dev.kaapanamigrate.core.StepCheck;
import dev.kaapanamigrate.postgres.PostgresErrorCode;
import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SqlTest {

    @Test
    void aRefusedLoginOrAMissingDatabaseIsLoginRejectedWithTheServersMessage() {
        for (String state : new String[] {"28P01", "28000", "3D000"}) {
            Optional<Problem> p = Sql.connectionProblem("kaapana-backend",
                    new SQLException("FATAL: password authentication failed for user \"kaapanauser\"", state));
            assertThat(p).as(state).isPresent();
            assertThat(p.get().code()).isEqualTo(PostgresErrorCode.LOGIN_REJECTED);
            assertThat(p.get().found()).contains("kaapana-backend database's server refused the connection",
                    "password authentication failed", "[SQLSTATE " + state + "]", "nothing was changed");
            assertThat(p.get().fix()).contains("right user, password and database name");
        }
    }

    @Test
    void aServerThatCannotBeReachedIsServerUnreachable() {
        Optional<Problem> p = Sql.connectionProblem("access-information", new SQLException(
                "Connection to 127.0.0.1:1 refused. Check that the hostname and port are correct", "08001"));
        assertThat(p).isPresent();
        assertThat(p.get().code()).isEqualTo(PostgresErrorCode.SERVER_UNREACHABLE);
        assertThat(p.get().found()).contains("could not be reached", "127.0.0.1:1");
        assertThat(p.get().fix()).contains("host and port of the access-information database");
    }

    @Test
    void otherFailuresAreNotConnectionProblems() {
        assertThat(Sql.connectionProblem("kaapana-backend", new SQLException("relation does not exist", "42P01")))
                .isEmpty();
        assertThat(Sql.connectionProblem("kaapana-backend", new SQLException("no state"))).isEmpty();
        assertThat(Sql.connectionProblem("kaapana-backend", null)).isEmpty();
    }

    @Test
    void aCheckThatCannotConnectIsBlockedAndOtherFailuresStayFailures() {
        Problem refused = Sql.connectionProblem("kaapana-backend", new SQLException("refused", "28P01")).orElseThrow();
        StepCheck check = Sql.blockedWhenUnreachable(() -> {
            throw new Sql.ConnectionRefused(refused, new SQLException("refused", "28P01"));
        });
        assertThat(check).isInstanceOf(StepCheck.Blocked.class);
        assertThat(((StepCheck.Blocked) check).problem()).isEqualTo(refused);
    }
}
