package dev.shuttle.websocket.nats;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import dev.shuttle.websocket.bridge.BrokerLink;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;

/** NATS core pub/sub through jnats, with jnats' own reconnecting turned off (the bridge reconnects). */
final class NatsLink implements BrokerLink {
    private static final System.Logger LOG = System.getLogger(NatsLink.class.getName());

    private final String url;
    private final NatsSubjects subjects;
    private final Duration timeout;
    private volatile Connection connection;
    private volatile Dispatcher dispatcher;

    NatsLink(String url, String channel, Duration timeout) {
        this.url = url;
        this.subjects = new NatsSubjects(channel);
        this.timeout = timeout;
    }

    @Override
    public void connect(Inbound inbound, Runnable lost) throws IOException, InterruptedException {
        Options options = new Options.Builder()
                .server(url)
                .noReconnect()
                .connectionTimeout(timeout)
                .connectionName("shuttle-bridge")
                .connectionListener(new ConnectionListener() {
                    @Override
                    public void connectionEvent(Connection c, Events type) {
                        if (type == Events.DISCONNECTED || type == Events.CLOSED) {
                            lost.run();
                        }
                    }
                })
                .errorListener(new DebugErrors(LOG))
                .build();
        Connection c = Nats.connect(options);
        connection = c;
        dispatcher = c.createDispatcher(m -> inbound.received(subjects.room(m.getSubject()), m.getData()));
    }

    @Override
    public boolean isConnected() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    @Override
    public void publish(String room, byte[] envelope, Runnable refused) {
        Connection c = connection;
        if (c == null) {
            throw new IllegalStateException("not connected");
        }
        c.publish(subjects.subject(room), envelope); // buffered; throws when the connection is closed
    }

    @Override
    public void subscribe(String room) throws TimeoutException, InterruptedException {
        dispatcher.subscribe(subjects.subject(room));
        // The server has the subscription once it answered a PING sent after it.
        connection.flush(timeout);
    }

    @Override
    public void unsubscribe(String room) {
        dispatcher.unsubscribe(subjects.subject(room));
    }

    @Override
    public void disconnect() {
        Connection c = connection;
        connection = null;
        dispatcher = null;
        if (c != null) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String describe() {
        try {
            URI u = URI.create(url);
            return u.getScheme() + "://" + u.getHost() + ":" + (u.getPort() < 0 ? 4222 : u.getPort());
        } catch (IllegalArgumentException e) {
            return "nats";
        }
    }
}
