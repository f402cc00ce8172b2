package dev.kaapanamigrate.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Runs the testkit's independent set-up work side by side (generation waits mostly on its servers, not on the CPU),
 * and hands back what a task threw as it threw it. Not API.
 */
public final class Parallel {

    private Parallel() {
    }

    /**
     * Starts a task on a thread of its own.
     *
     * @param name the thread's name
     * @param task the work
     * @param <T>  its result
     * @return the running task: {@link #await} it, also when the caller's own work failed, so that nothing it started
     *         outlives the caller
     */
    public static <T> FutureTask<T> start(String name, Callable<T> task) {
        FutureTask<T> future = new FutureTask<>(task);
        Thread thread = new Thread(future, name);
        thread.setDaemon(true);
        thread.start();
        return future;
    }

    /**
     * Runs tasks at once, at most {@code threads} at a time, and waits for all of them.
     *
     * @param threads how many run at once
     * @param tasks   the work
     * @throws Exception what the first failed task threw (after every task has ended)
     */
    public static void runAll(int threads, List<Callable<?>> tasks) throws Exception {
        if (tasks.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, tasks.size()), r -> {
            Thread t = new Thread(r, "kaapana-testkit-parallel");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Callable<?> task : tasks) {
                futures.add(pool.submit(task));
            }
            Exception first = null;
            for (Future<?> f : futures) {
                try {
                    await(f);
                } catch (Exception e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Waits for a task and returns its result.
     *
     * @param future the task
     * @param <T>    its result
     * @return the result
     * @throws Exception what the task threw, unwrapped; {@link InterruptedException} (interrupt flag kept) when the
     *                   wait is interrupted
     */
    public static <T> T await(Future<T> future) throws Exception {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
