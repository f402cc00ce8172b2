package dev.kaapanamigrate.opensearch.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands listed entries to another sink on a thread of its own, so that sorting, spilling and compressing the listing
 * run beside the reading and hashing of the next pages. Entries travel in batches through a bounded queue: at most
 * {@code batches} full batches wait, so memory stays bounded. Closing delivers the rest, waits for the thread and
 * rethrows what the target sink threw; the target is then closed by its owner.
 */
public final class AsyncSink implements IndexScanner.Sink, AutoCloseable {

    private static final Listing.Entry[] END = new Listing.Entry[0];

    private final IndexScanner.Sink target;
    private final BlockingQueue<Listing.Entry[]> queue;
    private final int batchSize;
    private final Thread thread;
    private Listing.Entry[] batch;
    private int filled;
    private volatile Throwable failure;
    private boolean reported;
    private boolean closed;

    /**
     * Starts the hand-off thread.
     *
     * @param target    receives every entry, on the hand-off thread, in the order given
     * @param batchSize entries per batch
     * @param batches   full batches that may wait
     * @param name      the thread's name
     */
    public AsyncSink(IndexScanner.Sink target, int batchSize, int batches, String name) {
        this.target = target;
        this.batchSize = batchSize;
        this.queue = new ArrayBlockingQueue<>(batches);
        this.batch = new Listing.Entry[batchSize];
        this.thread = new Thread(this::drain, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void drain() {
        try {
            while (true) {
                Listing.Entry[] b = queue.take();
                if (b == END) {
                    return;
                }
                for (Listing.Entry e : b) {
                    if (e == null) {
                        break;
                    }
                    target.accept(e);
                }
            }
        } catch (Throwable t) {
            failure = t;
            queue.clear(); // unblocks a producer waiting for room; it sees the failure next
        }
    }

    @Override
    public void accept(Listing.Entry e) throws IOException {
        batch[filled++] = e;
        if (filled == batchSize) {
            hand(batch);
            batch = new Listing.Entry[batchSize];
            filled = 0;
        }
    }

    private void hand(Listing.Entry[] b) throws IOException {
        try {
            while (!queue.offer(b, 100, TimeUnit.MILLISECONDS)) {
                rethrow();
                if (!thread.isAlive()) {
                    throw new IOException("the listing writer thread ended early");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing listing entries over");
        }
        rethrow();
    }

    /** Throws the target's failure, once: a failure already thrown is not thrown again (by close). */
    private void rethrow() throws IOException {
        Throwable t = reported ? null : failure;
        if (t != null) {
            reported = true;
        }
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IOException(t);
        }
    }

    /**
     * Delivers the entries still held, waits until the target has taken every entry, and rethrows its failure.
     *
     * @throws IOException what the target threw
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (filled > 0 && failure == null) {
                hand(batch);
            }
            if (failure == null) {
                hand(END);
            }
            closed = true;
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.interrupt();
            throw new InterruptedIOException("interrupted while the listing was written");
        } finally {
            closed = true;
            if (thread.isAlive() && failure != null) {
                thread.interrupt();
            }
        }
        rethrow();
    }
}
