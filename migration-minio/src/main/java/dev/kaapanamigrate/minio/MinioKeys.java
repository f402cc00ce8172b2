package dev.kaapanamigrate.minio;

import dev.kaapanamigrate.core.ContextKey;

/**
 * The context keys of the MinIO steps. A caller that runs the steps in separate plans gives an earlier plan's values
 * with {@code MigrationPlan.Builder.contextValue(key, value)} (the listing files they name must still exist).
 */
public final class MinioKeys {

    /** The inventory {@code minio.baseline} took while 0.4 ran. */
    public static final ContextKey<ObjectInventory> BASELINE = ContextKey.of("minio.baseline", ObjectInventory.class);
    /** The walk of the data folder {@code minio.offline-baseline} took while the platform was undeployed. */
    public static final ContextKey<OfflineInventory> OFFLINE_BASELINE = ContextKey.of("minio.offline-baseline",
            OfflineInventory.class);
    /** The inventory {@code minio.verify} took once 0.5 ran. */
    public static final ContextKey<ObjectInventory> TARGET = ContextKey.of("minio.target", ObjectInventory.class);
    /** The thumbnails per project bucket {@code minio.verify} found once 0.5 ran. */
    public static final ContextKey<ThumbnailKeys> THUMBNAILS = ContextKey.of("minio.thumbnails", ThumbnailKeys.class);

    /** The buckets and UUID-named policies per project {@code minio.check-policies} found once 0.5 ran. */
    public static final ContextKey<ProjectBuckets> PROJECT_BUCKETS = ContextKey.of("minio.project-buckets",
            ProjectBuckets.class);

    private MinioKeys() {
    }
}
