package dev.kaapanamigrate.pgserver.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.kaapanamigrate.pgserver.DatabaseServerException;
import dev.kaapanamigrate.pgserver.Libc;
import dev.kaapanamigrate.pgserver.os.ExternalCommands;
import dev.kaapanamigrate.pgserver.os.Posix;
import dev.kaapanamigrate.pgserver.os.PrivateDirectory;

/** Facts about a PostgreSQL executable: its C library (from the ELF interpreter) and its version. Not API. */
public final class ElfInterpreter {

    private static final int PT_INTERP = 3;
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+(?:\\.\\d+)?)");

    private ElfInterpreter() {
    }

    /**
     * The C library an executable is linked against, from its {@code PT_INTERP} program header.
     *
     * @param executable a 64-bit little-endian ELF file
     * @return musl or glibc, or empty when it is neither (or not such a file)
     */
    public static Optional<Libc> libcOf(Path executable) {
        return interpreter(executable).flatMap(interp -> interp.contains("ld-musl") ? Optional.of(Libc.MUSL)
                : interp.contains("ld-linux") ? Optional.of(Libc.GLIBC) : Optional.empty());
    }

    /**
     * The path in an executable's {@code PT_INTERP} header.
     *
     * @param executable the file
     * @return the interpreter, or empty for a static, non-ELF or non-64-bit file
     */
    public static Optional<String> interpreter(Path executable) {
        try (FileChannel ch = FileChannel.open(executable, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            if (ch.read(header, 0) < 64 || header.getInt(0) != 0x464c457f || header.get(4) != 2 || header.get(5) != 1) {
                return Optional.empty(); // not "\x7fELF", 64-bit, little-endian
            }
            long phoff = header.getLong(0x20);
            int phentsize = Short.toUnsignedInt(header.getShort(0x36));
            int phnum = Short.toUnsignedInt(header.getShort(0x38));
            ByteBuffer ph = ByteBuffer.allocate(phentsize).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < phnum; i++) {
                ph.clear();
                ch.read(ph, phoff + (long) i * phentsize);
                if (ph.getInt(0) == PT_INTERP) {
                    long offset = ph.getLong(8);
                    int size = (int) Math.min(ph.getLong(32), 4096);
                    ByteBuffer name = ByteBuffer.allocate(size);
                    ch.read(name, offset);
                    String s = new String(name.array(), 0, name.position(), StandardCharsets.US_ASCII);
                    int nul = s.indexOf('\0');
                    return Optional.of(nul < 0 ? s : s.substring(0, nul));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Runs {@code postgres --version}.
     *
     * @param postgres the server executable
     * @return for example {@code 17.2}
     * @throws DatabaseServerException if it does not run or prints something else
     */
    public static String postgresVersion(Path postgres) {
        try (PrivateDirectory dir = PrivateDirectory.create(Posix.uid(), Posix.gid())) {
            Path log = dir.resolve("version.txt");
            int rc = ExternalCommands.run(List.of(postgres.toString(), "--version"), dir.path(), log,
                    Duration.ofSeconds(30));
            String out = ExternalCommands.tail(log, 3);
            Matcher m = VERSION.matcher(out);
            if (rc != 0 || !m.find()) {
                throw new DatabaseServerException(postgres + " --version exited with " + rc + " and printed '"
                        + out.strip() + "'; expected 'postgres (PostgreSQL) <version>'. Check that the binaries "
                        + "run on this machine (their libraries under lib/, the libc loader).");
            }
            return m.group(1);
        } catch (IOException | UncheckedIOException e) {
            throw new DatabaseServerException("Cannot run " + postgres + " --version: " + e.getMessage(), e);
        }
    }
}
