package dev.kaapanamigrate.testkit.backends;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.mapping.DynamicMapping;
import org.opensearch.client.opensearch._types.mapping.DynamicTemplate;
import org.opensearch.client.opensearch._types.mapping.MatchType;
import org.opensearch.client.opensearch._types.mapping.Property;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.core.search.Pit;
import org.opensearch.client.opensearch.indices.IndexSettings;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link SearchNode} kind must do for the migration's OpenSearch steps. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SearchNodeContract {

    protected static final int DOCS = 1000;

    protected SearchNode node;
    protected OpenSearchClient os;

    /** Starts the node under test. */
    protected abstract SearchNode start();

    @BeforeAll
    void startNode() throws IOException {
        node = start();
        os = node.client();
        putProjectTemplate();
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    /** A reduced copy of Kaapana's meta-init template {@code project_} (see upstream-data/README.md). */
    private void putProjectTemplate() throws IOException {
        Map<String, DynamicTemplate> integer = Map.of("check_integer", DynamicTemplate.of(d -> d
                .matchPattern(MatchType.Regex).match("^.*_integer.*$").mapping(m -> m.long_(l -> l))));
        Map<String, DynamicTemplate> floats = Map.of("check_float", DynamicTemplate.of(d -> d
                .matchPattern(MatchType.Regex).match("^.*_float.*$").mapping(m -> m.float_(f -> f))));
        Map<String, DynamicTemplate> datetime = Map.of("check_datetime", DynamicTemplate.of(d -> d
                .matchPattern(MatchType.Regex).match("^.*_datetime.*$")
                .mapping(m -> m.date(dt -> dt.format("yyyy-MM-dd HH:mm:ss.SSSSSS")))));
        boolean ack = os.indices().putIndexTemplate(t -> t
                .name("project_")
                .indexPatterns("project_*")
                .priority(0)
                .template(tm -> tm
                        .settings(s -> s.numberOfShards(4).numberOfReplicas(0))
                        .mappings(m -> m.dynamic(DynamicMapping.True).numericDetection(false).dateDetection(false)
                                .dynamicTemplates(List.of(integer, floats, datetime)))))
                .acknowledged();
        assertThat(ack).isTrue();
    }

    protected void createAndFill(String index) throws IOException {
        assertThat(os.indices().create(c -> c.index(index)).acknowledged()).isTrue();
        BulkRequest.Builder bulk = new BulkRequest.Builder().index(index).refresh(Refresh.True);
        for (int i = 0; i < DOCS; i++) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("0020000E SeriesInstanceUID_keyword", "1.2.826.0.1." + i);
            doc.put("00101010 PatientAge_integer", String.valueOf(20 + i % 60));   // a string, mapped to long
            doc.put("00280030 PixelSpacing_float", List.of(0.5, 0.5));
            doc.put("00000000 Timestamp_datetime", "2024-03-01 12:00:00.000000");
            doc.put("00120020 ClinicalTrialProtocolID_keyword", "admin");
            doc.put("seq_integer", i);
            String id = "1.2.826.0.1." + i;
            bulk.operations(op -> op.index(ix -> ix.id(id).document(doc)));
        }
        BulkResponse response = os.bulk(bulk.build());
        assertThat(response.errors()).as("bulk errors").isFalse();
        assertThat(response.items()).hasSize(DOCS);
    }

    @Test
    void projectIndexGetsTheTemplatesSettingsAndDynamicMappings() throws IOException {
        createAndFill("project_admin");

        IndexSettings settings = os.indices().getSettings(g -> g.index("project_admin")).result()
                .get("project_admin").settings();
        IndexSettings index = settings.index() != null ? settings.index() : settings;
        assertThat(index.numberOfShards()).isEqualTo(4);
        assertThat(index.numberOfReplicas()).isEqualTo(0);

        Map<String, Property> props = os.indices().getMapping(g -> g.index("project_admin")).result()
                .get("project_admin").mappings().properties();
        assertThat(props.get("00101010 PatientAge_integer").isLong()).isTrue();
        assertThat(props.get("seq_integer").isLong()).isTrue();
        assertThat(props.get("00280030 PixelSpacing_float").isFloat()).isTrue();
        assertThat(props.get("00000000 Timestamp_datetime").isDate()).isTrue();
        Property keyword = props.get("0020000E SeriesInstanceUID_keyword");
        assertThat(keyword.isText()).as("no template matches _keyword: default text + .keyword").isTrue();
        assertThat(keyword.text().fields()).containsKey("keyword");

        assertThat(os.count(c -> c.index("project_admin")).count()).isEqualTo(DOCS);
        long atLeast70 = os.count(c -> c.index("project_admin").query(q -> q.range(r -> r
                .field("00101010 PatientAge_integer").gte(JsonData.of(70))))).count();
        assertThat(atLeast70).as("ages sent as strings are stored as numbers").isEqualTo(countAgesAtLeast(70));
    }

    private static long countAgesAtLeast(int age) {
        long n = 0;
        for (int i = 0; i < DOCS; i++) {
            if (20 + i % 60 >= age) {
                n++;
            }
        }
        return n;
    }

    @Test
    void pagesOverAllDocumentsWithAPointInTimeAndSearchAfter() throws IOException {
        createAndFill("project_pit");
        String pit = os.createPit(p -> p.index("project_pit").keepAlive(t -> t.time("1m"))).pitId();
        Set<String> ids = new HashSet<>();
        List<Long> seqs = new ArrayList<>();
        List<FieldValue> after = null;
        int pages = 0;
        try {
            while (true) {
                List<FieldValue> searchAfter = after;
                SearchResponse<ObjectNode> page = os.search(s -> {
                    s.pit(Pit.of(p -> p.id(pit).keepAlive("1m"))).size(300)
                            .sort(so -> so.field(f -> f.field("seq_integer").order(SortOrder.Asc)));
                    if (searchAfter != null) {
                        s.searchAfter(searchAfter);
                    }
                    return s;
                }, ObjectNode.class);
                List<Hit<ObjectNode>> hits = page.hits().hits();
                if (hits.isEmpty()) {
                    break;
                }
                pages++;
                for (Hit<ObjectNode> hit : hits) {
                    ids.add(hit.id());
                    seqs.add(hit.source().get("seq_integer").asLong());
                }
                after = hits.get(hits.size() - 1).sort();
            }
        } finally {
            os.deletePit(d -> d.pitId(pit));
        }

        assertThat(pages).isEqualTo(4);
        assertThat(ids).hasSize(DOCS).contains("1.2.826.0.1.0", "1.2.826.0.1.999");
        assertThat(seqs).isSorted().hasSize(DOCS).first().isEqualTo(0L);
    }

    @Test
    void pagesOverAllDocumentsWithAScroll() throws IOException {
        createAndFill("project_scroll");
        Set<String> ids = new HashSet<>();
        SearchResponse<ObjectNode> page = os.search(s -> s.index("project_scroll").size(250)
                .scroll(t -> t.time("1m")), ObjectNode.class);
        String scrollId = page.scrollId();
        int pages = 0;
        try {
            while (!page.hits().hits().isEmpty()) {
                pages++;
                page.hits().hits().forEach(h -> ids.add(h.id()));
                String current = page.scrollId();
                scrollId = current;
                page = os.scroll(s -> s.scrollId(current).scroll(t -> t.time("1m")), ObjectNode.class);
            }
        } finally {
            String last = page.scrollId() != null ? page.scrollId() : scrollId;
            os.clearScroll(c -> c.scrollId(last));
        }

        assertThat(pages).isEqualTo(4);
        assertThat(ids).hasSize(DOCS);
    }

    @Test
    void reportsItsAddress() throws IOException {
        assertThat(node.httpUrl()).isEqualTo("http://" + node.host() + ":" + node.port());
        assertThat(os.info().version().number()).isEqualTo("2.18.0");
        assertThat(node.toString()).contains(String.valueOf(node.port()));
    }
}
