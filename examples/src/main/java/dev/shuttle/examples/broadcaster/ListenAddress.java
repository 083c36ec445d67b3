package dev.shuttle.examples.broadcaster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.util.Locale;

/**
 * wsbroad's {@code <listen_addr>}: {@code host:port} or {@code [v6]:port} (TCP), a path starting
 * with {@code /} or {@code ./} (a UNIX domain socket), {@code @name} (an abstract UNIX socket:
 * refused, the JDK cannot bind one), or {@code sd-listen} (also {@code sd_listen},
 * {@code sd-listen-unix}, {@code sd_listen_unix}, any case: the listening socket a service
 * manager passed).
 */
sealed interface ListenAddress {
    record Tcp(InetSocketAddress address) implements ListenAddress {
    }

    record Unix(UnixDomainSocketAddress address) implements ListenAddress {
    }

    record Inherited() implements ListenAddress {
    }

    /** A listen address that cannot be served, with the reason (a usage error). */
    final class BadAddressException extends Exception {
        BadAddressException(String message) {
            super(message);
        }
    }

    static ListenAddress parse(String s) throws BadAddressException {
        if (s.startsWith("/") || s.startsWith("./")) {
            try {
                return new Unix(UnixDomainSocketAddress.of(s));
            } catch (InvalidPathException e) {
                throw new BadAddressException("bad UNIX socket path '" + s + "': " + e.getReason());
            }
        }
        if (s.startsWith("@")) {
            throw new BadAddressException("abstract UNIX socket names (" + s + ") are not supported: the JDK's"
                    + " UnixDomainSocketAddress takes filesystem paths only; use a path such as /run/wsbroad.sock");
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("sd-listen") || lower.equals("sd_listen") || lower.equals("sd-listen-unix") || lower.equals("sd_listen_unix")) {
            return new Inherited();
        }
        if (lower.startsWith("sd-listen:") || lower.startsWith("sd_listen:")) {
            throw new BadAddressException("named sockets (" + s + ", LISTEN_FDNAMES) are not supported; use sd-listen with one socket");
        }
        if (lower.equals("inetd") || lower.equals("stdio") || s.equals("-")) {
            throw new BadAddressException("inetd mode (one connection on stdin/stdout) is not supported; use sd-listen");
        }
        return new Tcp(tcp(s));
    }

    private static InetSocketAddress tcp(String s) throws BadAddressException {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new BadAddressException("bad listen address '" + s + "': expected host:port, [v6]:port,"
                    + " a path starting with / or ./, or sd-listen");
        }
        String host = s.substring(0, colon);
        String portText = s.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new BadAddressException("bad listen address '" + s + "': an IPv6 address goes in brackets, e.g. [::]:9002");
        }
        if (host.isEmpty()) {
            throw new BadAddressException("bad listen address '" + s + "': no host (use 0.0.0.0 or [::] for every interface)");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new BadAddressException("bad port in listen address '" + s + "' (0-65535)");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new BadAddressException("cannot resolve host '" + host + "' in listen address '" + s + "'");
        }
    }
}
