package dev.kaapanamigrate.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class InstallationModelTest {

    private final InstallationModel small = new InstallationModel(InstallationSpec.of(InstallationSize.SMALL));

    @Test
    void sameSpecGivesTheSameData() {
        InstallationModel again = new InstallationModel(InstallationSpec.of(InstallationSize.SMALL));
        for (int i = 0; i < small.spec().series(); i++) {
            assertThat(again.series(i)).isEqualTo(small.series(i));
        }
        for (int id = 1; id <= small.spec().jobs(); id++) {
            assertThat(again.job(id)).isEqualTo(small.job(id));
        }
        assertThat(again.users()).isEqualTo(small.users());
        assertThat(again.backendRevision()).isEqualTo(small.backendRevision()).matches("[0-9a-f]{12}");
        InstallationModel other = new InstallationModel(InstallationSpec.of(InstallationSize.SMALL).withSeed(43));
        assertThat(other.series(5).uid()).isNotEqualTo(small.series(5).uid());
        assertThat(other.backendRevision()).isNotEqualTo(small.backendRevision());
    }

    @Test
    void theInstallationLooksLikeARealOne() {
        assertThat(small.projects().get(0)).isEqualTo(new InstallationModel.Project(1, "admin", "Initial admin project", null));
        assertThat(small.projects().get(1).bucket()).isEqualTo("project-radiology");
        assertThat(small.projects().get(1).index()).isEqualTo("project_radiology");
        assertThat(small.series(0).uid()).isEqualTo("1.3.12.2.1107.5.1.4.73104.30000020081307523376400012735");
        assertThat(small.series(0).datasets()).containsExactly("phantom");
        assertThat(small.datasets()).extracting(InstallationModel.Dataset::name)
                .contains("phantom", "Thorax – Überblick", "膝関節 MRI")
                .allSatisfy(n -> assertThat(n.length()).isLessThanOrEqualTo(64));
        List<InstallationModel.Series> series = IntStream.range(0, small.spec().series()).mapToObj(small::series).toList();
        assertThat(series).extracting(InstallationModel.Series::uid).doesNotHaveDuplicates()
                .allSatisfy(uid -> assertThat(uid).matches("[0-9.]{1,64}"));
        assertThat(series).anySatisfy(s -> assertThat(s.datasets()).hasSize(2));
        assertThat(series).extracting(InstallationModel.Series::projectId).contains(1, 2, 3, 4);
        assertThat(series).extracting(InstallationModel.Series::modality).contains("SEG", "CT", "MR");
        Set<String> dags = new HashSet<>();
        IntStream.range(0, small.spec().workflows()).forEach(i -> dags.add(small.workflow(i).dagId()));
        assertThat(dags).containsAll(InstallationModel.RENAMED_DAGS);
        assertThat(IntStream.rangeClosed(1, small.spec().jobs()).mapToObj(small::job))
                .anySatisfy(j -> assertThat(j.withFormData()).isTrue())
                .anySatisfy(j -> assertThat(j.projectId()).isNotEqualTo(1))
                .anySatisfy(j -> assertThat(InstallationModel.RENAMED_DAGS).contains(j.workflow().dagId()));
        assertThat(small.sites()).extracting(InstallationModel.Site::remote).containsExactly(false, true, true);
    }

    @Test
    void workflowIdsAreUniqueAtScale() {
        InstallationModel medium = new InstallationModel(InstallationSpec.of(InstallationSize.LARGE));
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < medium.spec().workflows(); i++) {
            assertThat(ids.add(medium.workflow(i).workflowId())).isTrue();
        }
    }

    @Test
    void invalidSpecsAreRefusedWithTheFieldName() {
        assertThatThrownBy(() -> InstallationSpec.of(InstallationSize.SMALL).withSeries(0))
                .hasMessageContaining("InstallationSpec.series is 0; expected at least 1");
    }
}
