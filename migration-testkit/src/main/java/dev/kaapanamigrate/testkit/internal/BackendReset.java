package dev.kaapanamigrate.testkit.internal;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.RemoveBucketArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.messages.DeleteResult;
import io.minio.messages.ListAllMyBucketsResult;
import io.minio.messages.DeleteRequest;
import io.minio.messages.Item;
import java.util.ArrayList;
import java.util.List;
import org.opensearch.client.opensearch.OpenSearchClient;

/** Empties shared backends before a test class generates its installation into them. */
public final class BackendReset {

    private BackendReset() {
    }

    /**
     * Removes every bucket with its objects, and every index and index template but the system ones.
     *
     * @param s3     the object store client
     * @param search the search client
     * @throws Exception when a backend refuses
     */
    public static void empty(MinioClient s3, OpenSearchClient search) throws Exception {
        for (ListAllMyBucketsResult.Bucket bucket : s3.listBuckets()) {
            List<DeleteRequest.Object> keys = new ArrayList<>();
            for (Result<Item> item : s3.listObjects(ListObjectsArgs.builder().bucket(bucket.name()).recursive(true).build())) {
                keys.add(new DeleteRequest.Object(item.get().objectName()));
            }
            if (!keys.isEmpty()) {
                for (Result<DeleteResult.Error> error : s3.removeObjects(RemoveObjectsArgs.builder().bucket(bucket.name())
                        .objects(keys).build())) {
                    throw new IllegalStateException("Cannot empty bucket " + bucket.name() + ": " + error.get().message());
                }
            }
            s3.removeBucket(RemoveBucketArgs.builder().bucket(bucket.name()).build());
        }
        List<String> indices = new ArrayList<>();
        search.cat().indices().valueBody().forEach(r -> {
            if (r.index() != null && !r.index().startsWith(".")) {
                indices.add(r.index());
            }
        });
        if (!indices.isEmpty()) {
            search.indices().delete(d -> d.index(indices));
        }
        if (search.indices().existsIndexTemplate(t -> t.name("project_")).value()) {
            search.indices().deleteIndexTemplate(t -> t.name("project_"));
        }
    }
}
