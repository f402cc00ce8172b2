package dev.kaapanamigrate.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.core.TestSteps.MarkerStep;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationPlanBuilderTest {

    @TempDir
    Path dir;

    private MigrationPlan.Builder base() {
        return MigrationPlan.builder()
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))
                .inMemoryState();
    }

    @Test
    void duplicateIdsAreRefusedNamingTheId() {
        assertThatThrownBy(() -> base().step(new MarkerStep("a.one", dir)).step(new MarkerStep("a.one", dir)).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("Two steps have the id 'a.one'")
                .satisfies(e -> assertThat(((MigrationException) e).code()).isEqualTo(CoreErrorCode.PLAN_INVALID));
    }

    @Test
    void unknownDependencyIsRefusedListingTheSteps() {
        assertThatThrownBy(() -> base().step(new MarkerStep("a", dir), "missing").build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'a' is to run after 'missing', which is not in the plan")
                .hasMessageContaining("[a]");
    }

    @Test
    void cycleIsRefusedNamingTheCycle() {
        assertThatThrownBy(() -> base()
                .step(new MarkerStep("x", dir))
                .step(new MarkerStep("a", dir), "c")
                .step(new MarkerStep("b", dir), "a")
                .step(new MarkerStep("c", dir), "b")
                .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cycle")
                .hasMessageContaining("a -> c -> b -> a");
    }

    @Test
    void dependencyOnALaterStateIsRefused() {
        List<String> log = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> base()
                .step(new MarkerStep("later", dir, PlatformState.TARGET_RUNNING, log))
                .step(new MarkerStep("early", dir, PlatformState.UNDEPLOYED, log), "later")
                .build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'early' (state UNDEPLOYED) depends on 'later' (state TARGET_RUNNING)");
    }

    @Test
    void invalidStepIdIsRefused() {
        assertThatThrownBy(() -> base().step(new MarkerStep("Bad Id", dir)).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'Bad Id'")
                .hasMessageContaining("postgres.rename-data-folders");
    }

    @Test
    void missingPlatformControlAndStateDirectoryTellWhatToWrite() {
        assertThatThrownBy(() -> MigrationPlan.builder().step(new MarkerStep("a", dir)).inMemoryState().build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(".platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED))");
        assertThatThrownBy(() -> MigrationPlan.builder().step(new MarkerStep("a", dir))
                .platformControl(PlatformControl.assumeState(PlatformState.UNDEPLOYED)).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(".stateDirectory(")
                .hasMessageContaining(".inMemoryState()");
        assertThatThrownBy(() -> base().build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("no steps");
    }

    @Test
    void stepsRunByStateThenDependenciesThenInsertionOrder() {
        List<String> log = new CopyOnWriteArrayList<>();
        MigrationPlan plan = base()
                .step(new MarkerStep("verify-after", dir, PlatformState.TARGET_RUNNING, log))
                .step(new MarkerStep("db", dir, PlatformState.UNDEPLOYED, log), "folders")
                .step(new MarkerStep("baseline", dir, PlatformState.SOURCE_RUNNING, log))
                .step(new MarkerStep("folders", dir, PlatformState.UNDEPLOYED, log), "baseline")
                .step(new MarkerStep("backup", dir, PlatformState.UNDEPLOYED, log))
                .build();
        assertThat(plan.steps()).extracting(MigrationStep::id)
                .containsExactly("baseline", "folders", "db", "backup", "verify-after");
    }

    @Test
    void builderIsImmutable() {
        MigrationPlan.Builder one = base().step(new MarkerStep("a", dir));
        MigrationPlan.Builder two = one.step(new MarkerStep("b", dir));
        assertThat(one.build().steps()).extracting(MigrationStep::id).containsExactly("a");
        assertThat(two.build().steps()).extracting(MigrationStep::id).containsExactly("a", "b");
    }
}
