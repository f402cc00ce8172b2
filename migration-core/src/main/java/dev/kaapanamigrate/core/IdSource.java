package dev.kaapanamigrate.core;

import java.util.Random;
import java.util.UUID;

/**
 * Where a plan and its steps take new UUIDs from (run ids, project ids). Tests seed it so that two runs
 * produce the same ids.
 *
 * <pre>{@code
 * MigrationPlan.builder().idSource(IdSource.seeded(42))...
 * }</pre>
 */
@FunctionalInterface
public interface IdSource {

    /**
     * A new id.
     *
     * @return a UUID
     */
    UUID newId();

    /**
     * Random version-4 UUIDs from a secure random source: the default.
     *
     * @return the source
     */
    static IdSource random() {
        return UUID::randomUUID;
    }

    /**
     * Repeatable version-4 UUIDs derived from {@code seed}; thread-safe.
     *
     * @param seed the seed
     * @return the source
     */
    static IdSource seeded(long seed) {
        Random random = new Random(seed);
        return () -> {
            long msb;
            long lsb;
            synchronized (random) {
                msb = random.nextLong();
                lsb = random.nextLong();
            }
            msb = (msb & ~0xF000L) | 0x4000L;              // version 4
            lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
            return new UUID(msb, lsb);
        };
    }
}
