package dev.shuttle.websocket.bridge.testing;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import dev.shuttle.websocket.bridge.HubBridge;
import dev.shuttle.websocket.hub.Hub;
import dev.shuttle.websocket.standalone.Listener;
import dev.shuttle.websocket.standalone.ListenerOptions;
import dev.shuttle.websocket.testing.JdkClient;

/** N in-process Shuttle instances on 127.0.0.1:0, each with its own Hub, bridge and listener. */
public final class Cluster implements AutoCloseable {
    /** One instance; {@code bridge} is null when the hub's history store carries the messages. */
    public record Instance(Hub hub, HubBridge bridge, Listener listener) {
        /**
         * A URI of this instance.
         *
         * @param path the path (the room key)
         * @return ws://127.0.0.1:port/path
         */
        public URI uri(String path) {
            return URI.create("ws://127.0.0.1:" + listener.port() + path);
        }
    }

    private final List<Instance> instances = new ArrayList<>();
    private final List<JdkClient> clients = new ArrayList<>();

    /**
     * Starts the instances.
     *
     * @param n how many
     * @param bridges makes instance i's bridge (not attached yet)
     * @throws Exception when a listener does not start
     */
    public Cluster(int n, IntFunction<HubBridge> bridges) throws Exception {
        for (int i = 0; i < n; i++) {
            HubBridge bridge = bridges.apply(i);
            start(bridge.attach(Hub.builder().maxRooms(1024)), bridge);
        }
    }

    /**
     * Starts the instances with hubs made by the caller (with a shared history, say).
     *
     * @param hubs makes instance i's hub
     * @param n how many
     * @return the cluster
     * @throws Exception when a listener does not start
     */
    public static Cluster ofHubs(IntFunction<Hub> hubs, int n) throws Exception {
        Cluster c = new Cluster(0, i -> null);
        for (int i = 0; i < n; i++) {
            c.start(hubs.apply(i), null);
        }
        return c;
    }

    private void start(Hub hub, HubBridge bridge) throws Exception {
        {
            Listener listener = WebSocketServer.builder()
                    .options(Options.builder().closeTimeout(Duration.ofSeconds(1)).build())
                    .upgradeHook(hub.upgradeHook(null))
                    .handler(hub.relay())
                    .build()
                    .listen(ListenerOptions.builder().address(new InetSocketAddress("127.0.0.1", 0)).build());
            instances.add(new Instance(hub, bridge, listener));
        }
    }

    /**
     * Connects a JDK client to any URI; it is closed with the cluster.
     *
     * @param uri the URI
     * @return the client
     * @throws Exception when the handshake fails
     */
    public JdkClient client(URI uri) throws Exception {
        JdkClient c = JdkClient.connect(uri);
        clients.add(c);
        return c;
    }

    /**
     * Instance i.
     *
     * @param i the index
     * @return the instance
     */
    public Instance get(int i) {
        return instances.get(i);
    }

    /** {@return all instances} */
    public List<Instance> all() {
        return instances;
    }

    /**
     * Connects a JDK client to an instance; it is closed with the cluster.
     *
     * @param i the instance
     * @param path the room
     * @return the client
     * @throws Exception when the handshake fails
     */
    public JdkClient client(int i, String path) throws Exception {
        JdkClient c = JdkClient.connect(get(i).uri(path));
        clients.add(c);
        return c;
    }

    @Override
    public void close() {
        for (JdkClient c : clients) {
            c.close();
        }
        for (Instance in : instances) {
            if (in.bridge() != null) {
                in.bridge().close();
            }
            in.listener().close();
        }
    }
}
