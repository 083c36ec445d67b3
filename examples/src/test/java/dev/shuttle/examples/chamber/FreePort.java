package dev.shuttle.examples.chamber;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Prints a loopback port that was free a moment ago, for {@code examples/scripts/compare-echo-chamber.sh}. */
final class FreePort {
    private FreePort() {
    }

    public static void main(String[] args) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            System.out.println(s.getLocalPort());
        }
    }
}
