package dev.kaapanamigrate.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogueTest {

    @Test
    void differencesNameWhatIsMissingAndWhatIsUnexpected() {
        Catalogue expected = Catalogue.parse("# header\ncolumn a #1 id integer\ntable a r\n\n");
        Catalogue actual = new Catalogue(List.of("table a r", "column a #1 id bigint"));

        assertThat(actual.differencesFrom(expected))
                .containsExactly("missing column a #1 id integer", "unexpected column a #1 id bigint");
        assertThat(expected.differencesFrom(expected)).isEmpty();
    }

    @Test
    void aTableCanBeLeftOutAndTheDescriptionIsShortened() {
        Catalogue c = new Catalogue(List.of("table alembic_version r", "column alembic_version #1 version_num text",
                "table job r"));

        assertThat(c.without(Catalogue.ALEMBIC_TABLE).lines()).containsExactly("table job r");
        assertThat(c.hasTable("alembic_version")).isTrue();
        assertThat(Catalogue.describe(List.of("a", "b", "c"), 2)).isEqualTo("a; b; and 1 more");
        assertThat(Catalogue.describe(List.of(), 2)).isEqualTo("none");
    }

    @Test
    void theShippedDescriptionsAreThere() {
        for (String version : List.of("0.4.2", "0.5.2")) {
            for (String db : List.of("aii", "dwf", "backend")) {
                assertThat(Catalogue.expected(version, db).lines()).as(version + "-" + db).isNotEmpty();
            }
        }
        assertThat(Catalogue.expected("0.4.2", "backend").hasTable(Catalogue.ALEMBIC_TABLE)).isFalse();
        assertThat(Catalogue.expected("0.5.2", "aii").lines()).contains("constraint admin_project admin_project_pkey "
                + "PRIMARY KEY (id, project_id)");
    }
}
