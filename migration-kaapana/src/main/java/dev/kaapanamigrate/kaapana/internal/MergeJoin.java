package dev.kaapanamigrate.kaapana.internal;

import java.io.IOException;
import java.util.function.Function;

/**
 * Compares two ascending identifier streams in one pass and constant memory: what only the left has, what only the
 * right has, and how many both have. A stream found out of order fails loudly (a merge over unsorted input would report
 * false differences).
 */
public final class MergeJoin {

    private MergeJoin() {
    }

    /**
     * Merges two streams.
     *
     * @param left      the left stream
     * @param right     the right stream
     * @param onlyLeft  receives the identifiers only the left has, or {@code null}
     * @param onlyRight receives the identifiers only the right has, or {@code null}
     * @param shown     how an identifier is listed in the samples (for example with its project)
     * @return how many identifiers both have
     * @throws IOException           when reading fails
     * @throws IllegalStateException when a stream is not in ascending order
     */
    public static long join(IdCursor left, IdCursor right, Sample onlyLeft, Sample onlyRight,
                            Function<String, String> shown) throws IOException {
        long both = 0;
        Ordered a = new Ordered(left);
        Ordered b = new Ordered(right);
        while (a.peek() != null || b.peek() != null) {
            String x = a.peek();
            String y = b.peek();
            int c = x == null ? 1 : y == null ? -1 : x.compareTo(y);
            if (c == 0) {
                a.next();
                b.next();
                both++;
            } else if (c < 0) {
                a.next();
                if (onlyLeft != null) {
                    onlyLeft.add(x, shown.apply(x));
                }
            } else {
                b.next();
                if (onlyRight != null) {
                    onlyRight.add(y, shown.apply(y));
                }
            }
        }
        return both;
    }

    /**
     * Merges two streams, listing identifiers as themselves.
     *
     * @param left      the left stream
     * @param right     the right stream
     * @param onlyLeft  only the left has, or {@code null}
     * @param onlyRight only the right has, or {@code null}
     * @return how many both have
     * @throws IOException when reading fails
     */
    public static long join(IdCursor left, IdCursor right, Sample onlyLeft, Sample onlyRight) throws IOException {
        return join(left, right, onlyLeft, onlyRight, Function.identity());
    }

    /** Checks that a stream ascends strictly. */
    private static final class Ordered {
        private final IdCursor cursor;
        private String last;

        Ordered(IdCursor cursor) {
            this.cursor = cursor;
        }

        String peek() {
            return cursor.peek();
        }

        void next() throws IOException {
            String id = cursor.next();
            if (last != null && last.compareTo(id) >= 0) {
                throw new IllegalStateException(cursor.name() + " is not in ascending order: '" + id + "' after '" + last
                        + "'");
            }
            last = id;
        }
    }
}
