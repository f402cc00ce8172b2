package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.Manifest;
import dev.kaapanamigrate.testkit.InstallationModel.Project;
import dev.kaapanamigrate.testkit.InstallationModel.Series;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

/**
 * Fills OpenSearch as a 0.4.2 installation has it: the index template {@code project_} (as meta-init
 * registers it), the empty {@code project_init} index, one index per project, and one metadata document per
 * series (id = SeriesInstanceUID) in its project's index and in {@code project_admin}, with Kaapana's field
 * naming ({@code "<tag> <Keyword>_<type>"}).
 */
public final class SearchLoader {

    private static final int BATCH = 1000;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE;

    /** The index template of 0.4.2's meta-init (settings and dynamic templates). */
    static final String TEMPLATE = """
            {"index_patterns": ["project_*"], "priority": 0, "composed_of": [], "_meta": {"flow": "simple"},
             "template": {
              "settings": {"index.mapping.total_fields.limit": "6000", "index.number_of_shards": "4",
                           "index.number_of_replicas": "0", "index.max_docvalue_fields_search": "150"},
              "mappings": {"dynamic": "true", "numeric_detection": false, "date_detection": false, "properties": {},
               "dynamic_templates": [
                {"check_integer": {"match_pattern": "regex", "match": "^.*_integer.*$", "mapping": {"type": "long"}}},
                {"check_float": {"match_pattern": "regex", "match": "^.*_float.*$", "mapping": {"type": "float"}}},
                {"check_double": {"match_pattern": "regex", "match": "^.*_double.*$", "mapping": {"type": "double"}}},
                {"check_datetime": {"match_pattern": "regex", "match": "^.*_datetime.*$",
                  "mapping": {"type": "date", "format": "yyyy-MM-dd HH:mm:ss.SSSSSS"}}},
                {"check_date": {"match_pattern": "regex", "match": "^.*_date.*$", "mapping": {"type": "date", "format": "yyyy-MM-dd"}}},
                {"check_time": {"match_pattern": "regex", "match": "^.*_time.*$", "mapping": {"type": "date", "format": "HH:mm:ss.SSSSSS"}}},
                {"check_timestamp": {"match_pattern": "regex", "match": "^.*timestamp.*$",
                  "mapping": {"type": "date", "format": "yyyy-MM-dd HH:mm:ss.SSSSSS"}}},
                {"check_object": {"match_pattern": "regex", "match": "^.*_object.*$", "mapping": {"type": "object"}}},
                {"check_boolean": {"match_pattern": "regex", "match": "^.*_boolean.*$", "mapping": {"type": "boolean"}}}
               ]}}}
            """;

    private final InstallationModel model;

    /**
     * Creates a loader.
     *
     * @param model the data
     */
    public SearchLoader(InstallationModel model) {
        this.model = model;
    }

    /**
     * The indices the installation has.
     *
     * @return index names
     */
    public List<String> indices() {
        List<String> indices = new ArrayList<>();
        indices.add("project_init");
        model.projects().forEach(p -> indices.add(p.index()));
        return indices;
    }

