package dev.kaapanamigrate.pgserver.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void picksDistinctPortsThatCanBeBoundOnTheLoopbackAddress() throws Exception {
        int[] ports = FreePorts.pick(3);

        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(3);
        for (int port : ports) {
            assertThat(port).isBetween(1024, 65535);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
        assertThat(FreePorts.pick()).isBetween(1024, 65535);
    }

    @Test
    void refusesANonPositiveCount() {
        assertThatThrownBy(() -> FreePorts.pick(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }

    @Test
    void aPortForRebindingLiesBelowTheEphemeralRangeAndCanBeBoundAgain() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int ephemeralStart = Files.isReadable(range)
                ? Integer.parseInt(firstLine(range).split("\\s+")[0]) : 32_768;

        int port = FreePorts.pickForRebinding();

        assertThat(port).isBetween(1024, ephemeralStart - 1);
        for (int round = 0; round < 2; round++) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }

    // Files.readString can come back short on /proc files, whose size reads as 0
    private static String firstLine(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String line = reader.readLine();
            return line == null ? "" : line.trim();
        }
    }
}
