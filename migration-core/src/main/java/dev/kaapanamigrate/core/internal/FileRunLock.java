package dev.kaapanamigrate.core.internal;

import dev.kaapanamigrate.core.ConcurrentRunException;
import dev.kaapanamigrate.core.ErrorCode;
import dev.kaapanamigrate.core.LockHolder;
import dev.kaapanamigrate.core.MigrationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run lock as a file holding its holder (JSON) and an operating-system lock on that file. The OS
 * releases the lock when the holding process dies, however it dies; a lock file with content but no OS
 * lock was therefore left by a dead run and is taken over (reported as stale). The file is emptied, not
 * deleted, on release: deleting it would let two processes lock two different files of the same name.
 */
public final class FileRunLock implements RunLock {

    private static final Logger LOG = LoggerFactory.getLogger(FileRunLock.class);

    /**
     * Locks held by this JVM. POSIX locks belong to the process, and closing any channel on the file
     * releases them, so a second attempt from the same JVM must be refused before it opens the file.
     */
    private static final Map<Path, LockHolder> HELD_IN_THIS_JVM = new ConcurrentHashMap<>();

    private final Path file;
    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    private final LockHolder stale;

    private FileRunLock(Path file, Path key, FileChannel channel, FileLock lock, LockHolder stale) {
        this.file = file;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.stale = stale;
    }

    /**
     * Takes the lock or refuses with the holder's details.
     *
     * @param file the lock file
     * @param me   who takes it
     * @return the held lock
     * @throws ConcurrentRunException when another run holds it
     */
    public static FileRunLock acquire(Path file, LockHolder me) {
        Path key = file.toAbsolutePath().normalize();
        LockHolder sameJvm = HELD_IN_THIS_JVM.putIfAbsent(key, me);
        if (sameJvm != null) {
            throw new ConcurrentRunException(file, sameJvm);
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(key.getParent());
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                LockHolder holder = readHolder(channel);
                channel.close();
                HELD_IN_THIS_JVM.remove(key);
                throw new ConcurrentRunException(file, holder);
            }
            LockHolder stale = readHolder(channel);
            if (stale != null) {
                LOG.warn("Taking over the lock {} left by a run that is gone: {}", file, stale.describe());
            }
            byte[] content = Json.mapper().writeValueAsBytes(me);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(content), 0);
            channel.force(true);
            return new FileRunLock(file, key, channel, lock, stale);
        } catch (IOException e) {
            HELD_IN_THIS_JVM.remove(key);
            closeQuietly(channel);
            throw new MigrationException(ErrorCode.JOURNAL_IO, "Cannot take the lock " + file + ": " + e
                    + ". Make the state directory writable.", e);
        } catch (RuntimeException e) {
            HELD_IN_THIS_JVM.remove(key, me);
            throw e;
        }
    }

    /**
     * Reads who holds a lock file, without locking it.
     *
     * @param file the lock file
     * @return the holder named in the file, or empty when it is absent, empty or unreadable
     */
    public static Optional<LockHolder> peek(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return Optional.ofNullable(parse(bytes));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static LockHolder readHolder(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0 || size > 64 * 1024) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // keep reading
        }
        return parse(buffer.array());
    }

    private static LockHolder parse(byte[] bytes) {
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        try {
            return Json.mapper().readValue(bytes, LockHolder.class);
        } catch (IOException e) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing more to do
            }
        }
    }

    @Override
    public Optional<LockHolder> staleHolder() {
        return Optional.ofNullable(stale);
    }

    @Override
    public void close() {
        try {
            channel.truncate(0);
            channel.force(true);
            lock.release();
        } catch (IOException e) {
            LOG.warn("Releasing the lock {} failed: {}", file, e.toString());
        } finally {
            closeQuietly(channel);
            HELD_IN_THIS_JVM.remove(key);
        }
    }
}