    /**
     * Registers the template, creates the indices and indexes the documents.
     *
     * @param client the client
     * @return per index, documents and the digest of (id, {@link SourceHash} of the document sent)
     * @throws Exception when OpenSearch refuses
     */
    public Map<String, Manifest.Content> load(OpenSearchClient client) throws Exception {
        // Sent as meta-init sends it: the JSON body as written, through the generic client.
        try (Response response = client.generic().execute(Requests.builder().method("PUT")
                .endpoint("/_index_template/project_").json(TEMPLATE).build())) {
            if (response.getStatus() >= 300) {
                throw new IllegalStateException("OpenSearch refused the index template project_: HTTP "
                        + response.getStatus() + " " + response.getReason());
            }
        }
        Map<String, Digest> contents = new TreeMap<>();
        List<Callable<?>> creations = new ArrayList<>();
        for (String index : indices()) {
            creations.add(() -> client.indices().create(c -> c.index(index)));
            contents.put(index, new Digest());
        }
        // Created side by side: each creation waits for its shard to start, which the node does for all at once.
        Parallel.runAll(8, creations);
        List<BulkOperation> batch = new ArrayList<>(BATCH * 2);
        for (int i = 0; i < model.spec().series(); i++) {
            Series s = model.series(i);
            Map<String, Object> doc = document(s);
            Project own = model.project(s.projectId());
            String hash = SourceHash.hex(doc);
            batch.add(index(own.index(), s.uid(), doc));
            contents.get(own.index()).add(List.of(s.uid(), hash));
            if (own.id() != 1) {
                batch.add(index(model.project(1).index(), s.uid(), doc));
                contents.get(model.project(1).index()).add(List.of(s.uid(), hash));
            }
            if (batch.size() >= BATCH) {
                flush(client, batch);
            }
        }
        flush(client, batch);
        client.indices().refresh(r -> r.index("project_*"));
        Map<String, Manifest.Content> out = new TreeMap<>();
        contents.forEach((index, digest) -> out.put(index, digest.content()));
        return out;
    }

    private static BulkOperation index(String index, String id, Map<String, Object> doc) {
        return BulkOperation.of(o -> o.index(x -> x.index(index).id(id).document(doc)));
    }

    private static void flush(OpenSearchClient client, List<BulkOperation> batch) throws Exception {
        if (batch.isEmpty()) {
            return;
        }
        BulkResponse response = client.bulk(BulkRequest.of(b -> b.operations(batch)));
        if (response.errors()) {
            String first = response.items().stream().filter(item -> item.error() != null)
                    .map(item -> item.id() + ": " + item.error().reason()).findFirst().orElse("?");
            throw new IllegalStateException("OpenSearch refused documents of the generated installation, first: " + first);
        }
        batch.clear();
    }

    /** The metadata document of a series, as 0.4.2's LocalDcm2Json and LocalJson2Meta operators write it. */
    Map<String, Object> document(Series s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("0020000E SeriesInstanceUID_keyword", s.uid());
        d.put("0020000D StudyInstanceUID_keyword", s.studyUid());
        d.put("00100020 PatientID_keyword", s.patientId());
        d.put("00100010 PatientName_keyword_alphabetic", "Anonymous^" + s.patientId());
        d.put("00080060 Modality_keyword", s.modality());
        d.put("00080020 StudyDate_date", DATE.format(s.studyDate()));
        d.put("00080030 StudyTime_time", "10:3" + (s.index() % 10) + ":00.000000");
        d.put("00101010 PatientAge_integer", 20 + s.index() % 60);
        d.put("00180050 SliceThickness_float", 1.25);
        d.put("00120020 ClinicalTrialProtocolID_keyword", model.project(s.projectId()).name());
        d.put("00120010 ClinicalTrialSponsorName_keyword", s.datasets().get(0));
        d.put("00000000 CuratedModality_keyword", s.modality());
        d.put("00000000 Timestamp_datetime", DATE.format(s.studyDate()) + " 10:30:00.000000");
        d.put("00000000 TimestampArrived_datetime", "2024-02-01 08:00:00.000000");
        d.put("00000000 TimestampArrived_date", "2024-02-01");
        d.put("00000000 DayOfWeek_integer", s.studyDate().getDayOfWeek().getValue() - 1);
        d.put("00000000 Tags_keyword", s.tags());
        d.put("00000000 PredictedBodypart_keyword", "N/A");
        d.put("predicted_bodypart_string", "N/A");
        if (s.modality().equals("SEG") || s.modality().equals("RTSTRUCT")) {
            d.put("00000000 AnnotationLabelsList_keyword", List.of("liver", "tumor"));
        }
        if (s.index() % 10 == 3) {
            Map<String, Object> validation = new LinkedHashMap<>(); // insertion order: the same _source every run
            validation.put("errors", 0);
            validation.put("warnings", s.index() % 4);
            d.put("00111001 ValidationResults_object", validation);
        }
        return d;
    }
}
