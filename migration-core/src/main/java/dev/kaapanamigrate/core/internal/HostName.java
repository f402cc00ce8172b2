package dev.kaapanamigrate.core.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's name, for lock files; never blocks on DNS when the kernel knows the name. */
final class HostName {

    private static volatile String cached;

    private HostName() {
    }

    static String get() {
        String name = cached;
        if (name == null) {
            name = lookUp();
            cached = name;
        }
        return name;
    }

    private static String lookUp() {
        try {
            String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
            if (!kernel.isEmpty()) {
                return kernel;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: ask the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }
}
