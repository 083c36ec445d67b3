package dev.shuttle.bench.server;

import java.util.concurrent.CountDownLatch;

import dev.shuttle.bench.Args;

/**
 * Starts one benchmark server, prints {@code listening on ws://H:N/} and runs until the process
 * is killed. Every server, Shuttle's and the peers', is started the same way so that run.sh
 * treats them alike; each serves WebSocket on every path.
 */
public final class ServerMain {
    private ServerMain() {
    }

    /** {@code shuttle --transport builtin|... --mode echo|broadcast --port N}. */
    public static void shuttle(Args args) throws Exception {
        String transport = args.string("transport", "builtin");
        Mode mode = Mode.parse(args.string("mode", "echo"));
        String host = args.string("host", "127.0.0.1");
        int port = args.integer("port", 8080);
        long queue = args.size("queue", dev.shuttle.websocket.Options.DEFAULT_MAX_QUEUED_BYTES);
        args.checkAllUsed();
        serve(ShuttleServers.start(transport, mode, host, port, queue), host);
    }

    /** {@code peer --kind jetty|undertow|netty --mode echo|broadcast --port N}. */
    public static void peer(Args args) throws Exception {
        String kind = args.string("kind", "jetty");
        Mode mode = Mode.parse(args.string("mode", "echo"));
        String host = args.string("host", "127.0.0.1");
        int port = args.integer("port", 8080);
        args.checkAllUsed();
        RunningServer server = switch (kind) {
            case "jetty" -> JettyPeer.start(mode, host, port);
            case "undertow" -> UndertowPeer.start(mode, host, port);
            case "netty" -> NettyPeer.start(mode, host, port);
            default -> throw new IllegalArgumentException("--kind must be jetty, undertow or netty: " + kind);
        };
        serve(server, host);
    }

    private static void serve(RunningServer server, String host) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("closing: " + e);
            }
            stopped.countDown();
        }, "bench-shutdown"));
        System.out.println("listening on ws://" + host + ":" + server.port() + "/");
        System.out.flush();
        stopped.await();
    }

    /** A started server: the port it bound (the real one when 0 was asked) and how to stop it. */
    public interface RunningServer extends AutoCloseable {
        int port();
    }
}
