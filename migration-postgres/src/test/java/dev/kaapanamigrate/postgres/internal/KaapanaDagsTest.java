package dev.kaapanamigrate.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KaapanaDagsTest {

    @Test
    void theShippedDefaultSoftwareListHasUpstreams41IdsAndTheRenamedTargets() {
        assertThat(KaapanaDags.defaultSoftware()).hasSize(41).doesNotHaveDuplicates()
                .contains("validate-dicoms", "project-minio-transfer")
                .containsAll(KaapanaDags.RENAMES.values())
                .doesNotContainAnyElementsOf(KaapanaDags.RENAMES.keySet());
        assertThat(KaapanaDags.in05("import-dicoms-in-zip-to-internal-pacs")).isEqualTo("import-dicoms-from-data-upload");
        assertThat(KaapanaDags.in05("convert-nifitis-to-dicoms-and-import-to-pacs")).isEqualTo("import-niftis-from-data-upload");
        assertThat(KaapanaDags.in05("my-dag")).isEqualTo("my-dag");
    }
}
