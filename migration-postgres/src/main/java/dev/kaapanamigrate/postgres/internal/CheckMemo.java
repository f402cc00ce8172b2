package dev.kaapanamigrate.postgres.internal;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;

/**
 * A step's last check in this process, handed out again while it is still true: a run checks a step more than once
 * (before its first change, again before the step's apply, and in the look-ahead that follows when later steps wait),
 * and where nothing was written on the server in between, reading the database again gives the same answer (issue 19:
 * each full pass at most once per run). The check is reused only in the same run, for the same inputs from the
 * context, and while the {@link ReadFence} taken before its first read holds: no transaction has completed on the
 * server since but the run's own migrations of other databases ({@link OwnWrites}), so every row it read is still as
 * it was. Anything else reads again. It lives in the step's memory
 * only, never in the journal.
 *
 * @param <T> what a check gives: its {@link dev.kaapanamigrate.core.StepCheck}, or that and what it puts into the
 *            context (handed out again, it is put again)
 */
public final class CheckMemo<T> {

    private record Kept<T>(ReadFence fence, Object inputs, T check) {
    }

    private final AtomicReference<Kept<T>> kept = new AtomicReference<>();

    /**
     * The check kept, if it was taken in this run from equal inputs and nothing has been written on the server since.
     *
     * @param h      the handle, in the new check's transaction, before its first read
     * @param runId  the run
     * @param inputs what the check takes from the context ({@code equals} compared)
     * @return the check kept, or empty: then check, and {@link #keep} the result
     */
    public Optional<T> reuse(Handle h, UUID runId, Object inputs) {
        Kept<T> k = kept.get();
        if (k == null || !k.inputs().equals(inputs) || !k.fence().holds(h, runId)) {
            return Optional.empty();
        }
        return Optional.of(k.check());
    }

    /**
     * Keeps a check for the next one in this run, or forgets the last when there is no fence.
     *
     * @param fence  the fence taken before the check's first read
     * @param inputs what the check took from the context
     * @param check  its result
     */
    public void keep(Optional<ReadFence> fence, Object inputs, T check) {
        kept.set(fence.map(f -> new Kept<>(f, Objects.requireNonNull(inputs, "inputs"), check)).orElse(null));
    }
}
