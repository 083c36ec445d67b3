package dev.shuttle.websocket.nats;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.shuttle.websocket.bridge.Backoff;
import dev.shuttle.websocket.bridge.HubBridge;
import dev.shuttle.websocket.bridge.testing.BrokerProcess;
import dev.shuttle.websocket.bridge.testing.CrossInstanceCases;
import io.nats.client.Connection;
import io.nats.client.Nats;

/** The cross-instance cases over a real nats-server; subscriptions are read from its /connz. */
class NatsBridgeTest extends CrossInstanceCases {
    private static final String CHANNEL = "test.bridge";
    private static final NatsSubjects SUBJECTS = new NatsSubjects(CHANNEL);
    private static final Pattern SUBJECT = Pattern.compile("\"(" + Pattern.quote(CHANNEL) + "\\.[A-Za-z0-9_-]+)\"");

    @Override
    protected BrokerProcess startBroker() throws Exception {
        return BrokerProcess.nats(false);
    }

    @Override
    protected HubBridge bridge(BrokerProcess broker, int instance) {
        return NatsBridge.builder()
                .url(broker.url("nats"))
                .channel(CHANNEL)
                .backoff(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)))
                .build();
    }

    @Override
    protected Map<String, Integer> brokerSubscribers(BrokerProcess broker) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + broker.monitorPort() + "/connz?subs=1"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Map<String, Integer> rooms = new HashMap<>();
            Matcher m = SUBJECT.matcher(body);
            while (m.find()) {
                rooms.merge(SUBJECTS.room(m.group(1)), 1, Integer::sum);
            }
            return rooms;
        }
    }

    @Override
    protected void publishRaw(BrokerProcess broker, String room, byte[] bytes) throws Exception {
        try (Connection c = Nats.connect(broker.url("nats"))) {
            c.publish(SUBJECTS.subject(room), bytes);
            c.flush(Duration.ofSeconds(5));
        }
    }
}
