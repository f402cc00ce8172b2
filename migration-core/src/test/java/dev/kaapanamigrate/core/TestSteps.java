package dev.kaapanamigrate.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Real, file-based steps for the engine's tests. */
final class TestSteps {

    private TestSteps() {
    }

    /** The steps a test step runs after, as the plan is to wire them. */
    static String[] after(MigrationStep step) {
        if (step instanceof MarkerStep m) {
            return m.deps.toArray(String[]::new);
        }
        if (step instanceof CopyFilesStep) {
            return new String[] {"files.seed"};
        }
        return new String[0];
    }

    /** Adds steps with the dependencies they carry. */
    static MigrationPlan.Builder wire(MigrationPlan.Builder b, MigrationStep... steps) {
        for (MigrationStep step : steps) {
            b = b.step(step, after(step));
        }
        return b;
    }

    /** Writes {@code name} with {@code content} into a folder; counts its calls. */
    static class MarkerStep implements MigrationStep {
        final String id;
        final Path file;
        final String content;
        final PlatformState state;
        final List<String> deps;
        final AtomicInteger checks = new AtomicInteger();
        final AtomicInteger applies = new AtomicInteger();
        final AtomicInteger verifies = new AtomicInteger();
        /** Shared across steps to record the order of applies. */
        final List<String> log;

        MarkerStep(String id, Path dir, PlatformState state, List<String> log, String... deps) {
            this.id = id;
            this.file = dir.resolve(id + ".txt");
            this.content = "written by " + id;
            this.state = state;
            this.deps = List.of(deps);
            this.log = log;
        }

        MarkerStep(String id, Path dir, String... deps) {
            this(id, dir, PlatformState.UNDEPLOYED, new CopyOnWriteArrayList<>(), deps);
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String description() {
            return "Write " + file.getFileName();
        }


        @Override
        public PlatformState requiredState() {
            return state;
        }

        @Override
        public StepCheck check(MigrationContext ctx) {
            checks.incrementAndGet();
            return Files.exists(file) ? StepCheck.upToDate(file.getFileName() + " exists")
                    : StepCheck.pending(List.of(Change.of(Change.Kind.CREATE, file.toString(), null, content, 1)));
        }

        @Override
        public List<Change> apply(MigrationContext ctx) {
            applies.incrementAndGet();
            log.add(id);
            writeAtomically(file, content);
            return List.of(Change.of(Change.Kind.CREATE, file.toString(), null, content, 1));
        }

        @Override
        public Verification verify(MigrationContext ctx) {
            verifies.incrementAndGet();
            return Verification.builder().expect(file.getFileName() + " content", content, readOrNull(file)).build();
        }
    }

    /**
     * Copies every file of {@code source} into {@code target}, one at a time, each by an atomic rename,
     * so a crash leaves whole files only. With {@code pauseAfter} ≥ 0 it writes {@code halfway} after that
     * many files and then blocks forever (the test kills the process there).
     */
    static class CopyFilesStep implements MigrationStep {
        final Path source;
        final Path target;
        final int pauseAfter;
        final Path halfway;
        final AtomicInteger applies = new AtomicInteger();

        CopyFilesStep(Path source, Path target, int pauseAfter, Path halfway) {
            this.source = source;
            this.target = target;
            this.pauseAfter = pauseAfter;
            this.halfway = halfway;
        }

        @Override
        public String id() {
            return "files.copy";
        }

        @Override
        public String description() {
            return "Copy the source files";
        }


        private List<Path> missing() {
            List<Path> missing = new ArrayList<>();
            for (Path f : list(source)) {
                if (!Files.exists(target.resolve(f.getFileName()))) {
                    missing.add(f);
                }
            }
            return missing;
        }

        @Override
        public StepCheck check(MigrationContext ctx) {
            List<Path> missing = missing();
            return missing.isEmpty() ? StepCheck.upToDate("all files copied")
                    : StepCheck.pending(List.of(Change.of(Change.Kind.CREATE, target.toString(), null, null, missing.size())));
        }

        @Override
        public List<Change> apply(MigrationContext ctx) {
            applies.incrementAndGet();
            List<Path> missing = missing();
            int done = 0;
            for (Path f : missing) {
                writeAtomically(target.resolve(f.getFileName()), readOrNull(f));
                CrashPoints.reach("files.copy:copied");
                done++;
                ctx.progress(done, missing.size(), "files");
                if (done == pauseAfter) {
                    writeAtomically(halfway, "paused after " + done);
                    sleepForever();
                }
            }
            return List.of(Change.of(Change.Kind.CREATE, target.toString(), null, null, Math.max(1, missing.size())));
        }

        @Override
        public Verification verify(MigrationContext ctx) {
            Verification.Builder v = Verification.builder().expect("files in target", list(source).size(), list(target).size());
            for (Path f : list(source)) {
                v.expect(f.getFileName().toString(), readOrNull(f), readOrNull(target.resolve(f.getFileName())));
            }
            return v.build();
        }
    }

    /** Creates {@code count} numbered source files, one at a time, each atomically. */
    static class SeedFilesStep implements MigrationStep {
        final Path source;
        final int count;
        final AtomicInteger applies = new AtomicInteger();

        SeedFilesStep(Path source, int count) {
            this.source = source;
            this.count = count;
        }

        @Override
        public String id() {
            return "files.seed";
        }

        @Override
        public String description() {
            return "Create " + count + " source files";
        }

        @Override
        public StepCheck check(MigrationContext ctx) {
            int present = Files.isDirectory(source) ? list(source).size() : 0;
            return present == count ? StepCheck.upToDate("source files exist")
                    : StepCheck.pending(List.of(Change.of(Change.Kind.CREATE, source.toString(), null, null, count - present)));
        }

        @Override
        public List<Change> apply(MigrationContext ctx) {
            applies.incrementAndGet();
            try {
                Files.createDirectories(source);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; i < count; i++) {
                writeAtomically(source.resolve(String.format("file-%03d.txt", i)), "content of file " + i);
            }
            return List.of(Change.of(Change.Kind.CREATE, source.toString(), null, null, count));
        }

        @Override
        public Verification verify(MigrationContext ctx) {
            return Verification.builder().expect("source files", count, list(source).size()).build();
        }
    }

    /** A step whose three operations are given as functions; for failure cases. */
    static class LambdaStep implements MigrationStep {
        final String id;
        final Function<MigrationContext, StepCheck> check;
        final Function<MigrationContext, List<Change>> apply;
        final Function<MigrationContext, Verification> verify;
        final AtomicInteger applies = new AtomicInteger();

        LambdaStep(String id, Function<MigrationContext, StepCheck> check, Function<MigrationContext, List<Change>> apply,
                   Function<MigrationContext, Verification> verify) {
            this.id = id;
            this.check = check;
            this.apply = apply;
            this.verify = verify;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String description() {
            return "lambda step " + id;
        }

        @Override
        public StepCheck check(MigrationContext ctx) {
            return check.apply(ctx);
        }

        @Override
        public List<Change> apply(MigrationContext ctx) {
            applies.incrementAndGet();
            return apply.apply(ctx);
        }

        @Override
        public Verification verify(MigrationContext ctx) {
            return verify.apply(ctx);
        }
    }

    static Verification passed() {
        return Verification.builder().expect("ok", true, true).build();
    }

    static StepCheck pendingOne(String target) {
        return StepCheck.pending(List.of(Change.of(Change.Kind.UPDATE, target)));
    }

    static void writeAtomically(Path file, String content) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String readOrNull(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> list(Path dir) {
        try (var s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().endsWith(".tmp")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleepForever() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
