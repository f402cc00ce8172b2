package dev.kaapanamigrate.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
            assertThat(p.get().found()).contains("connection to the kaapana-backend database's server never opened",
                    "password authentication failed", "[SQLSTATE " + state + "]");
            assertThat(p.get().fix()).contains("right user, password and database name");
        }
    }

    @Test
    void aServerThatCannotBeReachedIsServerUnreachable() {
        Optional<Problem> p = Sql.connectionProblem("access-information", new SQLException(
                "Connection to 127.0.0.1:1 refused. Check that the hostname and port are correct", "08001"));
        assertThat(p).isPresent();
        assertThat(p.get().code()).isEqualTo(PostgresErrorCode.SERVER_UNREACHABLE);
        assertThat(p.get().found()).contains("never opened", "127.0.0.1:1");
        assertThat(p.get().fix()).contains("host and port of the access-information database");
    }

    @Test
    void aPasswordTheServerAskedForIsALoginProblemAndAFailedHandshakeATlsOne() {
        assertThat(Sql.connectionProblem("kaapana-backend", new SQLException("The server requested SCRAM-based "
                + "authentication, but no password was provided.", "08004")).orElseThrow().code())
                .isEqualTo(PostgresErrorCode.LOGIN_REJECTED);
        SQLException handshake = new SQLException("SSL error: PKIX path building failed", "08006",
                new javax.net.ssl.SSLHandshakeException("PKIX path building failed"));
        Problem tls = Sql.connectionProblem("kaapana-backend", handshake).orElseThrow();
        assertThat(tls.code()).isEqualTo(PostgresErrorCode.TLS_FAILED);
        assertThat(tls.fix()).contains("CA certificate", "sslmode");
        assertThat(Sql.connectionProblem("kaapana-backend", new SQLException("The server does not support SSL.",
                "08004")).orElseThrow().code()).isEqualTo(PostgresErrorCode.TLS_FAILED);
    }

    @Test
    void onlyAConnectionThatNeverOpenedIsAConnectionProblem() {
        org.jdbi.v3.core.Jdbi refusing = org.jdbi.v3.core.Jdbi.create(() -> {
            throw new SQLException("FATAL: password authentication failed for user \"kaapanauser\"", "28P01");
        });
        StepCheck check = Sql.blockedWhenUnreachable(() -> Sql.read(refusing, "kaapana-backend", "check",
                h -> StepCheck.upToDate("never reached")));
        assertThat(check).isInstanceOf(StepCheck.Blocked.class);
        assertThat(((StepCheck.Blocked) check).problem().code()).isEqualTo(PostgresErrorCode.LOGIN_REJECTED);

        // a connection lost after it opened (its first statement fails) is a failed step, whatever its SQLSTATE:
        // it may have died in the middle of a commit
        assertThatThrownBy(() -> Sql.blockedWhenUnreachable(() -> Sql.read(org.jdbi.v3.core.Jdbi.create(
                () -> (java.sql.Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {java.sql.Connection.class}, (proxy, method, args) -> {
                            if (method.getName().equals("getAutoCommit")) {
                                return true;
                            }
                            if (method.getName().startsWith("set") || method.getName().equals("close")
                                    || method.getName().equals("isClosed") || method.getName().equals("isReadOnly")) {
                                return method.getReturnType() == boolean.class ? false : null;
                            }
                            throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
                        })), "kaapana-backend", "check", h -> StepCheck.upToDate("never reached"))))
                .isInstanceOf(dev.kaapanamigrate.core.StepFailedException.class)
                .hasMessageContaining("08006");
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
