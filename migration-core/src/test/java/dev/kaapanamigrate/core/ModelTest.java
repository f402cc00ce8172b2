package dev.kaapanamigrate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ModelTest {

    @Test
    void verificationPassesOnlyWithFactsThatAllPass() {
        assertThat(Verification.builder().build().passed()).as("no facts prove nothing").isFalse();
        assertThat(Verification.builder().expect("n", 1L, 1L).build().passed()).isTrue();
        Verification v = Verification.builder().expect("n", 1L, 1L).expect("m", "a", "b").build();
        assertThat(v.passed()).isFalse();
        assertThat(v.describeFailures()).isEqualTo("m: expected a, found b");
        assertThatThrownBy(() -> new Verification(true, List.of(new Verification.Fact("x", "1", "2", false))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void seededIdsRepeatAndAreVersion4() {
        List<UUID> one = IntStream.range(0, 100).mapToObj(i -> IdSource.seeded(3)).map(IdSource::newId).toList();
        IdSource a = IdSource.seeded(42);
        IdSource b = IdSource.seeded(42);
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            UUID x = a.newId();
            assertThat(b.newId()).isEqualTo(x);
            assertThat(x.version()).isEqualTo(4);
            assertThat(x.variant()).isEqualTo(2);
            seen.add(x);
        }
        assertThat(seen).hasSize(1000);
        assertThat(new HashSet<>(one)).hasSize(1);
    }

    @Test
    void pendingNeedsChangesAndChangeNeedsAPositiveCount() {
        assertThat(StepCheck.pending(List.of())).isInstanceOf(StepCheck.UpToDate.class);
        assertThatThrownBy(() -> new StepCheck.Pending(List.of())).hasMessageContaining("StepCheck.upToDate");
        assertThatThrownBy(() -> Change.of(Change.Kind.UPDATE, "t", null, null, 0)).hasMessageContaining("at least 1");
    }

    @Test
    void contextKeyNamesAreChecked() {
        assertThatThrownBy(() -> ContextKey.of("Bad Name", String.class))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("postgres.projects");
    }

    @Test
    void standaloneContextSharesValuesInMemory() {
        MigrationContext ctx = MigrationContext.standalone();
        ContextKey<String> key = ContextKey.of("a.b", String.class);
        assertThat(ctx.get(key)).isEmpty();
        ctx.put(key, "v");
        assertThat(ctx.require(key)).isEqualTo("v");
        assertThat(ctx.platformState()).isEqualTo(PlatformState.UNDEPLOYED);
        ctx.progress(1, 2, "rows"); // no listener: ignored
    }

    @Test
    void valuesThatAreNotPlainDataAreRefusedWhenPut() {
        MigrationContext ctx = MigrationContext.standalone();
        ContextKey<Object> key = ContextKey.of("a.thread", Object.class);
        assertThatThrownBy(() -> ctx.put(key, new Object()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("plain data");
    }

    @Test
    void everyErrorCodeIsDocumented() {
        for (ErrorCode code : CoreErrorCode.values()) {
            assertThat(code.summary()).as(code.code()).isNotBlank().endsWith(".");
            assertThat(code.remedy()).as(code.code()).isNotBlank().endsWith(".");
        }
    }
}
