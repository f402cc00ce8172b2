package dev.kaapanamigrate.opensearch;

import dev.kaapanamigrate.domain.KaapanaNames;
import dev.kaapanamigrate.domain.Project;
import dev.kaapanamigrate.domain.ProjectList;
import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.Manifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.opensearch.client.opensearch.OpenSearchClient;

/** Test helpers for documents and project lists. */
final class Documents {

    private Documents() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> get(OpenSearchClient client, String index, String id) throws IOException {
        return client.get(g -> g.index(index).id(id), Map.class).source();
    }

    static void put(OpenSearchClient client, String index, String id, Map<String, Object> doc) throws IOException {
        client.index(i -> i.index(index).id(id).document(doc));
    }

    static List<String> ids(OpenSearchClient client, String index) throws IOException {
        List<String> ids = new ArrayList<>();
        client.search(s -> s.index(index).size(100).source(src -> src.fetch(false)), Void.class).hits().hits()
                .forEach(h -> ids.add(h.id()));
        ids.sort(null);
        return ids;
    }

    /** The project list a migration would share: the manifest's projects with UUIDs derived from their ids. */
    static ProjectList projects(Manifest manifest) {
        List<Project> out = new ArrayList<>();
        for (InstallationModel.Project p : manifest.projects()) {
            out.add(new Project(p.id(), uuid(p.id()), p.name(), p.bucket(), p.index(), p.namespace()));
        }
        return new ProjectList(out, 1);
    }

    static UUID uuid(int oldId) {
        return UUID.nameUUIDFromBytes(("project-" + oldId).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static String index(String name) {
        return KaapanaNames.indexOf(name);
    }
}
