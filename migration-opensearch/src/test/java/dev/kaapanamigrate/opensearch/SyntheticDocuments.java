package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.testkit.internal.Digest;
import dev.kaapanamigrate.testkit.internal.SourceHash;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;

/** Many Kaapana-like metadata documents for the large inventory tests, with the expected content digest. */
final class SyntheticDocuments {

    private SyntheticDocuments() {
    }

    static String id(int i) {
        return "1.2.826.0.1.3680043.8.498." + (1_000_000_000L + (i * 7919L) % 1_000_000_007L) + "." + i;
    }

    static Map<String, Object> document(int i) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("0020000E SeriesInstanceUID_keyword", id(i));
        d.put("0020000D StudyInstanceUID_keyword", "1.2.826.0.1.3680043.8.498.7." + (i / 4));
        d.put("00100020 PatientID_keyword", "P" + (i % 5000));
        d.put("00080060 Modality_keyword", i % 3 == 0 ? "MR" : "CT");
        d.put("00080020 StudyDate_date", "2023-0" + (1 + i % 9) + "-1" + (i % 10));
        d.put("00101010 PatientAge_integer", 20 + i % 60);
        d.put("00180050 SliceThickness_float", 0.5 + (i % 8) * 0.25);
        d.put("00120020 ClinicalTrialProtocolID_keyword", "admin");
        d.put("00000000 Timestamp_datetime", "2024-02-01 08:00:00.000000");
        d.put("00000000 Tags_keyword", i % 5 == 0 ? List.of("reviewed", "t" + (i % 7)) : List.of());
        d.put("00000000 PredictedBodypart_keyword", "N/A");
        return d;
    }

    /** Indexes documents 0..n-1 into an index (4 shards) and returns the expected count and content digest. */
    static Digest load(OpenSearchClient client, String index, int n) throws Exception {
        client.indices().create(c -> c.index(index).settings(s -> s.numberOfShards(4).numberOfReplicas(0)
                .refreshInterval(t -> t.time("-1"))));
        Digest expected = new Digest();
        List<BulkOperation> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> doc = document(i);
            String id = id(i);
            expected.add(List.of(id, SourceHash.hex(doc)));
            batch.add(BulkOperation.of(o -> o.index(x -> x.index(index).id(id).document(doc))));
            if (batch.size() == 5000 || i == n - 1) {
                bulk(client, batch);
                batch.clear();
            }
        }
        client.indices().refresh(r -> r.index(index));
        return expected;
    }

    /**
     * One bulk request, sent again (it indexes by id, so a repeat changes nothing) while the node pushes back with 429
     * (indexing pressure of the embedded node under a large load), at most 10 times with a growing pause.
     */
    private static void bulk(OpenSearchClient client, List<BulkOperation> batch) throws Exception {
        for (int attempt = 1; ; attempt++) {
            boolean refused;
            try {
                refused = client.bulk(BulkRequest.of(b -> b.operations(batch))).errors();
            } catch (Exception e) {
                if (attempt == 10 || e.getMessage() == null || !e.getMessage().contains("429")) {
                    throw e;
                }
                refused = true;
            }
            if (!refused) {
                return;
            }
            if (attempt == 10) {
                throw new IllegalStateException("bulk refused documents");
            }
            Thread.sleep(500L * attempt);
        }
    }
}
