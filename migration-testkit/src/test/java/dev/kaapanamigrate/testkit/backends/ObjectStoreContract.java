package dev.kaapanamigrate.testkit.backends;

import io.minio.BucketExistsArgs;
import io.minio.CopyObjectArgs;
import io.minio.GetBucketPolicyArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.SetBucketPolicyArgs;
import io.minio.SourceObject;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.MinioException;
import io.minio.messages.DeleteRequest;
import io.minio.messages.DeleteResult;
import io.minio.messages.Item;
import io.minio.messages.ListAllMyBucketsResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What every {@link ObjectStore} kind must do for the migration's MinIO steps. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ObjectStoreContract {

    private static final AtomicInteger BUCKETS = new AtomicInteger();

    protected ObjectStore store;
    protected MinioClient s3;

    /** Access key and secret key of the stores under test; distinct, so toString checks mean something. */
    protected static final String ACCESS_KEY = "kaapana-it";
    protected static final String SECRET_KEY = "Sup3r-Secret-For-Tests";

    /** Starts the store under test with {@link #ACCESS_KEY} and {@link #SECRET_KEY}. */
    protected abstract ObjectStore start();

    @BeforeAll
    void startStore() {
        store = start();
        s3 = store.client();
    }

    @AfterAll
    void stopStore() {
        if (store != null) {
            store.close();
        }
    }

    protected String newBucket() throws MinioException {
        String bucket = "project-t" + BUCKETS.incrementAndGet();
        s3.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        return bucket;
    }

    @Test
    void makesBuckets() throws MinioException {
        String bucket = newBucket();

        assertThat(s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())).isTrue();
        assertThat(s3.bucketExists(BucketExistsArgs.builder().bucket("no-such-bucket").build())).isFalse();
        assertThat(s3.listBuckets()).extracting(ListAllMyBucketsResult.Bucket::name).contains(bucket);
        assertThat(store.endpoint()).startsWith("http://").doesNotEndWith("/");
    }

    @Test
    void putsStatsAndGetsASmallObject() throws Exception {
        String bucket = newBucket();
        byte[] png = "not really a PNG thumbnail".getBytes(StandardCharsets.UTF_8);

        ObjectWriteResponse put = s3.putObject(PutObjectArgs.builder().bucket(bucket)
                .object("thumbnails/1.2.3.png").data(png, png.length).contentType("image/png")
                .userMetadata(Map.of("origin", "kaapana")).build());
        StatObjectResponse stat = s3.statObject(StatObjectArgs.builder().bucket(bucket)
                .object("thumbnails/1.2.3.png").build());

        String md5 = hex("MD5", png);
        assertThat(ObjectStore.normalizeEtag(put.etag())).isEqualTo(md5);
        assertThat(ObjectStore.normalizeEtag(stat.etag())).isEqualTo(md5);
        assertThat(stat.size()).isEqualTo(png.length);
        assertThat(stat.contentType()).isEqualTo("image/png");
        // s3proxy canonicalises user-metadata keys (Origin); compare case-insensitively.
        assertThat(stat.userMetadata().toString().toLowerCase()).contains("origin").contains("kaapana");
        assertThat(get(bucket, "thumbnails/1.2.3.png")).isEqualTo(png);
    }

    @Test
    void putsAnObjectOfUnknownSizeAsMultipart() throws Exception {
        String bucket = newBucket();
        long partSize = 5L * 1024 * 1024;
        byte[] data = new byte[(int) (2 * partSize + 1234)];
        new Random(42).nextBytes(data);

        ObjectWriteResponse put = s3.putObject(PutObjectArgs.builder().bucket(bucket).object("uploads/big.bin")
                .stream(new ByteArrayInputStream(data), -1L, partSize).build());
        StatObjectResponse stat = s3.statObject(StatObjectArgs.builder().bucket(bucket)
                .object("uploads/big.bin").build());

        assertThat(stat.size()).isEqualTo(data.length);
        // a multipart ETag: md5 of the part md5s, a dash, the part count
        assertThat(ObjectStore.normalizeEtag(stat.etag())).endsWith("-3");
        assertThat(ObjectStore.normalizeEtag(put.etag())).isEqualTo(ObjectStore.normalizeEtag(stat.etag()));
        assertThat(hex("SHA-256", get(bucket, "uploads/big.bin"))).isEqualTo(hex("SHA-256", data));
    }

    @Test
    void listsTwoThousandObjectsRecursivelyInPages() throws Exception {
        String bucket = newBucket();
        TreeSet<String> expected = new TreeSet<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                String name = String.format("series/%d/%05d.dcm", i % 10, i);
                byte[] b = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
                expected.add(name);
                puts.add(pool.submit(() -> s3.putObject(PutObjectArgs.builder().bucket(bucket).object(name)
                        .data(b, b.length).build())));
            }
            for (Future<?> f : puts) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        List<String> listed = new ArrayList<>();
        long bytes = 0;
        for (Result<Item> r : s3.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true)
                .maxKeys(300).build())) {
            Item item = r.get();
            listed.add(item.objectName());
            bytes += item.size();
        }
        List<String> prefixes = new ArrayList<>();
        for (Result<Item> r : s3.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix("series/")
                .delimiter("/").build())) {
            Item item = r.get();
            assertThat(item.isDir()).as("delimited listing returns only prefixes here").isTrue();
            prefixes.add(item.objectName());
        }

        assertThat(listed).hasSize(2000).containsExactlyElementsOf(expected);   // in key order, no duplicates
        assertThat(bytes).isEqualTo(expected.stream().mapToLong(n -> Integer.toString(
                Integer.parseInt(n.substring(n.lastIndexOf('/') + 1, n.length() - 4))).length()).sum());
        assertThat(prefixes).containsExactly("series/0/", "series/1/", "series/2/", "series/3/", "series/4/",
                "series/5/", "series/6/", "series/7/", "series/8/", "series/9/");
    }

    @Test
    void copiesServerSide() throws Exception {
        String source = newBucket();
        String target = newBucket();
        byte[] data = "thumbnail of the phantom CT".getBytes(StandardCharsets.UTF_8);
        s3.putObject(PutObjectArgs.builder().bucket(source).object("thumbnails/a.png").data(data, data.length)
                .build());

        ObjectWriteResponse copy = s3.copyObject(CopyObjectArgs.builder().bucket(target).object("thumbnails/a.png")
                .source(SourceObject.builder().bucket(source).object("thumbnails/a.png").build()).build());

        assertThat(get(target, "thumbnails/a.png")).isEqualTo(data);
        assertThat(ObjectStore.normalizeEtag(copy.etag())).isEqualTo(hex("MD5", data));
        assertThat(get(source, "thumbnails/a.png")).isEqualTo(data);
    }

    @Test
    void removesObjectsOnlyWhenTheLazyResultIsIterated() throws Exception {
        String bucket = newBucket();
        List<DeleteRequest.Object> toDelete = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] b = {(byte) i};
            s3.putObject(PutObjectArgs.builder().bucket(bucket).object("o" + i).data(b, 1).build());
            toDelete.add(new DeleteRequest.Object("o" + i));
        }

        Iterable<Result<DeleteResult.Error>> notIterated = s3.removeObjects(RemoveObjectsArgs.builder()
                .bucket(bucket).objects(toDelete).build());
        assertThat(notIterated).isNotNull();
        assertThat(count(bucket)).as("removeObjects is lazy: nothing is deleted before iterating").isEqualTo(50);

        List<String> errors = new ArrayList<>();
        for (Result<DeleteResult.Error> r : s3.removeObjects(RemoveObjectsArgs.builder().bucket(bucket)
                .objects(toDelete).build())) {
            DeleteResult.Error e = r.get();
            errors.add(e.objectName() + ": " + e.message());
        }
        assertThat(errors).isEmpty();
        assertThat(count(bucket)).isZero();
    }

    @Test
    void storesKaapanaProjectBucketPolicies() throws Exception {
        assumeTrue(store.supportsPolicies(), ObjectStore.POLICIES_UNSUPPORTED);
        String bucket = newBucket();
        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"*\"]},"
                + "\"Action\":[\"s3:GetObject\"],\"Resource\":[\"arn:aws:s3:::" + bucket + "/*\"]}]}";

        s3.setBucketPolicy(SetBucketPolicyArgs.builder().bucket(bucket).config(policy).build());

        assertThat(s3.getBucketPolicy(GetBucketPolicyArgs.builder().bucket(bucket).build()))
                .contains("s3:GetObject").contains(bucket);
    }

    @Test
    void toStringHidesTheSecretKey() {
        assertThat(store.toString()).contains(store.endpoint()).doesNotContain(store.secretKey());
    }

    protected byte[] get(String bucket, String object) throws MinioException, IOException {
        try (GetObjectResponse in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(object).build())) {
            return in.readAllBytes();
        }
    }

    protected int count(String bucket) throws MinioException {
        int n = 0;
        for (Result<Item> r : s3.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
            r.get();
            n++;
        }
        return n;
    }

    protected static String hex(String algorithm, byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }
}
