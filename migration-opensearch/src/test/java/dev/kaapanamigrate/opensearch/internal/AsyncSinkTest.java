package dev.kaapanamigrate.opensearch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hand-off of listing entries to the writer's thread. */
class AsyncSinkTest {

    @Test
    void everyEntryArrivesInOrderOnTheOtherThreadByTheTimeCloseReturns() throws Exception {
        List<String> got = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        AsyncSink sink = new AsyncSink(e -> {
            got.add(e.id());
            if (threads.isEmpty()) {
                threads.add(Thread.currentThread().getName());
            }
        }, 7, 2, "listing-test");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            sent.add("id-" + i);
            sink.accept(new Listing.Entry("id-" + i, new byte[16]));
        }
        sink.close();
        assertThat(got).isEqualTo(sent);
        assertThat(threads).containsExactly("listing-test");
    }

    @Test
    @Timeout(20)
    void aFailureOfTheWriterReachesTheProducerInsteadOfBlockingIt() {
        AsyncSink sink = new AsyncSink(e -> {
            if (e.id().equals("id-50")) {
                throw new IOException("disk full");
            }
        }, 5, 1, "listing-test");
        assertThatThrownBy(() -> {
            try (sink) {
                for (int i = 0; i < 100_000; i++) {
                    sink.accept(new Listing.Entry("id-" + i, new byte[16]));
                }
            }
        }).isInstanceOf(IOException.class).hasMessage("disk full");
    }

    @Test
    @Timeout(20)
    void aFailureInTheLastBatchIsRethrownByClose() throws Exception {
        AsyncSink sink = new AsyncSink(e -> {
            throw new IllegalStateException("refused " + e.id());
        }, 10, 2, "listing-test");
        sink.accept(new Listing.Entry("only", new byte[16]));
        assertThatThrownBy(sink::close).isInstanceOf(IllegalStateException.class).hasMessage("refused only");
    }
}
