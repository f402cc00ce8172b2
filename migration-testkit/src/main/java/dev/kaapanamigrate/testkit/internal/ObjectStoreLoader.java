package dev.kaapanamigrate.testkit.internal;

import dev.kaapanamigrate.testkit.InstallationModel;
import dev.kaapanamigrate.testkit.InstallationModel.Job;
import dev.kaapanamigrate.testkit.InstallationModel.Project;
import dev.kaapanamigrate.testkit.InstallationModel.Series;
import dev.kaapanamigrate.testkit.Manifest;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fills an S3 store with a 0.4 installation's buckets and objects: project buckets, the global buckets
 * minio-init creates, thumbnails of SEG/RTSTRUCT series (in their project bucket and in project-admin),
 * validation reports and zipped download results, all tied to the model's series and jobs.
 */
public final class ObjectStoreLoader {

    /** Buckets minio-init creates in every install. */
    public static final List<String> GLOBAL_BUCKETS = List.of("cache", "uploads", "staticwebsiteresults", "template-analysis-scripts");
    /** A bucket named after a DAG id, as an operator creates it when it finds no project bucket. */
    public static final String DAG_BUCKET = "download-selected-files";

    private static final int THREADS = 4;

    private final InstallationModel model;
    private final Path minioDir;

    /**
     * Creates a loader that fills the object store only.
     *
     * @param model the data
     */
    public ObjectStoreLoader(InstallationModel model) {
        this(model, null);
    }

    /**
     * Creates a loader that also writes every bucket and object in MinIO's single-drive layout under
     * {@code minioDir} (SLOW_DATA_DIR/minio), as the MinIO of a real installation keeps them.
     *
     * @param model    the data
     * @param minioDir SLOW_DATA_DIR/minio, or {@code null} for none
     */
    public ObjectStoreLoader(InstallationModel model, Path minioDir) {
        this.model = model;
        this.minioDir = minioDir;
    }

    /**
     * The buckets the installation has.
     *
     * @return bucket names
     */
    public List<String> buckets() {
        List<String> buckets = new ArrayList<>();
        model.projects().forEach(p -> buckets.add(p.bucket()));
        buckets.addAll(GLOBAL_BUCKETS);
        buckets.add(DAG_BUCKET);
        return buckets;
    }

    /**
     * Creates the buckets and uploads the objects.
     *
     * @param client the client
     * @return per bucket: objects and the digest of (key, size, ETag) that a listing gives, computed while
     *         uploading (listing a large bucket of the embedded store is slow)
     * @throws Exception when the store refuses
     */
    public Map<String, Manifest.Content> load(MinioClient client) throws Exception {
        Map<String, Digest> digests = new ConcurrentHashMap<>();
        XlSingleLayout layout = minioDir == null ? null : new XlSingleLayout(minioDir);
        for (String bucket : buckets()) {
            if (layout != null) {
                layout.bucket(bucket);
            }
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
            digests.put(bucket, new Digest());
        }
        Uploads uploads = new Uploads(client, digests, layout);
        try {
            upload(uploads);
            uploads.finish();
        } finally {
            uploads.pool.shutdownNow();
        }
        Map<String, Manifest.Content> contents = new TreeMap<>();
        digests.forEach((bucket, digest) -> contents.put(bucket, digest.content()));
        return contents;
    }

    /**
     * Puts objects on a few threads, with a bound on the puts in flight so memory stays flat however many
     * objects there are; the first failure is rethrown.
     */
    private static final class Uploads {
        private final MinioClient client;
        private final Map<String, Digest> digests;
        private final XlSingleLayout layout;
        private final ExecutorService pool = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "testkit-s3-upload");
            t.setDaemon(true);
            return t;
        });
        private final Semaphore inFlight = new Semaphore(THREADS * 8);
        private final AtomicReference<Exception> failure = new AtomicReference<>();

        Uploads(MinioClient client, Map<String, Digest> digests, XlSingleLayout layout) {
            this.client = client;
            this.digests = digests;
            this.layout = layout;
        }

        void put(String bucket, String key, byte[] data, String contentType) throws Exception {
            rethrow();
            inFlight.acquire();
            pool.execute(() -> {
                try {
                    String etag = ObjectStoreLoader.put(client, digests.get(bucket), bucket, key, data, contentType);
                    if (layout != null) {
                        layout.object(bucket, key, data, etag);
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                } finally {
                    inFlight.release();
                }
            });
        }

        private void rethrow() throws Exception {
            Exception e = failure.get();
            if (e != null) {
                throw e;
            }
        }

        /** Waits for every put; rethrows the first failure. */
        void finish() throws Exception {
            pool.shutdown();
            if (!pool.awaitTermination(1, TimeUnit.HOURS)) {
                throw new IllegalStateException("uploads did not finish within an hour");
            }
            rethrow();
        }
    }

    private void upload(Uploads uploads) throws Exception {
        uploads.put("template-analysis-scripts", "template_analysis.ipynb",
                "{\"cells\": [], \"nbformat\": 4}".getBytes(StandardCharsets.UTF_8), "application/x-ipynb+json");
        Project admin = model.project(1);
        for (int i = 0; i < model.spec().series(); i++) {
            Series s = model.series(i);
            Project project = model.project(s.projectId());
            if (s.modality().equals("SEG") || s.modality().equals("RTSTRUCT")) {
                byte[] png = png(s.uid());
                uploads.put(project.bucket(), "thumbnails/" + s.uid() + ".png", png, "image/png");
                if (project.id() != admin.id()) {
                    uploads.put(admin.bucket(), "thumbnails/" + s.uid() + ".png", png, "image/png");
                }
            }
            if (i % 10 == 3) {
                uploads.put(project.bucket(), "staticwebsiteresults/validate-dicoms/" + s.uid() + "/report.html",
                        ("<html><body>Validation of " + s.uid() + ": ok</body></html>").getBytes(StandardCharsets.UTF_8),
                        "text/html");
            }
        }
        for (int id = 1; id <= model.spec().jobs(); id++) {
            Job j = model.job(id);
            if (j.workflow().dagId().equals("download-selected-files") && j.status().equals("finished")) {
                String bucket = id % 4 == 0 ? DAG_BUCKET : model.project(j.projectId()).bucket();
                uploads.put(bucket, "download-selected-files_" + j.runId() + "_"
                        + j.created().getEpochSecond() + ".zip", zip(j), "application/zip");
            }
        }
    }

    private static String put(MinioClient client, Digest digest, String bucket, String key, byte[] data,
                              String contentType) throws Exception {
        client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(new ByteArrayInputStream(data), (long) data.length, null).contentType(contentType).build());
        // A single-part upload's ETag is the MD5 of its content, in MinIO and s3proxy alike.
        String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        synchronized (digest) {
            digest.add(List.of(key, Long.toString(data.length), etag));
        }
        return etag;
    }

    /** A small, valid-looking PNG: signature plus bytes derived from the series uid. */
    static byte[] png(String uid) {
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
        byte[] body = ("thumbnail of " + uid).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[signature.length + body.length];
        System.arraycopy(signature, 0, out, 0, signature.length);
        System.arraycopy(body, 0, out, signature.length, body.length);
        return out;
    }

    private static byte[] zip(Job j) {
        // A zip's local file header magic and the job's identifiers as content: enough for size and digest checks.
        return ("PK\u0003\u0004" + String.join("\n", j.identifiers())).getBytes(StandardCharsets.ISO_8859_1);
    }
}
