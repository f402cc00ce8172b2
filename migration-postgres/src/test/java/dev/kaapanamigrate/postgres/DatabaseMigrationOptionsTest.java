package dev.kaapanamigrate.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kaapanamigrate.postgres.DatabaseMigrationOptions.UnknownProjectMappings;
import org.junit.jupiter.api.Test;

class DatabaseMigrationOptionsTest {

    @Test
    void defaultsFollowThe04RuleAndBlockUnknownProjects() {
        DatabaseMigrationOptions d = DatabaseMigrationOptions.defaults();

        assertThat(d.explicitAdminProject()).isEmpty();
        assertThat(d.unknownProjectMappings()).isEqualTo(UnknownProjectMappings.BLOCK);
    }

    @Test
    void withersReturnNewOptionsAndLeaveTheOriginalAlone() {
        DatabaseMigrationOptions d = DatabaseMigrationOptions.defaults();
        DatabaseMigrationOptions changed = d.withAdminProjectName("administration")
                .withUnknownProjectMappings(UnknownProjectMappings.DROP);

        assertThat(changed.explicitAdminProject()).contains("administration");
        assertThat(changed.unknownProjectMappings()).isEqualTo(UnknownProjectMappings.DROP);
        assertThat(d).isEqualTo(DatabaseMigrationOptions.defaults());
    }

    @Test
    void aBlankAdminNameOrNoPolicyIsRefused() {
        assertThatThrownBy(() -> DatabaseMigrationOptions.defaults().withAdminProjectName(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> DatabaseMigrationOptions.defaults().withUnknownProjectMappings(null))
                .isInstanceOf(NullPointerException.class);
    }
}
