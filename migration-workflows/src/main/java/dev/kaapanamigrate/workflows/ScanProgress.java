package dev.kaapanamigrate.workflows;

/**
 * Receives the scanner's progress every few hundred files and once at the end.
 *
 * <pre>{@code
 * WorkflowScanner.forKaapana(fast).progress((done, total, file) -> log.info("{}/{} {}", done, total, file)).build();
 * }</pre>
 */
@FunctionalInterface
public interface ScanProgress {

    /** Ignores progress. */
    ScanProgress NONE = (done, total, file) -> { };

    /**
     * Progress so far.
     *
     * @param done  files looked at so far
     * @param total files to look at (counted before the scan; a file added meanwhile can make {@code done} exceed it)
     * @param file  the file just looked at, relative to its root; {@code null} in the call at the end
     */
    void progress(long done, long total, String file);
}
