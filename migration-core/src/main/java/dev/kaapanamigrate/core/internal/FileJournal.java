package dev.kaapanamigrate.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kaapanamigrate.core.CoreErrorCode;
import dev.kaapanamigrate.core.MigrationException;
import dev.kaapanamigrate.core.PreconditionFailedException;
import dev.kaapanamigrate.core.Problem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal as a file of JSON lines. Every append is followed by {@code fsync}, so an entry that was
 * appended survives {@code kill -9} and power loss. A last line cut short by a crash is dropped on open;
 * a damaged line anywhere else is refused with {@link CoreErrorCode#JOURNAL_CORRUPT}.
 */
public final class FileJournal implements Journal {

    private static final Logger LOG = LoggerFactory.getLogger(FileJournal.class);

    private final Path file;
    private final JournalState state;
    private final FileChannel channel;
    private boolean broken;

    private FileJournal(Path file, JournalState state, FileChannel channel) {
        this.file = file;
        this.state = state;
        this.channel = channel;
    }

    /**
     * Opens the journal for appending, creating it (and its directory) when absent.
     *
     * @param file the journal file
     * @return the open journal
     */
    public static FileJournal open(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectory(dir); // never its parents: a mistyped path must create nothing
                DurableFiles.syncDirectory(dir.getParent());
            }
            boolean created = !Files.exists(file);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                Replay replay = replay(file);
                if (replay.validLength < channel.size()) {
                    // A crash cut the last line short: drop it so the next entry starts on a clean line.
                    LOG.warn("Journal {} ends in an incomplete line (cut short by a crash); dropping {} bytes",
                            file, channel.size() - replay.validLength);
                    channel.truncate(replay.validLength);
                    channel.force(true);
                }
                channel.position(replay.validLength);
                if (created) {
                    DurableFiles.syncDirectory(dir);
                }
                return new FileJournal(file, replay.state, channel);
            } catch (RuntimeException e) {
                channel.close();
                throw e;
            }
        } catch (IOException e) {
            throw new MigrationException(CoreErrorCode.JOURNAL_IO, "Cannot open the journal " + file + ": " + e
                    + ". Make the state directory writable and check free space.", e);
        }
    }

    /**
     * Reads a journal without opening it for writing, as a dry-run does. A missing file is an empty journal.
     *
     * @param file the journal file
     * @return the replayed state
     */
    public static JournalState read(Path file) {
        try {
            return replay(file).state;
        } catch (IOException e) {
            throw new MigrationException(CoreErrorCode.JOURNAL_IO, "Cannot read the journal " + file + ": " + e, e);
        }
    }

    private record Replay(JournalState state, long validLength) {
    }

    private static Replay replay(Path file) throws IOException {
        JournalState state = new JournalState();
        byte[] bytes;
        try {
            // Journals stay small (a few lines per step), so reading them whole is fine.
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Replay(state, 0);
        }
        int offset = 0;
        int lineNumber = 0;
        while (true) {
            int end = indexOfNewline(bytes, offset);
            if (end < 0) {
                break; // no newline after the last entry: it was cut short by a crash
            }
            lineNumber++;
            String line = new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
            offset = end + 1;
            if (line.isBlank()) {
                continue;
            }
            JournalEntry entry;
            try {
                entry = Json.mapper().readValue(line, JournalEntry.class);
            } catch (JsonProcessingException e) {
                throw corrupt(file, lineNumber, "a line that is not a journal entry");
            }
            if (entry == null || entry.type() == null || !JournalEntry.readable(entry.v())) {
                throw corrupt(file, lineNumber, entry == null ? "a null entry"
                        : "an entry of journal format version " + entry.v());
            }
            state.apply(entry);
        }
        return new Replay(state, offset);
    }

    private static int indexOfNewline(byte[] bytes, int from) {
        // '\n' never occurs inside a multi-byte UTF-8 sequence, so a byte scan is safe.
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static PreconditionFailedException corrupt(Path file, int line, String found) {
        return new PreconditionFailedException(Problem.of(CoreErrorCode.JOURNAL_CORRUPT,
                found + " at line " + line + " of " + file,
                "one JSON entry of journal format version " + JournalEntry.VERSION + " per line",
                "move " + file.getFileName() + " aside and run again: every step checks its own state, so no step "
                        + "is applied twice; but values that earlier steps journaled (such as baselines) are gone, and steps "
                        + "of a platform state the platform has left cannot run again, so those will report it"));
    }

    @Override
    public synchronized JournalState state() {
        return state;
    }

    @Override
    public synchronized void append(JournalEntry entry) {
        if (broken) {
            throw new MigrationException(CoreErrorCode.JOURNAL_IO, "The journal " + file + " could not be written earlier in "
                    + "this run, so nothing more is recorded. Make the state directory writable and run again.", null);
        }
        long start = -1;
        try {
            byte[] line = (Json.mapper().writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
            start = channel.position();
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
            state.apply(entry);
        } catch (IOException e) {
            // Cut off what was written of the line, so the journal stays readable; after a failed fsync the
            // file's state is unknown, so refuse everything further.
            broken = true;
            if (start >= 0) {
                try {
                    channel.truncate(start);
                    channel.position(start);
                    channel.force(false);
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
            }
            throw new MigrationException(CoreErrorCode.JOURNAL_IO, "Cannot append to the journal " + file + ": " + e
                    + ". Make the state directory writable and check free space, then run again.", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("Closing the journal {} failed: {}", file, e.toString());
        }
    }
}
