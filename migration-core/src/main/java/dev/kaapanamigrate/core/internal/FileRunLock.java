package dev.kaapanamigrate.core.internal;

import dev.kaapanamigrate.core.ConcurrentRunException;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.LockHolder;
import dev.kaapanamigrate.core.MigrationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run lock as a file holding its holder (JSON) and an operating-system lock on that file. The OS
 * releases the lock when the holding process dies, however it dies; a lock file with content but no OS
 * lock was therefore left by a dead run and is taken over (reported as stale). The file is emptied, not
 * deleted, on release: deleting it would let two processes lock two different files of the same name.
 *
 * <p>POSIX locks belong to the process, and closing <em>any</em> descriptor of a locked file releases them.
 * So within this JVM every lock file is identified by its file key (device and inode, whatever path,
 * symlink or bind mount leads to it) and a second attempt is refused before it opens the file.
 */
public final class FileRunLock implements RunLock {

    private static final Logger LOG = LoggerFactory.getLogger(FileRunLock.class);

    /** Lock files held by this JVM, by file key; guarded by the class monitor. */
    private static final Map<Object, LockHolder> HELD_IN_THIS_JVM = new HashMap<>();

    /** How long a refused run waits for the holder's details to appear in the lock file. */
    private static final Duration HOLDER_WAIT = Duration.ofSeconds(2);

    private final Path file;
    private final Object key;
    private final FileChannel channel;
    private final FileLock lock;
    private final LockHolder stale;

    private FileRunLock(Path file, Object key, FileChannel channel, FileLock lock, LockHolder stale) {
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
        synchronized (FileRunLock.class) {
            FileChannel channel = null;
            try {
                Path dir = file.toAbsolutePath().getParent();
                if (!Files.isDirectory(dir)) {
                    Files.createDirectory(dir); // never its parents: a mistyped path must create nothing
                    DurableFiles.syncDirectory(dir.getParent());
                }
                try {
                    // Safe to create and close: a file that did not exist cannot be locked by this JVM.
                    Files.createFile(file);
                    DurableFiles.syncDirectory(dir);
                } catch (FileAlreadyExistsException e) {
                    // the usual case
                }
                Object key = fileKey(file);
                LockHolder sameJvm = HELD_IN_THIS_JVM.get(key);
                if (sameJvm != null) {
                    throw new ConcurrentRunException(file, sameJvm);
                }
                channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null; // cannot happen given the registry; treat as held
                }
                if (lock == null) {
                    LockHolder holder = awaitHolder(channel);
                    // No lock of this JVM is on this file (registry above), so closing is safe.
                    channel.close();
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
                HELD_IN_THIS_JVM.put(key, me);
                return new FileRunLock(file, key, channel, lock, stale);
            } catch (IOException e) {
                closeQuietly(channel);
                throw new MigrationException(CoreErrorCode.JOURNAL_IO, "Cannot take the lock " + file + ": " + e
                        + ". Make the state directory writable.", e);
            }
        }
    }

    private static Object fileKey(Path file) throws IOException {
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        return key != null ? key : file.toRealPath();
    }

    /**
     * The holder of a lock held by another process. A run writes its details just after it takes the OS lock, so a
     * run refused in between (two runs started together) would read an empty file and could not name the holder:
     * wait briefly for the details.
     */
    private static LockHolder awaitHolder(FileChannel channel) throws IOException {
        LockHolder holder = readHolder(channel);
        long deadline = System.nanoTime() + HOLDER_WAIT.toNanos();
        while (holder == null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            holder = readHolder(channel);
        }
        return holder;
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
        byte[] bytes = buffer.array();
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        try {
            return Json.mapper().readValue(bytes, LockHolder.class);
        } catch (IOException e) {
            return null; // unreadable content still means "held by someone"; the caller says holder unknown
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
        synchronized (FileRunLock.class) {
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
}
