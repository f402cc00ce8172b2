package dev.kaapanamigrate.workflows.internal;

import java.nio.charset.Charset;
import java.nio.file.Path;

/**
 * A workflow file read and decoded.
 *
 * @param root    the scanned folder
 * @param path    the file
 * @param rel     the path relative to the root, with {@code /}
 * @param bytes   the raw content
 * @param charset its encoding (UTF-8 unless a coding declaration says otherwise)
 * @param text    the decoded text
 */
public record SourceFile(Path root, Path path, String rel, byte[] bytes, Charset charset, String text) {
}
